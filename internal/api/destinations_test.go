package api_test

import (
	"context"
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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/testutil"
)

// confirmingEndpoint starts an HTTPS server that hands the confirmation
// tokens it receives to the returned channel, and hob trusting it.
func confirmingEndpoint(t *testing.T) (*httptest.Server, <-chan string, *testutil.Server) {
	tokens := make(chan string, 4)
	hs := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct{ ConfirmationToken string }
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &m)
		tokens <- m.ConfirmationToken
	}))
	t.Cleanup(hs.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := testutil.StartServer(t, testutil.WithConfig(func(c *config.Config) { c.RulesHTTPCAFile = ca }))
	return hs, tokens, srv
}

func receive(t *testing.T, tokens <-chan string) string {
	t.Helper()
	select {
	case tok := <-tokens:
		return tok
	case <-time.After(15 * time.Second):
		t.Fatal("no confirmation message within 15s")
	}
	return ""
}

func httpDestination(u string) *types.TopicRuleDestinationConfiguration {
	return &types.TopicRuleDestinationConfiguration{HttpUrlConfiguration: &types.HttpUrlDestinationConfiguration{ConfirmationUrl: aws.String(u)}}
}

func TestTopicRuleDestinations_Lifecycle_SDK(t *testing.T) {
	hs, tokens, srv := confirmingEndpoint(t)
	c := srv.IoT(t)
	ctx := context.Background()
	created := call(c.CreateTopicRuleDestination(ctx, &iot.CreateTopicRuleDestinationInput{
		DestinationConfiguration: httpDestination(hs.URL + "/")})).ok(t).TopicRuleDestination
	arn := aws.ToString(created.Arn)
	if !strings.HasPrefix(arn, "arn:aws:iot:"+srv.Region+":"+srv.AccountID+":ruledestination/http/") ||
		created.Status != types.TopicRuleDestinationStatusInProgress || created.CreatedAt == nil || created.LastUpdatedAt == nil ||
		aws.ToString(created.HttpUrlProperties.ConfirmationUrl) != hs.URL+"/" || aws.ToString(created.StatusReason) == "" {
		t.Fatalf("created %+v", created)
	}
	tok := receive(t, tokens)
	call(c.ConfirmTopicRuleDestination(ctx, &iot.ConfirmTopicRuleDestinationInput{ConfirmationToken: aws.String(tok)})).ok(t)
	got := call(c.GetTopicRuleDestination(ctx, &iot.GetTopicRuleDestinationInput{Arn: aws.String(arn)})).ok(t).TopicRuleDestination
	if got.Status != types.TopicRuleDestinationStatusEnabled {
		t.Fatalf("after confirmation %+v", got)
	}
	call(c.UpdateTopicRuleDestination(ctx, &iot.UpdateTopicRuleDestinationInput{Arn: aws.String(arn),
		Status: types.TopicRuleDestinationStatusDisabled})).ok(t)
	list := call(c.ListTopicRuleDestinations(ctx, &iot.ListTopicRuleDestinationsInput{MaxResults: aws.Int32(10)})).ok(t)
	if len(list.DestinationSummaries) != 1 || aws.ToString(list.DestinationSummaries[0].Arn) != arn ||
		list.DestinationSummaries[0].Status != types.TopicRuleDestinationStatusDisabled ||
		aws.ToString(list.DestinationSummaries[0].HttpUrlSummary.ConfirmationUrl) != hs.URL+"/" || list.NextToken != nil {
		t.Fatalf("list %+v", list.DestinationSummaries)
	}
	call(c.UpdateTopicRuleDestination(ctx, &iot.UpdateTopicRuleDestinationInput{Arn: aws.String(arn),
		Status: types.TopicRuleDestinationStatusInProgress})).ok(t)
	if again := receive(t, tokens); again == tok || again == "" {
		t.Fatalf("IN_PROGRESS sent token %q (first %q)", again, tok)
	}
	call(c.DeleteTopicRuleDestination(ctx, &iot.DeleteTopicRuleDestinationInput{Arn: aws.String(arn)})).ok(t)
	_, err := c.GetTopicRuleDestination(ctx, &iot.GetTopicRuleDestinationInput{Arn: aws.String(arn)})
	wantAPIErr(t, err, "UnauthorizedException", 401)
}

func TestTopicRuleDestinations_Errors_SDK(t *testing.T) {
	hs, tokens, srv := confirmingEndpoint(t)
	c := srv.IoT(t)
	ctx := context.Background()
	arn := aws.ToString(call(c.CreateTopicRuleDestination(ctx, &iot.CreateTopicRuleDestinationInput{
		DestinationConfiguration: httpDestination(hs.URL + "/")})).ok(t).TopicRuleDestination.Arn)
	receive(t, tokens)
	missing := "arn:aws:iot:" + srv.Region + ":" + srv.AccountID + ":ruledestination/http/7a280e37-b9c6-47a2-a751-0703693f46e4"
	runErrCases(t, []errCase{
		{"duplicate", func() error {
			_, err := c.CreateTopicRuleDestination(ctx, &iot.CreateTopicRuleDestinationInput{DestinationConfiguration: httpDestination(hs.URL + "/")})
			return err
		}, "ResourceAlreadyExistsException", 409},
		{"http URL", func() error {
			_, err := c.CreateTopicRuleDestination(ctx, &iot.CreateTopicRuleDestinationInput{DestinationConfiguration: httpDestination("http://x.example/")})
			return err
		}, "InvalidRequestException", 400},
		{"VPC", func() error {
			_, err := c.CreateTopicRuleDestination(ctx, &iot.CreateTopicRuleDestinationInput{DestinationConfiguration: &types.TopicRuleDestinationConfiguration{
				VpcConfiguration: &types.VpcDestinationConfiguration{VpcId: aws.String("vpc-1"), RoleArn: aws.String("arn:aws:iam::1:role/r"), SubnetIds: []string{"s"}}}})
			return err
		}, "InvalidRequestException", 400},
		{"enable before confirmation", func() error {
			_, err := c.UpdateTopicRuleDestination(ctx, &iot.UpdateTopicRuleDestinationInput{Arn: aws.String(arn), Status: types.TopicRuleDestinationStatusEnabled})
			return err
		}, "InvalidRequestException", 400},
		{"set ERROR", func() error {
			_, err := c.UpdateTopicRuleDestination(ctx, &iot.UpdateTopicRuleDestinationInput{Arn: aws.String(arn), Status: types.TopicRuleDestinationStatusError})
			return err
		}, "InvalidRequestException", 400},
		{"get missing", func() error {
			_, err := c.GetTopicRuleDestination(ctx, &iot.GetTopicRuleDestinationInput{Arn: aws.String(missing)})
			return err
		}, "UnauthorizedException", 401},
		{"delete missing", func() error {
			_, err := c.DeleteTopicRuleDestination(ctx, &iot.DeleteTopicRuleDestinationInput{Arn: aws.String(missing)})
			return err
		}, "UnauthorizedException", 401},
		{"bad token", func() error {
			_, err := c.ConfirmTopicRuleDestination(ctx, &iot.ConfirmTopicRuleDestinationInput{ConfirmationToken: aws.String("nope")})
			return err
		}, "InvalidRequestException", 400},
		{"maxResults", func() error {
			_, err := c.ListTopicRuleDestinations(ctx, &iot.ListTopicRuleDestinationsInput{MaxResults: aws.Int32(1001)})
			return err
		}, "InvalidRequestException", 400},
	})
}
