package action

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// attrValue converts one JSON value to a DynamoDB attribute: objects to
// M, arrays to L, strings to S, numbers to N (as written), booleans to
// BOOL and null to NULL, as AWS's DynamoDB actions store JSON.
func attrValue(raw json.RawMessage) (types.AttributeValue, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return attrOf(v)
}

func attrOf(v any) (types.AttributeValue, error) {
	switch v := v.(type) {
	case nil:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case bool:
		return &types.AttributeValueMemberBOOL{Value: v}, nil
	case json.Number:
		return &types.AttributeValueMemberN{Value: v.String()}, nil
	case string:
		return &types.AttributeValueMemberS{Value: v}, nil
	case []any:
		l := make([]types.AttributeValue, len(v))
		for i, e := range v {
			a, err := attrOf(e)
			if err != nil {
				return nil, err
			}
			l[i] = a
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	case map[string]any:
		m := make(map[string]types.AttributeValue, len(v))
		for k, e := range v {
			a, err := attrOf(e)
			if err != nil {
				return nil, err
			}
			m[k] = a
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	}
	return nil, fmt.Errorf("unexpected JSON value %T", v)
}

// payloadAttr is the SELECT output as an attribute: its JSON value, or
// the bytes (B) when it is not JSON.
func payloadAttr(output []byte) (types.AttributeValue, error) {
	if !isJSON(output) {
		return &types.AttributeValueMemberB{Value: output}, nil
	}
	return attrValue(output)
}
