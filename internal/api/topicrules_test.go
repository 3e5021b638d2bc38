package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/hob-iot/hob/internal/testutil"
)

// republishTo is a republish action to topic.
func republishTo(topic string) types.Action {
	return types.Action{Republish: &types.RepublishAction{Topic: aws.String(topic),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/republish"), Qos: aws.Int32(1)}}
}

// rulePayload is a payload selecting everything from the topic filter from.
func rulePayload(from string, actions ...types.Action) *types.TopicRulePayload {
	if actions == nil {
		actions = []types.Action{}
	}
	return &types.TopicRulePayload{Sql: aws.String("SELECT * FROM '" + from + "'"), Actions: actions}
}

func TestTopicRules_Lifecycle_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		name := aws.String("temps")
		arn := "arn:aws:iot:" + srv.Region + ":" + srv.AccountID + ":rule/temps"
		p := rulePayload("sensors/+/temp", republishTo("out/${topic(2)}"))
		p.Description, p.AwsIotSqlVersion = aws.String("temperatures"), aws.String("2016-03-23")
		p.ErrorAction = &types.Action{Republish: &types.RepublishAction{Topic: aws.String("errors"), RoleArn: aws.String("arn:aws:iam::123456789012:role/r")}}
		call(c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: name, TopicRulePayload: p, Tags: aws.String("team=data&env=prod")})).ok(t)

		got := call(c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: name})).ok(t)
		r := got.Rule
		if aws.ToString(got.RuleArn) != arn || aws.ToString(r.RuleName) != "temps" || aws.ToString(r.Sql) != "SELECT * FROM 'sensors/+/temp'" ||
			aws.ToString(r.Description) != "temperatures" || aws.ToString(r.AwsIotSqlVersion) != "2016-03-23" ||
			aws.ToBool(r.RuleDisabled) || r.CreatedAt == nil || time.Since(*r.CreatedAt) > time.Minute {
			t.Fatalf("GetTopicRule = %+v %+v", got, r)
		}
		if len(r.Actions) != 1 || aws.ToString(r.Actions[0].Republish.Topic) != "out/${topic(2)}" || aws.ToInt32(r.Actions[0].Republish.Qos) != 1 ||
			r.ErrorAction == nil || aws.ToString(r.ErrorAction.Republish.Topic) != "errors" {
			t.Errorf("actions %+v, errorAction %+v", r.Actions, r.ErrorAction)
		}

		call(c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("other"), TopicRulePayload: rulePayload("a/b")})).ok(t)
		dflt := call(c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("other")})).ok(t).Rule
		if aws.ToString(dflt.AwsIotSqlVersion) != "2015-10-08" || len(dflt.Actions) != 0 || dflt.ErrorAction != nil || dflt.Description != nil {
			t.Errorf("rule with defaults = %+v", dflt)
		}

		call(c.DisableTopicRule(ctx, &iot.DisableTopicRuleInput{RuleName: name})).ok(t)
		list := call(c.ListTopicRules(ctx, &iot.ListTopicRulesInput{RuleDisabled: aws.Bool(true)})).ok(t)
		if len(list.Rules) != 1 || aws.ToString(list.Rules[0].RuleName) != "temps" || !aws.ToBool(list.Rules[0].RuleDisabled) ||
			aws.ToString(list.Rules[0].RuleArn) != arn || aws.ToString(list.Rules[0].TopicPattern) != "sensors/+/temp" ||
			list.Rules[0].CreatedAt == nil || list.NextToken != nil {
			t.Errorf("ListTopicRules(ruleDisabled) = %+v", list.Rules)
		}
		call(c.EnableTopicRule(ctx, &iot.EnableTopicRuleInput{RuleName: name})).ok(t)
		list = call(c.ListTopicRules(ctx, &iot.ListTopicRulesInput{Topic: aws.String("a/b")})).ok(t)
		if len(list.Rules) != 1 || aws.ToString(list.Rules[0].RuleName) != "other" {
			t.Errorf("ListTopicRules(topic) = %+v", list.Rules)
		}

		p = rulePayload("sensors/#")
		p.RuleDisabled = aws.Bool(true)
		call(c.ReplaceTopicRule(ctx, &iot.ReplaceTopicRuleInput{RuleName: name, TopicRulePayload: p})).ok(t)
		r = call(c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: name})).ok(t).Rule
		if aws.ToString(r.Sql) != "SELECT * FROM 'sensors/#'" || !aws.ToBool(r.RuleDisabled) || len(r.Actions) != 0 ||
			r.ErrorAction != nil || aws.ToString(r.AwsIotSqlVersion) != "2015-10-08" {
			t.Errorf("after ReplaceTopicRule = %+v", r)
		}

		call(c.DeleteTopicRule(ctx, &iot.DeleteTopicRuleInput{RuleName: name})).ok(t)
		_, err := c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: name})
		wantAPIErr(t, err, "UnauthorizedException", 401)
	})
}

