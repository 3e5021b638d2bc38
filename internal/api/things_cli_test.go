package api_test

import (
	"testing"

	"github.com/hob-iot/hob/internal/testutil"
)

func TestThings_AWSCLI(t *testing.T) {
	srv := testutil.StartServer(t)
	cli := awsCLI{t, srv}
	arn := func(typ, name string) string {
		return "arn:aws:iot:" + srv.Region + ":" + srv.AccountID + ":" + typ + "/" + name
	}

	out := cli.run("create-thing-type", "--thing-type-name", "sensor",
		"--thing-type-properties", "thingTypeDescription=indoor sensors,searchableAttributes=model",
		"--tags", "Key=team,Value=hw")
	if out["thingTypeArn"] != arn("thingtype", "sensor") || len(jsonString(out, "thingTypeId")) != 36 {
		t.Errorf("create-thing-type: %v", out)
	}
	out = cli.run("describe-thing-type", "--thing-type-name", "sensor")
	if jsonAt(out, "thingTypeProperties", "thingTypeDescription") != "indoor sensors" ||
		jsonAt(out, "thingTypeProperties", "searchableAttributes", 0) != "model" ||
		jsonAt(out, "thingTypeMetadata", "deprecated") != false || jsonAt(out, "thingTypeMetadata", "creationDate") == nil {
		t.Errorf("describe-thing-type: %v", out)
	}

	out = cli.run("create-thing", "--thing-name", "dev1", "--thing-type-name", "sensor",
		"--attribute-payload", `{"attributes":{"color":"red"}}`)
	if out["thingName"] != "dev1" || out["thingArn"] != arn("thing", "dev1") || len(jsonString(out, "thingId")) != 36 {
		t.Errorf("create-thing: %v", out)
	}
	out = cli.run("describe-thing", "--thing-name", "dev1")
	if out["defaultClientId"] != "dev1" || out["thingTypeName"] != "sensor" || jsonAt(out, "attributes", "color") != "red" ||
		out["version"] != float64(1) {
		t.Errorf("describe-thing: %v", out)
	}
	cli.run("create-thing", "--thing-name", "dev2")
	out = cli.run("list-things", "--attribute-name", "color", "--attribute-value", "red")
	if jsonAt(out, "things", 0, "thingName") != "dev1" || jsonAt(out, "things", 1) != nil {
		t.Errorf("list-things by attribute: %v", out)
	}
	out = cli.run("list-things", "--page-size", "1") // the CLI follows nextToken itself
	if jsonAt(out, "things", 0, "thingName") != "dev1" || jsonAt(out, "things", 1, "thingName") != "dev2" {
		t.Errorf("list-things in pages of 1: %v", out)
	}

	if out = cli.run("update-thing", "--thing-name", "dev1", "--expected-version", "1",
		"--attribute-payload", `{"attributes":{"size":"L"},"merge":true}`); out != nil {
		t.Errorf("update-thing printed %v", out)
	}
	cli.run("update-thing", "--thing-name", "dev1", "--remove-thing-type")
	out = cli.run("describe-thing", "--thing-name", "dev1")
	if out["version"] != float64(3) || out["thingTypeName"] != nil ||
		jsonAt(out, "attributes", "color") != "red" || jsonAt(out, "attributes", "size") != "L" {
		t.Errorf("describe-thing after updates: %v", out)
	}
	cli.fail("VersionConflictException", "update-thing", "--thing-name", "dev1", "--expected-version", "1")
	cli.fail("ResourceNotFoundException", "describe-thing", "--thing-name", "ghost")
	cli.fail("InvalidRequestException", "create-thing", "--thing-name", "bad name")

	typeARN := arn("thingtype", "sensor")
	cli.run("tag-resource", "--resource-arn", typeARN, "--tags", "Key=env,Value=prod", "Key=team,Value=fw")
	out = cli.run("list-tags-for-resource", "--resource-arn", typeARN)
	if jsonAt(out, "tags", 0, "Key") != "env" || jsonAt(out, "tags", 1, "Value") != "fw" || jsonAt(out, "tags", 2) != nil {
		t.Errorf("list-tags-for-resource: %v", out)
	}
	cli.run("untag-resource", "--resource-arn", typeARN, "--tag-keys", "env")
	out = cli.run("list-tags-for-resource", "--resource-arn", typeARN)
	if jsonAt(out, "tags", 0, "Key") != "team" || jsonAt(out, "tags", 1) != nil {
		t.Errorf("list-tags-for-resource after untag: %v", out)
	}
	cli.fail("InvalidRequestException", "tag-resource", "--resource-arn", arn("thing", "dev1"), "--tags", "Key=k,Value=v")
	cli.fail("ResourceNotFoundException", "list-tags-for-resource", "--resource-arn", arn("thingtype", "ghost"))

	out = cli.run("list-thing-types", "--thing-type-name", "sen")
	if jsonAt(out, "thingTypes", 0, "thingTypeName") != "sensor" {
		t.Errorf("list-thing-types: %v", out)
	}
	cli.fail("InvalidRequestException", "delete-thing-type", "--thing-type-name", "sensor")
	cli.run("deprecate-thing-type", "--thing-type-name", "sensor")
	out = cli.run("describe-thing-type", "--thing-type-name", "sensor")
	if jsonAt(out, "thingTypeMetadata", "deprecated") != true || jsonAt(out, "thingTypeMetadata", "deprecationDate") == nil {
		t.Errorf("describe-thing-type after deprecate: %v", out)
	}
	cli.fail("InvalidRequestException", "create-thing", "--thing-name", "dev3", "--thing-type-name", "sensor")
	cli.run("delete-thing-type", "--thing-type-name", "sensor")
	cli.fail("ResourceNotFoundException", "describe-thing-type", "--thing-type-name", "sensor")

	cli.run("delete-thing", "--thing-name", "dev1")
	cli.run("delete-thing", "--thing-name", "dev1") // deleting a missing thing succeeds
	cli.fail("ResourceNotFoundException", "describe-thing", "--thing-name", "dev1")
}
