package app_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/config"
)

// TestDestinationsE2E_Lifecycle: an http action to a URL whose destination
// is not confirmed fails and fires the error action; once the owner
// confirms it (through the signed enableUrl) the action posts; DISABLED
// stops delivery again and ENABLED resumes it (rules-engine spec §10).
func TestDestinationsE2E_Lifecycle(t *testing.T) {
	hs := newEndpoint(t)
	srv := startTrusting(t, hs, func(c *config.Config) { c.RulesActionTimeout = 3 * time.Second })
	createRule(t, srv, "guarded", "SELECT * FROM 'g/+'",
		[]string{`{"http":{"url":"` + hs.URL + `/hook/x","confirmationUrl":"` + hs.URL + `/hook/"}}`}, republishTo("errors/${topic(2)}"))
	c := rulesDevice(t, srv, "guard")
	errs := subscribe(t, c, "errors/#")
	deliver := func(n string) {
		t.Helper()
		publish1(t, c, "g/d", `{"n":`+n+`}`)
		if p := next(t, hs.posts); p != "POST /hook/x application/json  {\"n\":"+n+"}" {
			t.Fatalf("the server got %q", p)
		}
	}
	refused := func(n string) {
		t.Helper()
		publish1(t, c, "g/d", `{"n":`+n+`}`)
		m := next(t, errs)
		assertErrorMessage(t, m, "guarded", "g/d", "guard", `{"n":`+n+`}`, "HttpAction", hs.URL+"/hook/x")
		if !strings.Contains(m, "does not match an ENABLED topic rule destination") {
			t.Fatalf("error message %s", m)
		}
		nothing(t, hs.posts, 200*time.Millisecond)
	}

	refused("1") // no destination at all
	arn, conf := createDestination(t, srv, hs, hs.URL+"/hook/")
	if d := destinationStatus(t, srv, arn); d.Status != "IN_PROGRESS" || !strings.HasPrefix(d.StatusReason, "Awaiting confirmation") {
		t.Fatalf("before confirmation: %+v", d)
	}
	refused("2") // IN_PROGRESS

	u, err := url.Parse(conf.EnableURL)
	if err != nil {
		t.Fatal(err)
	}
	if status, out := signedRequest(t, srv, srv.HTTPClient(t), "GET", u.EscapedPath(), "", "iot"); status != 200 {
		t.Fatalf("GET enableUrl: %d %s", status, out)
	}
	if d := destinationStatus(t, srv, arn); d.Status != "ENABLED" || d.StatusReason != "" {
		t.Fatalf("after the enableUrl: %+v", d)
	}
	deliver("3")

	awsJSON(t, srv, nil, "update-topic-rule-destination", "--arn", arn, "--status", "DISABLED")
	refused("4")
	awsJSON(t, srv, nil, "update-topic-rule-destination", "--arn", arn, "--status", "ENABLED")
	deliver("5")

	// IN_PROGRESS sends a new token; the old one no longer confirms.
	awsJSON(t, srv, nil, "update-topic-rule-destination", "--arn", arn, "--status", "IN_PROGRESS")
	again := nextConfirmation(t, hs, arn)
	if again.ConfirmationToken == conf.ConfirmationToken {
		t.Fatal("IN_PROGRESS re-sent the same token")
	}
	refused("6")
	if _, errOut, code := srv.AWSCLI(t, "iot", "confirm-topic-rule-destination", "--confirmation-token="+conf.ConfirmationToken); code == 0 ||
		!strings.Contains(errOut, "InvalidRequestException") {
		t.Fatalf("the old token: exit %d %s", code, errOut)
	}
	awsJSON(t, srv, nil, "confirm-topic-rule-destination", "--confirmation-token="+again.ConfirmationToken)
	deliver("7")

	awsJSON(t, srv, nil, "delete-topic-rule-destination", "--arn", arn)
	refused("8")
}

// TestDestinationsE2E_ConfirmationFails: a confirmation message that
// cannot be delivered puts the destination in ERROR with the reason.
func TestDestinationsE2E_ConfirmationFails(t *testing.T) {
	hs := newEndpoint(t)
	srv := startTrusting(t, hs)
	gone := newEndpoint(t)
	gone.Close()
	var out struct{ TopicRuleDestination destinationJSON }
	awsJSON(t, srv, &out, "create-topic-rule-destination",
		"--destination-configuration", `{"httpUrlConfiguration":{"confirmationUrl":"`+gone.URL+`/"}}`)
	arn := out.TopicRuleDestination.ARN
	var d destinationJSON
	eventually(t, "ERROR", func() bool {
		d = destinationStatus(t, srv, arn)
		return d.Status == "ERROR"
	})
	if !strings.Contains(d.StatusReason, "could not be delivered") {
		t.Fatalf("statusReason %q", d.StatusReason)
	}
	var list struct {
		DestinationSummaries []struct {
			ARN, Status    string
			HTTPURLSummary struct{ ConfirmationURL string } `json:"httpUrlSummary"`
		}
	}
	awsJSON(t, srv, &list, "list-topic-rule-destinations")
	if len(list.DestinationSummaries) != 1 || list.DestinationSummaries[0].ARN != arn ||
		list.DestinationSummaries[0].Status != "ERROR" || list.DestinationSummaries[0].HTTPURLSummary.ConfirmationURL != gone.URL+"/" {
		t.Fatalf("list-topic-rule-destinations: %+v", list)
	}
}
