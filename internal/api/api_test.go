package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/smithy-go"

	"github.com/hob-iot/hob/internal/api"
	"github.com/hob-iot/hob/internal/testutil"
)

// signedRequest sends method path with body to srv, signed with SigV4 for
// service using key id and secret; it returns status, error type and body.
func signedRequest(t *testing.T, srv *testutil.Server, method, path, body, service, id, secret string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if id != "" {
		sum := sha256.Sum256([]byte(body))
		creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, srv.Region, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := srv.HTTPClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), string(b)
}

func TestServer_Authenticate_Errors(t *testing.T) {
	srv := testutil.StartServer(t)
	cases := []struct {
		name, id, secret, service string
		wantStatus                int
		wantType                  string
	}{
		{"no signature", "", "", "iot", 403, "MissingAuthenticationTokenException"},
		{"unknown key", "AKIAUNKNOWNKEY000000", "x", "iot", 403, "UnrecognizedClientException"},
		{"wrong secret", srv.AccessKeyID, "not-the-secret", "iot", 403, "InvalidSignatureException"},
		{"right key", srv.AccessKeyID, srv.SecretAccessKey, "iot", 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, typ, body := signedRequest(t, srv, "GET", "/endpoint?endpointType=iot%3AData-ATS", "", c.service, c.id, c.secret)
			if status != c.wantStatus || typ != c.wantType {
				t.Fatalf("got %d %q %s, want %d %q", status, typ, body, c.wantStatus, c.wantType)
			}
			if c.wantStatus != 200 && !json.Valid([]byte(body)) {
				t.Fatalf("error body is not JSON: %s", body)
			}
		})
	}
}

func TestServer_Route_UnknownAndNotImplemented(t *testing.T) {
	srv := testutil.StartServer(t)
	cases := []struct {
		method, path string
		wantStatus   int
		wantType     string
		wantMessage  string
	}{
		{"GET", "/no-such-thing-here", 404, "UnknownOperationException", "no AWS IoT operation"},
		{"GET", "/jobs/job-1", 501, "NotImplementedException", "DescribeJob"},
		{"POST", "/thing-groups/g1", 501, "NotImplementedException", "CreateThingGroup"},
		{"GET", "/endpoint?colour=blue", 400, "InvalidRequestException", `unknown query parameter \"colour\"`},
		{"GET", "/endpoint?endpointType=iot%3ANope", 400, "InvalidRequestException", "endpointType"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			status, typ, body := signedRequest(t, srv, c.method, c.path, "", "iot", srv.AccessKeyID, srv.SecretAccessKey)
			if status != c.wantStatus || typ != c.wantType || !strings.Contains(body, c.wantMessage) {
				t.Fatalf("got %d %q %s; want %d %q containing %q", status, typ, body, c.wantStatus, c.wantType, c.wantMessage)
			}
		})
	}
}

func TestServer_ReadBody_TooLarge(t *testing.T) {
	srv := testutil.StartServer(t)
	big := strings.Repeat("x", 2<<20)
	status, typ, body := signedRequest(t, srv, "POST", "/things/t1", big, "iot", srv.AccessKeyID, srv.SecretAccessKey)
	if status != 413 || typ != "RequestEntityTooLargeException" {
		t.Fatalf("got %d %q %s, want 413 RequestEntityTooLargeException", status, typ, body)
	}
}

func TestDescribeEndpoint_SDK(t *testing.T) {
	srv := testutil.StartServer(t)
	client := srv.IoT(t)
	for _, typ := range []string{"", "iot:Data", "iot:Data-ATS", "iot:CredentialProvider", "iot:Jobs"} {
		in := &iot.DescribeEndpointInput{}
		if typ != "" {
			in.EndpointType = aws.String(typ)
		}
		out, err := client.DescribeEndpoint(context.Background(), in)
		if err != nil {
			t.Fatalf("DescribeEndpoint(%q): %v", typ, err)
		}
		if aws.ToString(out.EndpointAddress) != "localhost" {
			t.Fatalf("DescribeEndpoint(%q) = %q, want localhost (covered by the server certificate)", typ, aws.ToString(out.EndpointAddress))
		}
	}
	_, err := client.DescribeEndpoint(context.Background(), &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Nope")})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidRequestException" {
		t.Fatalf("bad endpoint type: err = %v, want InvalidRequestException", err)
	}
	var invalid *types.InvalidRequestException
	if !errors.As(err, &invalid) {
		t.Fatalf("the SDK did not decode the error into its modelled type: %T", err)
	}
}

func TestDescribeEndpoint_HostIsInServerCertificate(t *testing.T) {
	srv := testutil.StartServer(t)
	out, err := srv.IoT(t).DescribeEndpoint(context.Background(), &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Data-ATS")})
	if err != nil {
		t.Fatal(err)
	}
	host := aws.ToString(out.EndpointAddress)
	resp, err := srv.HTTPClient(t).Get(strings.Replace(srv.URL, "127.0.0.1", host, 1) + "/healthz-not-here")
	if err != nil {
		t.Fatalf("TLS to the described endpoint %q fails: %v", host, err)
	}
	resp.Body.Close()
}

// TestCoverageReport_Current keeps docs/api-coverage.md in step with the
// routes: run `make api-coverage` when it fails.
func TestCoverageReport_Current(t *testing.T) {
	want, err := os.ReadFile("../../docs/api-coverage.md")
	if err != nil {
		t.Fatalf("docs/api-coverage.md: %v (run make api-coverage)", err)
	}
	srv := api.New(api.Config{}, nil, api.Services{}, nil)
	got := api.CoverageReport(srv.Operations())
	if !bytes.Equal([]byte(got), want) {
		t.Fatal("docs/api-coverage.md is out of date: run make api-coverage")
	}
	if !strings.Contains(got, "| DescribeEndpoint | `GET /endpoint` | implemented |") {
		t.Fatal("the report does not mark DescribeEndpoint implemented")
	}
}

func TestApp_MetricsAndHealth(t *testing.T) {
	srv := testutil.StartServer(t)
	base := "http://" + srv.App.MetricsAddr().String()
	for path, want := range map[string]string{"/healthz": "ok", "/metrics": "go_goroutines"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s = %d %q, want 200 containing %q", path, resp.StatusCode, body[:min(len(body), 200)], want)
		}
	}
}
