package action

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The HTTP retry rule of AWS (spec §10): at most 3 tries, only after a
// 429 or 5xx response of at most 16384 bytes, within an overall timeout.
const (
	httpMaxTries     = 3
	httpMaxRetryBody = 16384
	httpTimeout      = 4 * time.Second // AWS: "Request timeout ... after 4000 ms"
	httpBackoff      = 100 * time.Millisecond
)

// httpParams is AWS's HttpAction.
type httpParams struct {
	URL             string          `json:"url"`
	ConfirmationURL string          `json:"confirmationUrl"`
	Headers         []httpHeader    `json:"headers"`
	Auth            *httpAuth       `json:"auth"`
	EnableBatching  bool            `json:"enableBatching"`
	BatchConfig     json.RawMessage `json:"batchConfig"`
}

// httpAuth is AWS's HttpAuthorization: SigV4 is its only kind.
type httpAuth struct {
	SigV4 *sigV4Auth `json:"sigv4"`
}

// sigV4Auth is AWS's SigV4Authorization. AWS signs with the credentials
// of the role roleArn; hob has no IAM and signs with its own AWS
// credentials (those of the AWS service actions), leaving roleArn
// unassumed (docs/rules.md).
type sigV4Auth struct {
	SigningRegion string `json:"signingRegion"`
	ServiceName   string `json:"serviceName"`
	RoleArn       string `json:"roleArn"`
}

type httpHeader struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func (p *httpParams) check(c *checker) {
	if c.required("url", p.URL) {
		c.maxLen("url", p.URL, 2000)
		checkHTTPSURL(c, "url", p.URL)
	}
	c.maxLen("confirmationUrl", p.ConfirmationURL, 2000)
	checkHTTPSURL(c, "confirmationUrl", p.ConfirmationURL)
	if isTemplate(p.URL) && p.ConfirmationURL == "" {
		c.addf("confirmationUrl", "confirmationUrl is required when url has substitution templates")
	}
	if p.ConfirmationURL != "" && !isTemplate(p.URL) && !isTemplate(p.ConfirmationURL) &&
		!strings.HasPrefix(p.URL, p.ConfirmationURL) {
		c.addf("confirmationUrl", "confirmationUrl must be a prefix of url")
	}
	if len(p.Headers) > 100 {
		c.addf("headers", "Member must have length less than or equal to 100")
	}
	for i, h := range p.Headers {
		f := fmt.Sprintf("headers.%d.member.", i+1)
		if c.required(f+"key", h.Key) && len(h.Key) > 256 {
			c.addf(f+"key", "Member must have length less than or equal to 256")
		}
		c.required(f+"value", h.Value)
	}
	if p.Auth != nil && p.Auth.SigV4 != nil {
		a := p.Auth.SigV4
		c.required("auth.sigv4.signingRegion", a.SigningRegion)
		c.required("auth.sigv4.serviceName", a.ServiceName)
		c.required("auth.sigv4.roleArn", a.RoleArn)
	}
}

// checkHTTPSURL records a literal URL that is not https or whose IP host
// is not IPv4 (AWS: IPv6 addresses are not supported).
func checkHTTPSURL(c *checker, field, raw string) {
	if raw == "" || isTemplate(raw) {
		return
	}
	if err := checkURL(raw); err != nil {
		c.addf(field, "%v", err)
	}
}

// checkURL accepts https URLs with a host that is a name or an IPv4 address.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a valid URL", raw)
	}
	if u.Scheme != "https" {
		return fmt.Errorf("the URL %q must use https", raw)
	}
	if ip := net.ParseIP(u.Hostname()); ip != nil && ip.To4() == nil {
		return fmt.Errorf("the URL %q has an IPv6 host; only IPv4 addresses are supported", raw)
	}
	return nil
}

