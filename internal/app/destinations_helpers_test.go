package app_test

import (
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/testutil"
)

// confirmation is a topic rule destination confirmation message as an
// endpoint receives it (rules-engine spec §10).
type confirmation struct {
	ARN               string `json:"arn"`
	ConfirmationToken string `json:"confirmationToken"`
	EnableURL         string `json:"enableUrl"`
	MessageType       string `json:"messageType"`
	query, header     string // confirmationToken query parameter, x-amz-rules-engine-destination-arn
}

// endpoint is an HTTPS server for the http action: it answers 200 and
// hands confirmation messages to confirmations and other requests, as
// "METHOD PATH CONTENT-TYPE X-DEVICE BODY", to posts.
type endpoint struct {
	*httptest.Server
	caFile        string // the server's certificate, for --rules-http-ca-file
	confirmations chan confirmation
	posts         chan string
}

func newEndpoint(t *testing.T) *endpoint {
	t.Helper()
	e := &endpoint{confirmations: make(chan confirmation, 8), posts: make(chan string, 8)}
	e.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("x-amz-rules-engine-message-type") == "DestinationConfirmation" {
			var c confirmation
			_ = json.Unmarshal(body, &c)
			c.query, c.header = r.URL.Query().Get("confirmationToken"), r.Header.Get("x-amz-rules-engine-destination-arn")
			e.confirmations <- c
			return
		}
		e.posts <- r.Method + " " + r.URL.Path + " " + r.Header.Get("Content-Type") + " " + r.Header.Get("X-Device") + " " + string(body)
	}))
	t.Cleanup(e.Close)
	e.caFile = filepath.Join(t.TempDir(), "http-ca.pem")
	if err := os.WriteFile(e.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// startTrusting starts hob trusting e's certificate for the http action.
func startTrusting(t *testing.T, e *endpoint, opts ...func(*config.Config)) *testutil.Server {
	return testutil.StartServer(t, testutil.WithConfig(func(c *config.Config) {
		c.RulesHTTPCAFile = e.caFile
		for _, o := range opts {
			o(c)
		}
	}))
}

// awsJSON runs the aws CLI and decodes its output into out (nil for none).
func awsJSON(t *testing.T, srv *testutil.Server, out any, args ...string) {
	t.Helper()
	stdout, stderr, code := srv.AWSCLI(t, append([]string{"iot"}, args...)...)
	if code != 0 {
		t.Fatalf("aws iot %s: exit %d\n%s\n%s", strings.Join(args, " "), code, stdout, stderr)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(stdout), out); err != nil {
			t.Fatalf("aws iot %s: %v\n%s", args[0], err, stdout)
		}
	}
}

// destinationJSON is the topicRuleDestination of the CLI's answers.
type destinationJSON struct {
	ARN               string `json:"arn"`
	Status            string `json:"status"`
	StatusReason      string `json:"statusReason"`
	HTTPURLProperties struct {
		ConfirmationURL string `json:"confirmationUrl"`
	} `json:"httpUrlProperties"`
}

// createDestination creates a destination for confirmationURL with the aws
// CLI and returns its ARN and the confirmation message e received.
func createDestination(t *testing.T, srv *testutil.Server, e *endpoint, confirmationURL string) (string, confirmation) {
	t.Helper()
	var out struct{ TopicRuleDestination destinationJSON }
	awsJSON(t, srv, &out, "create-topic-rule-destination",
		"--destination-configuration", `{"httpUrlConfiguration":{"confirmationUrl":`+jsonString(confirmationURL)+`}}`)
	d := out.TopicRuleDestination
	if d.Status != "IN_PROGRESS" || d.HTTPURLProperties.ConfirmationURL != confirmationURL ||
		!strings.HasPrefix(d.ARN, "arn:aws:iot:"+srv.Region+":"+srv.AccountID+":ruledestination/http/") {
		t.Fatalf("created %+v", d)
	}
	return d.ARN, nextConfirmation(t, e, d.ARN)
}

// nextConfirmation waits for e's next confirmation message and checks it
// is AWS's message for the destination arn.
func nextConfirmation(t *testing.T, e *endpoint, arn string) confirmation {
	t.Helper()
	select {
	case c := <-e.confirmations:
		if c.ARN != arn || c.MessageType != "DestinationConfirmation" || c.ConfirmationToken == "" ||
			c.query != c.ConfirmationToken || c.header != arn ||
			!strings.HasPrefix(c.EnableURL, "https://") || !strings.HasSuffix(c.EnableURL, "/confirmdestination/"+c.ConfirmationToken) {
			t.Fatalf("confirmation message %+v", c)
		}
		return c
	case <-time.After(15 * time.Second):
		t.Fatal("no confirmation message within 15s")
	}
	return confirmation{}
}

// destinationStatus returns the destination's status with the aws CLI.
func destinationStatus(t *testing.T, srv *testutil.Server, arn string) destinationJSON {
	t.Helper()
	var out struct{ TopicRuleDestination destinationJSON }
	awsJSON(t, srv, &out, "get-topic-rule-destination", "--arn", arn)
	return out.TopicRuleDestination
}

// enableDestination creates a destination for confirmationURL, confirms
// it with the token e received and checks that it is ENABLED, all with
// the aws CLI, as a user does; it returns the ARN.
func enableDestination(t *testing.T, srv *testutil.Server, e *endpoint, confirmationURL string) string {
	t.Helper()
	arn, c := createDestination(t, srv, e, confirmationURL)
	awsJSON(t, srv, nil, "confirm-topic-rule-destination", "--confirmation-token="+c.ConfirmationToken)
	if d := destinationStatus(t, srv, arn); d.Status != "ENABLED" {
		t.Fatalf("after confirm-topic-rule-destination: %+v", d)
	}
	return arn
}