func TestTopicRules_List_Pages_SDK(t *testing.T) {
	srv := testutil.StartServer(t)
	c := srv.IoT(t)
	ctx := context.Background()
	for _, n := range []string{"r1", "r2", "r3"} {
		call(c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String(n), TopicRulePayload: rulePayload("t")})).ok(t)
	}
	var names []string
	pages := iot.NewListTopicRulesPaginator(c, &iot.ListTopicRulesInput{MaxResults: aws.Int32(2)})
	for n := 0; pages.HasMorePages(); n++ {
		page := call(pages.NextPage(ctx)).ok(t)
		if len(page.Rules) > 2 || n > 3 {
			t.Fatalf("page %d: %+v", n, page.Rules)
		}
		for _, r := range page.Rules {
			names = append(names, aws.ToString(r.RuleName))
		}
	}
	if strings.Join(names, ",") != "r1,r2,r3" {
		t.Errorf("paged names = %v", names)
	}
}

func TestTopicRules_Errors_SDK(t *testing.T) {
	srv := testutil.StartServer(t)
	c := srv.IoT(t)
	ctx := context.Background()
	call(c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("taken"), TopicRulePayload: rulePayload("t")})).ok(t)
	ghost := aws.String("ghost")
	eleven := make([]types.Action, 11)
	for i := range eleven {
		eleven[i] = republishTo("x")
	}
	create := func(name string, p *types.TopicRulePayload) func() error {
		return func() error {
			_, err := c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String(name), TopicRulePayload: p})
			return err
		}
	}
	badSQL := rulePayload("t")
	badSQL.Sql = aws.String("SELECT FROM 't'")
	badVersion := rulePayload("t")
	badVersion.AwsIotSqlVersion = aws.String("2020-01-01")
	runErrCases(t, []errCase{
		{"create existing", create("taken", rulePayload("u")), "ResourceAlreadyExistsException", 409},
		{"create bad sql", create("fresh", badSQL), "SqlParseException", 400},
		{"create bad version", create("fresh", badVersion), "InvalidRequestException", 400},
		{"create 11 actions", create("fresh", rulePayload("t", eleven...)), "InvalidRequestException", 400},
		{"create bad name", create("bad-name", rulePayload("t")), "InvalidRequestException", 400},
		{"create bad tags", func() error {
			_, err := c.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("fresh"),
				TopicRulePayload: rulePayload("t"), Tags: aws.String("aws:x=1")})
			return err
		}, "InvalidRequestException", 400},
		{"replace bad sql", func() error {
			_, err := c.ReplaceTopicRule(ctx, &iot.ReplaceTopicRuleInput{RuleName: aws.String("taken"), TopicRulePayload: badSQL})
			return err
		}, "SqlParseException", 400},
		{"get missing", func() error { _, err := c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: ghost}); return err }, "UnauthorizedException", 401},
		{"replace missing", func() error {
			_, err := c.ReplaceTopicRule(ctx, &iot.ReplaceTopicRuleInput{RuleName: ghost, TopicRulePayload: rulePayload("t")})
			return err
		}, "UnauthorizedException", 401},
		{"delete missing", func() error { _, err := c.DeleteTopicRule(ctx, &iot.DeleteTopicRuleInput{RuleName: ghost}); return err }, "UnauthorizedException", 401},
		{"enable missing", func() error { _, err := c.EnableTopicRule(ctx, &iot.EnableTopicRuleInput{RuleName: ghost}); return err }, "UnauthorizedException", 401},
		{"disable missing", func() error {
			_, err := c.DisableTopicRule(ctx, &iot.DisableTopicRuleInput{RuleName: ghost})
			return err
		}, "UnauthorizedException", 401},
		{"list bad token", func() error {
			_, err := c.ListTopicRules(ctx, &iot.ListTopicRulesInput{NextToken: aws.String("%%%")})
			return err
		}, "InvalidRequestException", 400},
	})
	r := call(c.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("taken")})).ok(t).Rule
	if aws.ToString(r.Sql) != "SELECT * FROM 't'" {
		t.Errorf("failed requests changed the rule: %+v", r)
	}
	if list := call(c.ListTopicRules(ctx, &iot.ListTopicRulesInput{})).ok(t); len(list.Rules) != 1 {
		t.Errorf("failed creates left rules: %+v", list.Rules)
	}
}

