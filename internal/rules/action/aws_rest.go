package action

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	// restErrorBody bounds how much of a refusal's body an error quotes.
	restErrorBody = 512
	// restMaxAnswer bounds the 2xx answer body read for error entries.
	restMaxAnswer = 1 << 20
)

// restOp is one operation of an AWS data API that hob calls by hand,
// without an SDK module (iotEvents, iotSiteWise, iotAnalytics): a
// REST-JSON POST, the facts taken from AWS's service model.
type restOp struct {
	signingName string // SigV4 service name; also the Deps.AWS key
	host        string // AWS's host before ".{region}.amazonaws.com", host prefix included
	path        string // the request URI
}

// url is where op is sent: the configuration's BaseEndpoint
// (--rules-aws-endpoint) followed by the path when one is set, else AWS's
// regional endpoint.
func (op restOp) url(cfg aws.Config) (string, error) {
	if base := aws.ToString(cfg.BaseEndpoint); base != "" {
		return strings.TrimRight(base, "/") + op.path, nil
	}
	if cfg.Region == "" {
		return "", errors.New("no AWS region configured")
	}
	return "https://" + op.host + "." + cfg.Region + ".amazonaws.com" + op.path, nil
}

// restClient sends restOp calls with hob's AWS configuration and
// credentials. It is safe for concurrent use.
type restClient struct {
	http      *http.Client
	awsConfig func(ctx context.Context, service string) (aws.Config, error)
	signer    *v4.Signer
}

// newRESTClient returns the client of an action named name, sending
// through d.HTTP (whose roots TLS trusts) or, without it, a client of the
// system roots with a one-minute timeout.
func newRESTClient(d Deps, name string) (*restClient, error) {
	if d.AWS == nil {
		return nil, fmt.Errorf("no AWS configuration for %s: configure credentials and region", name)
	}
	client := d.HTTP
	if client == nil {
		client = &http.Client{Timeout: time.Minute}
	}
	return &restClient{http: client, awsConfig: d.AWS, signer: v4.NewSigner()}, nil
}

// post sends in as the JSON body of op, signed with SigV4 for op's
// signing name in the configuration's region, and decodes a 2xx answer
// into out. Any other answer is an error quoting AWS's error type and
// the start of its body. One try.
func (c *restClient) post(ctx context.Context, op restOp, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	cfg, err := c.awsConfig(ctx, op.signingName)
	if err != nil {
		return fmt.Errorf("AWS configuration for %s: %w", op.signingName, err)
	}
	target, err := op.url(cfg)
	if err != nil {
		return err
	}
	resp, err := c.send(ctx, http.MethodPost, target, op.signingName, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return restRefusal(resp, "AWS")
	}
	answer, err := io.ReadAll(io.LimitReader(resp.Body, restMaxAnswer))
	if err != nil || len(bytes.TrimSpace(answer)) == 0 {
		return err
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return fmt.Errorf("AWS answered %s with a body that is not the expected JSON: %v", resp.Status, err)
	}
	return nil
}

// send makes one request of a JSON body to target, signed with SigV4 for
// service in the configuration's region. The caller closes the answer's
// body.
func (c *restClient) send(ctx context.Context, method, target, service string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if err := signRequest(ctx, c.awsConfig, c.signer, req, body, service, ""); err != nil {
		return nil, fmt.Errorf("signing the request: %w", err)
	}
	return c.http.Do(req)
}

// restRefusal is the error of a non-2xx answer from who ("AWS", "the
// domain"): its status, AWS's error type (the X-Amzn-Errortype header, up
// to its ':') and its body, truncated.
func restRefusal(resp *http.Response, who string) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, restErrorBody))
	text := who + " answered " + resp.Status
	if typ, _, _ := strings.Cut(resp.Header.Get("X-Amzn-Errortype"), ":"); typ != "" {
		text += " (" + typ + ")"
	}
	if b := strings.TrimSpace(string(body)); b != "" {
		text += ": " + b
	}
	return errors.New(text)
}

// batchElements splits the output of a batchMode firing, which must be a
// JSON array of 1 to max elements, into the elements' JSON texts.
func batchElements(output []byte, max int) ([]json.RawMessage, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal(output, &elems); err != nil || elems == nil {
		return nil, errors.New("batchMode needs the SELECT output to be a JSON array")
	}
	switch {
	case len(elems) == 0:
		return nil, errors.New("batchMode needs the SELECT output to hold at least one message, and the array is empty")
	case len(elems) > max:
		return nil, fmt.Errorf("batchMode allows at most %d messages, and the SELECT output holds %d", max, len(elems))
	}
	return elems, nil
}

// batchPayloads is the messages of one firing: the output, or with
// batchMode the elements of the output's JSON array, 1 to max of them.
func batchPayloads(output []byte, batchMode bool, max int) ([][]byte, error) {
	if !batchMode {
		return [][]byte{output}, nil
	}
	elems, err := batchElements(output, max)
	if err != nil {
		return nil, err
	}
	payloads := make([][]byte, len(elems))
	for i, e := range elems {
		payloads[i] = e
	}
	return payloads, nil
}

// messageRejection is one error entry of a BatchPutMessage answer (IoT
// Events and IoT Analytics share the shape, under different keys).
type messageRejection struct {
	MessageID    string `json:"messageId"`
	ErrorCode    string `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
}

// rejectedMessages is nil when entries is empty, else the error naming
// the first of them, out of total messages sent.
func rejectedMessages(entries []messageRejection, total int) error {
	if len(entries) == 0 {
		return nil
	}
	e := entries[0]
	return entryError("message", e.MessageID, e.ErrorCode, e.ErrorMessage, len(entries), total)
}

// entryError describes the first of a batch answer's error entries, and
// how many there are: "message m1 was rejected: Code: text (1 of 2 rejected)".
func entryError(what, id, code, message string, rejected, total int) error {
	return fmt.Errorf("%s %s was rejected: %s: %s (%d of %d rejected)", what, id, code, message, rejected, total)
}