func (p *httpParams) build(d Deps) (Action, error) {
	client := d.HTTP
	if client == nil {
		client = &http.Client{}
	}
	a := &httpAction{p: *p, client: client, allow: d.AllowHTTP, timeout: httpTimeout, backoff: httpBackoff}
	if p.Auth != nil && p.Auth.SigV4 != nil {
		if d.AWS == nil {
			return nil, fmt.Errorf("no AWS credentials to sign the http action's requests (auth.sigv4): configure them as for the AWS service actions")
		}
		a.sigv4, a.awsConfig, a.signer = p.Auth.SigV4, d.AWS, v4.NewSigner()
	}
	return a, nil
}

// httpAction POSTs the SELECT output to a URL.
type httpAction struct {
	p       httpParams
	client  *http.Client
	allow   func(string) bool
	timeout time.Duration
	backoff time.Duration

	// Signing, when the action has auth.sigv4; nil otherwise.
	sigv4     *sigV4Auth
	awsConfig func(ctx context.Context, service string) (aws.Config, error)
	signer    *v4.Signer
}

func (a *httpAction) Kind() string     { return "HttpAction" }
func (a *httpAction) Resource() string { return a.p.URL }

// Do renders the URL and headers, checks the destination, and POSTs.
func (a *httpAction) Do(ctx context.Context, inv *Invocation) error {
	target, header, err := a.request(inv)
	if err != nil {
		return fmt.Errorf("HttpAction failed to make a request to the specified endpoint. %w", err)
	}
	if a.allow != nil && !a.allow(target) {
		return fmt.Errorf("HttpAction failed to make a request to the specified endpoint. "+
			"The URL %s does not match an ENABLED topic rule destination: confirm it with ConfirmTopicRuleDestination", target)
	}
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	if err := a.send(ctx, target, header, inv.Output); err != nil {
		return fmt.Errorf("HttpAction failed to make a request to the specified endpoint. %w", err)
	}
	return nil
}

// request renders the URL and headers and sets the Content-Type (AWS:
// application/json for JSON output, else application/octet-stream,
// unless a content-type header is given).
func (a *httpAction) request(inv *Invocation) (string, http.Header, error) {
	target, err := render(inv, a.p.URL)
	if err != nil {
		return "", nil, err
	}
	if err := checkURL(target); err != nil {
		return "", nil, err
	}
	header := http.Header{}
	for _, h := range a.p.Headers {
		v, err := render(inv, h.Value)
		if err != nil {
			return "", nil, err
		}
		header.Add(h.Key, v)
	}
	if header.Get("Content-Type") == "" {
		ct := "application/octet-stream"
		if isJSON(inv.Output) {
			ct = "application/json"
		}
		header.Set("Content-Type", ct)
	}
	return target, header, nil
}

// send POSTs body, retrying per AWS's HTTP retry rule.
func (a *httpAction) send(ctx context.Context, target string, header http.Header, body []byte) error {
	var err error
	for try := 1; ; try++ {
		var retry bool
		retry, err = a.post(ctx, target, header, body)
		if err == nil || !retry || try == httpMaxTries {
			break
		}
		t := time.NewTimer(a.backoff << (try - 1))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w after %d tries (%v)", err, try, ctx.Err())
		case <-t.C:
		}
	}
	return err
}

// post makes one try; retry reports whether AWS would try again.
func (a *httpAction) post(ctx context.Context, target string, header http.Header, body []byte) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header = header.Clone()
	if err := a.sign(ctx, req, body); err != nil {
		return false, err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, httpMaxRetryBody+1))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, nil
	}
	err = fmt.Errorf("the endpoint %s answered %s", target, resp.Status)
	retryable := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
	return retryable && n <= httpMaxRetryBody && !errors.Is(ctx.Err(), context.DeadlineExceeded), err
}

// sign adds a SigV4 signature to req for the action's signing region and
// service, when it has auth.sigv4. Each try is signed anew.
func (a *httpAction) sign(ctx context.Context, req *http.Request, body []byte) error {
	if a.sigv4 == nil {
		return nil
	}
	if err := signRequest(ctx, a.awsConfig, a.signer, req, body, a.sigv4.ServiceName, a.sigv4.SigningRegion); err != nil {
		return fmt.Errorf("signing the request (auth.sigv4): %w", err)
	}
	return nil
}

var _ Action = (*httpAction)(nil)
