package policy

import (
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
)

const arnPrefix = "arn:aws:iot:us-east-1:123456789012:"

// goodDocs are documents CreatePolicy accepts; FuzzParse seeds from them.
var goodDocs = map[string]string{
	"spec §2.1 example": `{"Version":"2012-10-17",
	 "Statement":[{"Effect":"Allow","Action":["iot:Connect"],
	   "Resource":["arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"],
	   "Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}}]}`,
	"statement object, strings": `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iot:*","Resource":"*"}}`,
	"old version":               `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"*"}]}`,
	"Sid and Id":                `{"Version":"2012-10-17","Id":"p1","Statement":[{"Sid":"one","Effect":"Allow","Action":"iot:Publish","Resource":"*"}]}`,
	"wildcard action prefix":    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Get*","iot:?ublish"],"Resource":"*"}]}`,
	"lower-case action":         `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"IOT:publish","Resource":"*"}]}`,
	"control-plane action":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:CreateThing","iot:DescribeEndpoint"],"Resource":"*"}]}`,
	"star action":               `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
	"greengrass action":         `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["greengrass:*","iot:Connect"],"Resource":"*"}]}`,
	"NotAction NotResource": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iot:Connect",
	   "NotResource":"arn:aws:iot:us-east-1:123456789012:topic/ok/*"}]}`,
	"every operator family": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*",
	 "Condition":{
	   "StringEquals":{"iot:ClientId":["a","b"]},
	   "StringNotEqualsIgnoreCase":{"iot:ClientId":"X"},
	   "ForAnyValue:StringLike":{"iot:ConnectAttributes":"Persist*"},
	   "ForAllValues:StringEquals":{"iot:ConnectAttributes":["PersistentConnect","LastWill"]},
	   "StringLikeIfExists":{"iot:LastWillTopic":"arn:aws:iot:*:*:topic/will/*"},
	   "NumericLessThanEquals":{"k:n":"10.5"},
	   "NumericGreaterThan":{"k:n":3},
	   "DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},
	   "DateLessThan":{"aws:EpochTime":"4102444800"},
	   "Bool":{"iot:Connection.Thing.IsAttached":true},
	   "IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.7","2001:db8::/32"]},
	   "NotIpAddress":{"aws:SourceIp":"10.9.0.0/16"},
	   "ArnLike":{"k:arn":"arn:aws:iot:*:123456789012:thing/*"},
	   "ArnNotEquals":{"k:arn":"arn:aws:iot:us-east-1:123456789012:thing/x"},
	   "Null":{"iot:LastWillTopic":"true"},
	   "BinaryEquals":{"k:b":"QmluYXJ5"}}}]}`,
	"variable in a numeric value": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*",
	 "Condition":{"NumericEquals":{"k:n":"${iot:Connection.Thing.Attributes[n]}"}}}]}`,
	"pretty printed with whitespace": "{\n  \"Version\" : \"2012-10-17\" ,\n  \"Statement\" : [ {\n    \"Effect\" : \"Allow\" ,\n    \"Action\" : \"iot:Receive\" ,\n    \"Resource\" : \"*\"\n  } ]\n}\n",
}

