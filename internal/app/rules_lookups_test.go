package app_test

import (
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/testutil"
)

// get_registry_data answers with DescribeThing's document, from hob's
// registry (rules-engine spec §8.6).
func TestRulesE2E_GetRegistryData(t *testing.T) {
	srv := testutil.StartServer(t)
	if out, errOut, code := srv.AWSCLI(t, "iot", "create-thing", "--thing-name", "regthing",
		"--attribute-payload", `{"attributes":{"color":"red"}}`); code != 0 {
		t.Fatalf("create-thing: %s %s", out, errOut)
	}
	body := `{"sql":"SELECT get_registry_data('DescribeThing', 'regthing', 'arn:aws:iam::123456789012:role/r').attributes.color AS c, get_registry_data('DescribeThing', 'regthing', 'arn:aws:iam::123456789012:role/r').defaultClientId AS id FROM 'a'",
		"awsIotSqlVersion":"2016-03-23","topic":"a","payload":{}}`
	status, out := signedRequest(t, srv, srv.HTTPClient(t), "POST", "/hob/rules/dry-run", body, "iot")
	if status != 200 || !strings.Contains(out, `"output":{"c":"red","id":"regthing"}`) {
		t.Fatalf("dry run: status %d: %s", status, out)
	}
}
