package api_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/testutil"
)

// TestTopicRules_AWSCLI drives the seven topic-rule operations with the
// real aws CLI, as a user following AWS's docs would (rules-engine spec §1).
func TestTopicRules_AWSCLI(t *testing.T) {
	srv := testutil.StartServer(t)
	cli := awsCLI{t, srv}
	arn := "arn:aws:iot:" + srv.Region + ":" + srv.AccountID + ":rule/temps"

	payload := cli.file("rule.json", `{
  "sql": "SELECT temp, topic(2) AS device FROM 'sensors/+/temp' WHERE temp > 30",
  "description": "hot sensors",
  "awsIotSqlVersion": "2016-03-23",
  "actions": [{"republish": {"topic": "alerts/${topic(2)}", "roleArn": "arn:aws:iam::123456789012:role/r", "qos": 1}}],
  "errorAction": {"republish": {"topic": "rule-errors", "roleArn": "arn:aws:iam::123456789012:role/r"}}
}`)
	if out := cli.run("create-topic-rule", "--rule-name", "temps", "--topic-rule-payload", payload,
		"--tags", "team=data"); out != nil {
		t.Errorf("create-topic-rule printed %v", out)
	}
	out := cli.run("get-topic-rule", "--rule-name", "temps")
	if out["ruleArn"] != arn || jsonAt(out, "rule", "ruleName") != "temps" ||
		jsonAt(out, "rule", "sql") != "SELECT temp, topic(2) AS device FROM 'sensors/+/temp' WHERE temp > 30" ||
		jsonAt(out, "rule", "description") != "hot sensors" || jsonAt(out, "rule", "awsIotSqlVersion") != "2016-03-23" ||
		jsonAt(out, "rule", "ruleDisabled") != false || jsonAt(out, "rule", "createdAt") == nil ||
		jsonAt(out, "rule", "actions", 0, "republish", "topic") != "alerts/${topic(2)}" ||
		jsonAt(out, "rule", "actions", 0, "republish", "qos") != float64(1) ||
		jsonAt(out, "rule", "errorAction", "republish", "topic") != "rule-errors" {
		t.Errorf("get-topic-rule: %v", out)
	}
	cli.fail("ResourceAlreadyExistsException", "create-topic-rule", "--rule-name", "temps", "--topic-rule-payload", payload)
	cli.fail("SqlParseException", "create-topic-rule", "--rule-name", "broken",
		"--topic-rule-payload", `{"sql": "SELECT FROM 'a'", "actions": []}`)
	cli.fail("UnauthorizedException", "get-topic-rule", "--rule-name", "broken")

	cli.run("create-topic-rule", "--rule-name", "other", "--topic-rule-payload", `{"sql": "SELECT * FROM 'a/b'", "actions": []}`)
	out = cli.run("list-topic-rules")
	if jsonAt(out, "rules", 0, "ruleName") != "other" || jsonAt(out, "rules", 1, "ruleName") != "temps" ||
		jsonAt(out, "rules", 1, "topicPattern") != "sensors/+/temp" || jsonAt(out, "rules", 1, "ruleArn") != arn ||
		jsonAt(out, "rules", 2) != nil {
		t.Errorf("list-topic-rules: %v", out)
	}
	out = cli.run("list-topic-rules", "--topic", "sensors/+/temp")
	if jsonAt(out, "rules", 0, "ruleName") != "temps" || jsonAt(out, "rules", 1) != nil {
		t.Errorf("list-topic-rules --topic: %v", out)
	}
	out = cli.run("list-topic-rules", "--page-size", "1") // maxResults; the CLI follows nextToken itself
	if jsonAt(out, "rules", 0, "ruleName") != "other" || jsonAt(out, "rules", 1, "ruleName") != "temps" {
		t.Errorf("list-topic-rules in pages of 1: %v", out)
	}
	out = cli.run("list-topic-rules", "--max-results", "1") // one page: an explicit maxResults stops the CLI's paging
	if jsonAt(out, "rules", 1) != nil || out["nextToken"] == nil {
		t.Errorf("list-topic-rules --max-results 1: %v", out)
	}
	out = cli.run("list-topic-rules", "--max-results", "1", "--next-token", jsonString(out, "nextToken"))
	if jsonAt(out, "rules", 0, "ruleName") != "temps" || jsonAt(out, "rules", 1) != nil || out["nextToken"] != nil {
		t.Errorf("list-topic-rules --next-token: %v", out)
	}

	cli.run("disable-topic-rule", "--rule-name", "temps")
	out = cli.run("list-topic-rules", "--rule-disabled")
	if jsonAt(out, "rules", 0, "ruleName") != "temps" || jsonAt(out, "rules", 0, "ruleDisabled") != true || jsonAt(out, "rules", 1) != nil {
		t.Errorf("list-topic-rules --rule-disabled: %v", out)
	}
	cli.run("enable-topic-rule", "--rule-name", "temps")
	if out = cli.run("get-topic-rule", "--rule-name", "temps"); jsonAt(out, "rule", "ruleDisabled") != false {
		t.Errorf("after enable-topic-rule: %v", out)
	}

	cli.run("replace-topic-rule", "--rule-name", "temps", "--topic-rule-payload",
		`{"sql": "SELECT * FROM 'sensors/#'", "actions": [], "ruleDisabled": true}`)
	out = cli.run("get-topic-rule", "--rule-name", "temps")
	if jsonAt(out, "rule", "sql") != "SELECT * FROM 'sensors/#'" || jsonAt(out, "rule", "ruleDisabled") != true ||
		jsonAt(out, "rule", "awsIotSqlVersion") != "2015-10-08" || jsonAt(out, "rule", "errorAction") != nil ||
		jsonAt(out, "rule", "actions", 0) != nil {
		t.Errorf("after replace-topic-rule: %v", out)
	}
	cli.fail("SqlParseException", "replace-topic-rule", "--rule-name", "temps", "--topic-rule-payload",
		`{"sql": "SELECT FROM 'x'", "actions": []}`)
	cli.fail("UnauthorizedException", "replace-topic-rule", "--rule-name", "ghost", "--topic-rule-payload",
		`{"sql": "SELECT * FROM 'x'", "actions": []}`)

	cli.run("delete-topic-rule", "--rule-name", "temps")
	cli.fail("UnauthorizedException", "get-topic-rule", "--rule-name", "temps")
	cli.fail("UnauthorizedException", "delete-topic-rule", "--rule-name", "temps")
	cli.fail("UnauthorizedException", "enable-topic-rule", "--rule-name", "temps")
}