// badDocs are documents CreatePolicy rejects, each with a fragment of the
// message hob gives.
var badDocs = []struct {
	name, doc, want string
}{
	{"empty", "", "policy document is empty"},
	{"only whitespace", " \n\t ", "policy document is empty"},
	{"not JSON", "{Version", "not valid JSON"},
	{"trailing garbage", `{"Version":"2012-10-17","Statement":[]} x`, "not valid JSON"},
	{"array", `[1]`, "policy document must be a JSON object, got an array"},
	{"string", `"x"`, "policy document must be a JSON object, got a string"},
	{"unknown top field", `{"Version":"2012-10-17","Statement":[],"Foo":1}`, `policy document has an unknown field "Foo"`},
	{"duplicate field", `{"Version":"2012-10-17","Version":"2012-10-17","Statement":[]}`, `has the field "Version" more than once`},
	{"no version", `{"Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*"}}`, "has no Version"},
	{"bad version", `{"Version":"2012-10-18","Statement":[]}`, `Version must be "2012-10-17" or "2008-10-17", got "2012-10-18"`},
	{"version number", `{"Version":2012,"Statement":[]}`, "Version must be a string, got a number"},
	{"id number", `{"Version":"2012-10-17","Id":1,"Statement":[]}`, "Id must be a string"},
	{"no statement", `{"Version":"2012-10-17"}`, "has no Statement"},
	{"empty statements", `{"Version":"2012-10-17","Statement":[]}`, "Statement must not be an empty array"},
	{"statement string", `{"Version":"2012-10-17","Statement":"x"}`, "Statement must be an object or an array of objects, got a string"},
	{"statement item string", `{"Version":"2012-10-17","Statement":["x"]}`, "Statement[0] must be a JSON object, got a string"},
	{"bad effect", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"},{"Effect":"Permit","Action":"iot:*","Resource":"*"}]}`,
		`Statement[1].Effect must be Allow or Deny, got "Permit"`},
	{"effect lower case", `{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"iot:*","Resource":"*"}}`, `Statement.Effect must be Allow or Deny, got "allow"`},
	{"no effect", `{"Version":"2012-10-17","Statement":[{"Action":"iot:*","Resource":"*"}]}`, "Statement[0] has no Effect"},
	{"principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"iot:*","Resource":"*"}]}`, `Statement[0] has an unknown field "Principal"`},
	{"sid number", `{"Version":"2012-10-17","Statement":[{"Sid":1,"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`, "Statement[0].Sid must be a string"},
	{"no action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}`, "Statement[0] has no Action or NotAction"},
	{"both actions", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","NotAction":"iot:Connect","Resource":"*"}]}`, "has both Action and NotAction"},
	{"empty action list", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`, "Statement[0].Action must not be an empty array"},
	{"empty action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"","Resource":"*"}]}`, "Statement[0].Action must not be empty"},
	{"action number", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect",7],"Resource":"*"}]}`, "Statement[0].Action[1] must be a string, got a number"},
	{"action object", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":{},"Resource":"*"}]}`, "Statement[0].Action must be a string or an array of strings, got an object"},
	{"unknown action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect","iot:Publsh"],"Resource":"*"}]}`, `Statement[0].Action[1]: "iot:Publsh" is not a known AWS IoT action`},
	{"pattern matching nothing", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Zap*","Resource":"*"}]}`, `"iot:Zap*" matches no known AWS IoT action`},
	{"other service", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, `Statement[0].Action: "s3:GetObject" is not an AWS IoT action`},
	{"no service", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"Publish","Resource":"*"}]}`, `"Publish" is not an action`},
	{"bad NotAction", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iot:Nope","Resource":"*"}]}`, `Statement[0].NotAction: "iot:Nope" is not a known`},
	{"no resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*"}]}`, "Statement[0] has no Resource or NotResource"},
	{"both resources", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","NotResource":"*"}]}`, "has both Resource and NotResource"},
	{"resource not ARN", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":["*","topic/a"]}]}`, `Statement[0].Resource[1]: "topic/a" must be "*" or an ARN`},
	{"resource null", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":null}]}`, "Statement[0].Resource must be a string or an array of strings, got null"},
	{"condition array", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":[]}]}`, "Statement[0].Condition must be a JSON object, got an array"},
	{"unknown operator", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"StringEqual":{"k":"v"}}}]}`, `Statement[0].Condition: unknown condition operator "StringEqual"`},
	{"bad prefix", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"k":"v"}}}]}`, `unknown condition operator "ForSomeValues:StringEquals"`},
	{"NullIfExists", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}]}`, `"NullIfExists" is not allowed`},
	{"operator not object", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"StringEquals":"v"}}]}`, "Statement[0].Condition.StringEquals must be a JSON object, got a string"},
	{"operator without keys", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"StringEquals":{}}}]}`, "Statement[0].Condition.StringEquals must name at least one condition key"},
	{"empty key", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"StringEquals":{"":"v"}}}]}`, "the condition key must not be empty"},
	{"value object", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"StringEquals":{"k":{}}}}]}`, `Statement[0].Condition.StringEquals["k"] must be a string or an array of strings, got an object`},
	{"value array with null", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"StringEquals":{"k":["a",null]}}}]}`, `Statement[0].Condition.StringEquals["k"][1] must be a string, got null`},
	{"value empty array", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"StringEquals":{"k":[]}}}]}`, `["k"] must not be an empty array`},
	{"bool value", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"Bool":{"k":"yes"}}}]}`, `Statement[0].Condition.Bool["k"]: "yes" is not true or false`},
	{"numeric value", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"NumericLessThan":{"k":"ten"}}}]}`, `"ten" is not a number`},
	{"date value", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"DateLessThan":{"k":"tomorrow"}}}]}`, `"tomorrow" is not a date`},
	{"ip value", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]}`, `"10.0.0.0/33" is not an IP address or CIDR block`},
	{"second statement bad", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"},{"Effect":"Allow","Action":"iot:*"}]}`, "Statement[1] has no Resource"},
	{"too long", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"arn:aws:iot:us-east-1:123456789012:topic/` + strings.Repeat("a", 2000) + `"}]}`, "the limit is 2048"},
	{"invalid UTF-8", "{\"Version\":\"2012-10-17\",\"Statement\":\"\xff\"}", "not valid UTF-8"},
}

func TestParse_Good(t *testing.T) {
	for name, doc := range goodDocs {
		t.Run(name, func(t *testing.T) {
			d, err := Parse(doc)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(d.Statements) == 0 {
				t.Fatal("no statements")
			}
		})
	}
}

func TestParse_Bad(t *testing.T) {
	for _, tc := range badDocs {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse(tc.doc)
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", d)
			}
			e, ok := iot.AsError(err)
			if !ok || e.Code != iot.MalformedPolicyException {
				t.Fatalf("err = %#v, want *iot.Error MalformedPolicyException", err)
			}
			if !strings.Contains(e.Message, tc.want) {
				t.Fatalf("message %q does not contain %q", e.Message, tc.want)
			}
		})
	}
}

func TestParse_SizeCountsNonWhitespace(t *testing.T) {
	head := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:*","Resource":"arn:aws:iot:r:1:topic/`
	tail := `"}}`
	fill := MaxDocumentChars - len(head) - len(tail)
	exact := head + strings.Repeat("a", fill) + tail
	if _, err := Parse(exact); err != nil {
		t.Fatalf("2048 characters rejected: %v", err)
	}
	// Whitespace does not count, however much of it there is.
	spaced := strings.ReplaceAll(exact, ",", " ,\n\t\t ")
	if _, err := Parse(spaced); err != nil {
		t.Fatalf("2048 characters plus whitespace rejected: %v", err)
	}
	if _, err := Parse(head + strings.Repeat("a", fill+1) + tail); err == nil {
		t.Fatal("2049 characters accepted")
	}
}

