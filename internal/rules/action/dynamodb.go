package action

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// dynamoParams is AWS's DynamoDBAction: one item per message, keyed by
// the rendered hash (and range) key, with the whole output in payloadField.
type dynamoParams struct {
	RoleArn       string `json:"roleArn"`
	TableName     string `json:"tableName"`
	Operation     string `json:"operation"`
	HashKeyField  string `json:"hashKeyField"`
	HashKeyValue  string `json:"hashKeyValue"`
	HashKeyType   string `json:"hashKeyType"`
	RangeKeyField string `json:"rangeKeyField"`
	RangeKeyValue string `json:"rangeKeyValue"`
	RangeKeyType  string `json:"rangeKeyType"`
	PayloadField  string `json:"payloadField"`
}

func (p *dynamoParams) check(c *checker) {
	c.required("tableName", p.TableName)
	c.required("roleArn", p.RoleArn)
	c.required("hashKeyField", p.HashKeyField)
	c.required("hashKeyValue", p.HashKeyValue)
	c.enum("hashKeyType", p.HashKeyType, "STRING", "NUMBER")
	c.enum("rangeKeyType", p.RangeKeyType, "STRING", "NUMBER")
	c.enum("operation", p.Operation, "INSERT", "UPDATE", "DELETE")
	if p.RangeKeyField != "" && p.RangeKeyValue == "" {
		c.required("rangeKeyValue", p.RangeKeyValue)
	}
}

func (p *dynamoParams) build(d Deps) (Action, error) {
	c, err := newAWSClient(d, "dynamodb", newDynamoClient)
	if err != nil {
		return nil, err
	}
	return &dynamoAction{p: *p, client: c}, nil
}

func newDynamoClient(cfg aws.Config) *dynamodb.Client { return dynamodb.NewFromConfig(cfg) }

// dynamoAction writes one item per message.
type dynamoAction struct {
	p      dynamoParams
	client *awsClient[*dynamodb.Client]
}

func (a *dynamoAction) Kind() string     { return "DynamoAction" }
func (a *dynamoAction) Resource() string { return a.p.TableName }

// Do inserts, updates or deletes the item of the rendered keys.
func (a *dynamoAction) Do(ctx context.Context, inv *Invocation) error {
	if err := a.do(ctx, inv); err != nil {
		return fmt.Errorf("Failed to write to DynamoDB table %s. The error received was %s. Message arrived on: %s, Action: dynamo",
			a.p.TableName, errText(err), inv.Topic)
	}
	return nil
}

func (a *dynamoAction) do(ctx context.Context, inv *Invocation) error {
	key, err := a.key(inv)
	if err != nil {
		return err
	}
	op, err := render(inv, a.p.Operation)
	if err != nil {
		return err
	}
	tableName, err := render(inv, a.p.TableName)
	if err != nil {
		return err
	}
	field, err := render(inv, a.payloadField())
	if err != nil {
		return err
	}
	cl, err := a.client.get(ctx)
	if err != nil {
		return err
	}
	table := aws.String(tableName)
	switch strings.ToUpper(op) {
	case "DELETE":
		_, err = cl.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: table, Key: key})
		return err
	case "UPDATE":
		payload, err := payloadAttr(inv.Output)
		if err != nil {
			return err
		}
		_, err = cl.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: table, Key: key,
			UpdateExpression:          aws.String("SET #p = :p"),
			ExpressionAttributeNames:  map[string]string{"#p": field},
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": payload}})
		return err
	case "", "INSERT":
		payload, err := payloadAttr(inv.Output)
		if err != nil {
			return err
		}
		key[field] = payload
		_, err = cl.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: key})
		return err
	}
	return fmt.Errorf("operation %q is not INSERT, UPDATE or DELETE", op)
}

// payloadField is where the output goes; AWS's default is "payload".
func (a *dynamoAction) payloadField() string {
	if a.p.PayloadField != "" {
		return a.p.PayloadField
	}
	return "payload"
}

// key renders the hash and range keys with their types.
func (a *dynamoAction) key(inv *Invocation) (map[string]types.AttributeValue, error) {
	key := map[string]types.AttributeValue{}
	if err := putKey(inv, key, a.p.HashKeyField, a.p.HashKeyValue, a.p.HashKeyType); err != nil {
		return nil, err
	}
	if a.p.RangeKeyField != "" {
		if err := putKey(inv, key, a.p.RangeKeyField, a.p.RangeKeyValue, a.p.RangeKeyType); err != nil {
			return nil, err
		}
	}
	return key, nil
}

// putKey renders one key attribute into key, as S or N (typ NUMBER).
func putKey(inv *Invocation, key map[string]types.AttributeValue, field, value, typ string) error {
	name, err := render(inv, field)
	if err != nil {
		return err
	}
	v, err := render(inv, value)
	if err != nil {
		return err
	}
	if v == "" {
		return fmt.Errorf("the key %s rendered empty", name)
	}
	if typ == "NUMBER" {
		key[name] = &types.AttributeValueMemberN{Value: v}
	} else {
		key[name] = &types.AttributeValueMemberS{Value: v}
	}
	return nil
}

var _ Action = (*dynamoAction)(nil)