// boto3TopicRules is a boto3 session against hob (AWS_ENDPOINT_URL_IOT and
// the CA come from the environment) that checks what a Python user sees.
const boto3TopicRules = `
import boto3, botocore.exceptions as bx
iot = boto3.client("iot")
iot.create_topic_rule(ruleName="py", topicRulePayload={
    "sql": "SELECT * FROM 'py/in'", "actions": [{"republish": {"topic": "py/out", "roleArn": "arn:aws:iam::123456789012:role/r"}}]})
r = iot.get_topic_rule(ruleName="py")
assert r["rule"]["ruleName"] == "py" and r["rule"]["createdAt"].year >= 2024, r
assert r["rule"]["actions"][0]["republish"]["topic"] == "py/out", r
assert [x["topicPattern"] for x in iot.list_topic_rules()["rules"]] == ["py/in"]
try:
    iot.create_topic_rule(ruleName="bad", topicRulePayload={"sql": "SELECT FROM 'x'", "actions": []})
    raise SystemExit("bad SQL was accepted")
except iot.exceptions.SqlParseException as e:
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
try:
    iot.get_topic_rule(ruleName="bad")
    raise SystemExit("missing rule was found")
except iot.exceptions.UnauthorizedException as e:
    assert "Access to topic rule 'bad' was denied" in str(e), e
iot.delete_topic_rule(ruleName="py")
print("ok")
`

func TestTopicRules_Boto3(t *testing.T) {
	py := requireBoto3(t)
	srv := testutil.StartServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", boto3TopicRules)
	cmd.Env = srv.Env(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
}