func TestParse_KeepsElements(t *testing.T) {
	d := MustParse(`{"Version":"2012-10-17","Id":"x","Statement":[
	  {"Sid":"s0","Effect":"Deny","NotAction":["iot:Connect"],"NotResource":"*",
	   "Condition":{"StringEquals":{"iot:ClientId":["a",7,true]}}}]}`)
	s := d.Statements[0]
	if d.Version != Version2012 || d.ID != "x" || s.Sid != "s0" || s.Effect != Deny {
		t.Fatalf("document = %+v", d)
	}
	if len(s.NotActions) != 1 || s.Actions != nil || len(s.NotResources) != 1 || s.Resources != nil {
		t.Fatalf("statement lists = %+v", s)
	}
	c := s.Conditions[0]
	if c.Operator != "StringEquals" || c.Key != "iot:ClientId" || strings.Join(c.Values, ",") != "a,7,true" {
		t.Fatalf("condition = %+v", c)
	}
}

func TestMustParse_Panics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("MustParse did not panic on a bad document")
		}
	}()
	MustParse("{}")
}

func TestKnownActions_HasDataPlane(t *testing.T) {
	all := strings.Join(KnownActions(), ",")
	for _, a := range dataPlaneActions {
		if !strings.Contains(all, a) {
			t.Errorf("%s missing", a)
		}
	}
	for _, a := range []string{"iot:CreateKeysAndCertificate", "iot:AttachPolicy", "iot:ListThings"} {
		if !strings.Contains(all, a) {
			t.Errorf("%s missing", a)
		}
	}
}
