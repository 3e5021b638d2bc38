package action

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// dynamoV2Params is AWS's DynamoDBv2Action: PutItem with each top-level
// attribute of the output as a column.
type dynamoV2Params struct {
	RoleArn string `json:"roleArn"`
	PutItem *struct {
		TableName string `json:"tableName"`
	} `json:"putItem"`
}

func (p *dynamoV2Params) check(c *checker) {
	c.required("roleArn", p.RoleArn)
	if p.PutItem == nil {
		c.required("putItem", "")
		return
	}
	c.required("putItem.tableName", p.PutItem.TableName)
}

func (p *dynamoV2Params) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "dynamodb", newDynamoClient)
	if err != nil {
		return nil, err
	}
	return &dynamoV2Action{table: p.PutItem.TableName, client: c}, nil
}

// dynamoV2Action puts the output object as an item.
type dynamoV2Action struct {
	table  string
	client *awsClient[*dynamodb.Client]
}

func (a *dynamoV2Action) Kind() string     { return "DynamoActionV2" }
func (a *dynamoV2Action) Resource() string { return a.table }

// Do puts the item; the output must be a JSON object holding the table's keys.
func (a *dynamoV2Action) Do(ctx context.Context, inv *Invocation) error {
	if err := a.do(ctx, inv); err != nil {
		return fmt.Errorf("Failed to put item in DynamoDB table %s. The error received was %s. Message arrived on: %s, Action: dynamoDBv2",
			a.table, errText(err), inv.Topic)
	}
	return nil
}

func (a *dynamoV2Action) do(ctx context.Context, inv *Invocation) error {
	obj, err := jsonObject(inv.Output)
	if err != nil {
		return err
	}
	item := make(map[string]types.AttributeValue, len(obj))
	for k, v := range obj {
		if item[k], err = attrValue(v); err != nil {
			return err
		}
	}
	table, err := render(inv, a.table)
	if err != nil {
		return err
	}
	cl, err := a.client.get(ctx)
	if err != nil {
		return err
	}
	_, err = cl.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item})
	return err
}

var _ Action = (*dynamoV2Action)(nil)