// TestTopicRules_Payload_Raw sends bodies no SDK would build: members
// missing, unknown or of the wrong shape, and actions hob does not know.
func TestTopicRules_Payload_Raw(t *testing.T) {
	srv := testutil.StartServer(t)
	cases := []struct {
		name, method, path, body string
		status                   int
		typ, msg                 string
	}{
		{"no sql", "POST", "/rules/r", `{"actions":[]}`, 400, "InvalidRequestException", "topicRulePayload.sql"},
		{"no actions", "POST", "/rules/r", `{"sql":"SELECT * FROM 't'"}`, 400, "InvalidRequestException", "topicRulePayload.actions"},
		{"empty body", "POST", "/rules/r", ``, 400, "InvalidRequestException", "topicRulePayload.sql"},
		{"unknown member", "POST", "/rules/r", `{"sql":"SELECT * FROM 't'","actions":[],"colour":1}`, 400, "InvalidRequestException", "colour"},
		{"unknown action", "POST", "/rules/r", `{"sql":"SELECT * FROM 't'","actions":[{"teleport":{}}]}`, 400, "InvalidRequestException", "teleport"},
		{"two actions in one", "POST", "/rules/r", `{"sql":"SELECT * FROM 't'","actions":[{"republish":{"topic":"a"},"lambda":{"functionArn":"f"}}]}`, 400, "InvalidRequestException", "exactly one action"},
		{"bad error action", "POST", "/rules/r", `{"sql":"SELECT * FROM 't'","actions":[],"errorAction":{"teleport":{}}}`, 400, "InvalidRequestException", "teleport"},
		{"republish without topic", "POST", "/rules/r", `{"sql":"SELECT * FROM 't'","actions":[{"republish":{"roleArn":"arn:aws:iam::123456789012:role/r"}}]}`, 400, "InvalidRequestException", "topicRulePayload.actions.1.member.republish.topic"},
		{"sql not a string", "PATCH", "/rules/r", `{"sql":1,"actions":[]}`, 400, "InvalidRequestException", "sql"},
		{"bad sql message", "POST", "/rules/r", `{"sql":"SELECT FROM 't'","actions":[]}`, 400, "SqlParseException", "1:8"},
		{"maxResults 0", "GET", "/rules?maxResults=0", ``, 400, "InvalidRequestException", "maxResults"},
		{"ruleDisabled yes", "GET", "/rules?ruleDisabled=yes", ``, 400, "InvalidRequestException", "ruleDisabled"},
		{"unknown query", "GET", "/rules?colour=1", ``, 400, "InvalidRequestException", "colour"},
		{"ok", "POST", "/rules/r", `{"sql":"SELECT * FROM 't'","actions":[],"errorAction":null}`, 200, "", "{}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, typ, body := signedRequest(t, srv, c.method, c.path, c.body, "iot", srv.AccessKeyID, srv.SecretAccessKey)
			if status != c.status || typ != c.typ || !strings.Contains(body, c.msg) {
				t.Fatalf("got %d %q %s; want %d %q containing %q", status, typ, body, c.status, c.typ, c.msg)
			}
		})
	}
	status, _, body := signedRequest(t, srv, "GET", "/rules/r", "", "iot", srv.AccessKeyID, srv.SecretAccessKey)
	var out map[string]any
	if err := json.Unmarshal([]byte(body), &out); status != 200 || err != nil {
		t.Fatalf("GetTopicRule: %d %s", status, body)
	}
	if strings.Contains(body, "errorAction") {
		t.Errorf("errorAction null was stored: %s", body)
	}
	if _, ok := jsonAt(out, "rule", "createdAt").(float64); !ok {
		t.Errorf("createdAt is not epoch seconds: %s", body)
	}
}
