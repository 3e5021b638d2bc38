package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/testutil"
)

// thingsCLI runs `aws iot ...` against one hob and decodes the output.
type thingsCLI struct {
	t   *testing.T
	srv *testutil.Server
}

// ok runs the command, which must succeed, and returns its JSON output
// (nil for commands that print nothing).
func (c thingsCLI) ok(args ...string) map[string]any {
	c.t.Helper()
	stdout, stderr, code := c.srv.AWSCLI(c.t, append([]string{"iot"}, args...)...)
	if code != 0 {
		c.t.Fatalf("aws iot %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	if strings.TrimSpace(stdout) == "" {
		return nil
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		c.t.Fatalf("aws iot %s printed non-JSON: %v\n%s", strings.Join(args, " "), err, stdout)
	}
	return out
}

// fails runs the command, which must fail with the AWS error code.
func (c thingsCLI) fails(code string, args ...string) {
	c.t.Helper()
	_, stderr, exit := c.srv.AWSCLI(c.t, append([]string{"iot"}, args...)...)
	if exit == 0 || !strings.Contains(stderr, "("+code+")") {
		c.t.Errorf("aws iot %s: exit %d, stderr %q; want a failure with (%s)", strings.Join(args, " "), exit, stderr, code)
	}
}

// jsonAt walks a decoded JSON document along the given keys and indexes.
func jsonAt(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// jsonString is jsonAt for a string; "" when there is none.
func jsonString(v any, path ...any) string {
	s, _ := jsonAt(v, path...).(string)
	return s
}

func TestThings_AWSCLI(t *testing.T) {
	srv := testutil.StartServer(t)
	cli := thingsCLI{t, srv}
	arn := func(typ, name string) string {
		return "arn:aws:iot:" + srv.Region + ":" + srv.AccountID + ":" + typ + "/" + name
	}

	out := cli.ok("create-thing-type", "--thing-type-name", "sensor",
		"--thing-type-properties", "thingTypeDescription=indoor sensors,searchableAttributes=model",
		"--tags", "Key=team,Value=hw")
	if out["thingTypeArn"] != arn("thingtype", "sensor") || len(jsonString(out, "thingTypeId")) != 36 {
		t.Errorf("create-thing-type: %v", out)
	}
	out = cli.ok("describe-thing-type", "--thing-type-name", "sensor")
	if jsonAt(out, "thingTypeProperties", "thingTypeDescription") != "indoor sensors" ||
		jsonAt(out, "thingTypeProperties", "searchableAttributes", 0) != "model" ||
		jsonAt(out, "thingTypeMetadata", "deprecated") != false || jsonAt(out, "thingTypeMetadata", "creationDate") == nil {
		t.Errorf("describe-thing-type: %v", out)
	}

	out = cli.ok("create-thing", "--thing-name", "dev1", "--thing-type-name", "sensor",
		"--attribute-payload", `{"attributes":{"color":"red"}}`)
	if out["thingName"] != "dev1" || out["thingArn"] != arn("thing", "dev1") || len(jsonString(out, "thingId")) != 36 {
		t.Errorf("create-thing: %v", out)
	}
	out = cli.ok("describe-thing", "--thing-name", "dev1")
	if out["defaultClientId"] != "dev1" || out["thingTypeName"] != "sensor" || jsonAt(out, "attributes", "color") != "red" ||
		out["version"] != float64(1) {
		t.Errorf("describe-thing: %v", out)
	}
	cli.ok("create-thing", "--thing-name", "dev2")
	out = cli.ok("list-things", "--attribute-name", "color", "--attribute-value", "red")
	if jsonAt(out, "things", 0, "thingName") != "dev1" || jsonAt(out, "things", 1) != nil {
		t.Errorf("list-things by attribute: %v", out)
	}
	out = cli.ok("list-things", "--page-size", "1") // the CLI follows nextToken itself
	if jsonAt(out, "things", 0, "thingName") != "dev1" || jsonAt(out, "things", 1, "thingName") != "dev2" {
		t.Errorf("list-things in pages of 1: %v", out)
	}

	if out = cli.ok("update-thing", "--thing-name", "dev1", "--expected-version", "1",
		"--attribute-payload", `{"attributes":{"size":"L"},"merge":true}`); out != nil {
		t.Errorf("update-thing printed %v", out)
	}
	cli.ok("update-thing", "--thing-name", "dev1", "--remove-thing-type")
	out = cli.ok("describe-thing", "--thing-name", "dev1")
	if out["version"] != float64(3) || out["thingTypeName"] != nil ||
		jsonAt(out, "attributes", "color") != "red" || jsonAt(out, "attributes", "size") != "L" {
		t.Errorf("describe-thing after updates: %v", out)
	}
	cli.fails("VersionConflictException", "update-thing", "--thing-name", "dev1", "--expected-version", "1")
	cli.fails("ResourceNotFoundException", "describe-thing", "--thing-name", "ghost")
	cli.fails("InvalidRequestException", "create-thing", "--thing-name", "bad name")

	typeARN := arn("thingtype", "sensor")
	cli.ok("tag-resource", "--resource-arn", typeARN, "--tags", "Key=env,Value=prod", "Key=team,Value=fw")
	out = cli.ok("list-tags-for-resource", "--resource-arn", typeARN)
	if jsonAt(out, "tags", 0, "Key") != "env" || jsonAt(out, "tags", 1, "Value") != "fw" || jsonAt(out, "tags", 2) != nil {
		t.Errorf("list-tags-for-resource: %v", out)
	}
	cli.ok("untag-resource", "--resource-arn", typeARN, "--tag-keys", "env")
	out = cli.ok("list-tags-for-resource", "--resource-arn", typeARN)
	if jsonAt(out, "tags", 0, "Key") != "team" || jsonAt(out, "tags", 1) != nil {
		t.Errorf("list-tags-for-resource after untag: %v", out)
	}
	cli.fails("InvalidRequestException", "tag-resource", "--resource-arn", arn("thing", "dev1"), "--tags", "Key=k,Value=v")
	cli.fails("ResourceNotFoundException", "list-tags-for-resource", "--resource-arn", arn("thingtype", "ghost"))

	out = cli.ok("list-thing-types", "--thing-type-name", "sen")
	if jsonAt(out, "thingTypes", 0, "thingTypeName") != "sensor" {
		t.Errorf("list-thing-types: %v", out)
	}
	cli.fails("InvalidRequestException", "delete-thing-type", "--thing-type-name", "sensor")
	cli.ok("deprecate-thing-type", "--thing-type-name", "sensor")
	out = cli.ok("describe-thing-type", "--thing-type-name", "sensor")
	if jsonAt(out, "thingTypeMetadata", "deprecated") != true || jsonAt(out, "thingTypeMetadata", "deprecationDate") == nil {
		t.Errorf("describe-thing-type after deprecate: %v", out)
	}
	cli.fails("InvalidRequestException", "create-thing", "--thing-name", "dev3", "--thing-type-name", "sensor")
	cli.ok("delete-thing-type", "--thing-type-name", "sensor")
	cli.fails("ResourceNotFoundException", "describe-thing-type", "--thing-type-name", "sensor")

	cli.ok("delete-thing", "--thing-name", "dev1")
	cli.ok("delete-thing", "--thing-name", "dev1") // deleting a missing thing succeeds
	cli.fails("ResourceNotFoundException", "describe-thing", "--thing-name", "dev1")
}
