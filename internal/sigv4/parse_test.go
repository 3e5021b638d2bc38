package sigv4

import (
	"errors"
	"strings"
	"testing"
)

const (
	sig64  = "b9a5f1dc7c3d2e1f00112233445566778899aabbccddeeff0011223344556677"
	goodCr = "AKIAHOBTEST000000001/20261126/eu-west-1/iotdata/aws4_request"
)

// authHeaderCases are Authorization headers and whether they parse; the
// fuzz target starts from them.
var authHeaderCases = []struct {
	name   string
	header string
	ok     bool
}{
	{"SDK form", "AWS4-HMAC-SHA256 Credential=" + goodCr + ", SignedHeaders=host;x-amz-date, Signature=" + sig64, true},
	{"no spaces after commas", "AWS4-HMAC-SHA256 Credential=" + goodCr + ",SignedHeaders=host;x-amz-date,Signature=" + sig64, true},
	{"extra spaces and tabs", "  AWS4-HMAC-SHA256   Credential=" + goodCr + " ,\tSignedHeaders=host ,  Signature=" + sig64 + "  ", true},
	{"tab after algorithm", "AWS4-HMAC-SHA256\tCredential=" + goodCr + ", SignedHeaders=host, Signature=" + sig64, true},
	{"spaces instead of commas", "AWS4-HMAC-SHA256 Credential=" + goodCr + " SignedHeaders=host Signature=" + sig64, true},
	{"parameters reordered", "AWS4-HMAC-SHA256 Signature=" + sig64 + ", SignedHeaders=host, Credential=" + goodCr, true},
	{"uppercase hex signature", "AWS4-HMAC-SHA256 Credential=" + goodCr + ", SignedHeaders=host, Signature=" + strings.ToUpper(sig64), true},
	{"unknown parameter ignored", "AWS4-HMAC-SHA256 Credential=" + goodCr + ", SignedHeaders=host, Foo=bar, Signature=" + sig64, true},
	{"empty", "", false},
	{"algorithm only", "AWS4-HMAC-SHA256", false},
	{"other algorithm", "AWS4-HMAC-SHA512 Credential=" + goodCr + ", SignedHeaders=host, Signature=" + sig64, false},
	{"bearer token", "Bearer eyJhbGciOi", false},
	{"SigV2", "AWS AKIAHOBTEST000000001:c2lnbmF0dXJl", false},
	{"missing Credential", "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=" + sig64, false},
	{"missing SignedHeaders", "AWS4-HMAC-SHA256 Credential=" + goodCr + ", Signature=" + sig64, false},
	{"missing Signature", "AWS4-HMAC-SHA256 Credential=" + goodCr + ", SignedHeaders=host", false},
	{"empty Signature", "AWS4-HMAC-SHA256 Credential=" + goodCr + ", SignedHeaders=host, Signature=", false},
	{"repeated parameter", "AWS4-HMAC-SHA256 Credential=" + goodCr + ", Credential=" + goodCr + ", SignedHeaders=host, Signature=" + sig64, false},
	{"parameter without =", "AWS4-HMAC-SHA256 Credential=" + goodCr + ", SignedHeaders, Signature=" + sig64, false},
	{"credential with four parts", "AWS4-HMAC-SHA256 Credential=AKID/20261126/eu-west-1/aws4_request, SignedHeaders=host, Signature=" + sig64, false},
	{"credential bad terminator", "AWS4-HMAC-SHA256 Credential=AKID/20261126/eu-west-1/iot/aws5_request, SignedHeaders=host, Signature=" + sig64, false},
	{"credential bad date", "AWS4-HMAC-SHA256 Credential=AKID/2026-11-26/eu-west-1/iot/aws4_request, SignedHeaders=host, Signature=" + sig64, false},
	{"credential empty region", "AWS4-HMAC-SHA256 Credential=AKID/20261126//iot/aws4_request, SignedHeaders=host, Signature=" + sig64, false},
	{"short signature", "AWS4-HMAC-SHA256 Credential=" + goodCr + ", SignedHeaders=host, Signature=" + sig64[:62], false},
	{"non-hex signature", "AWS4-HMAC-SHA256 Credential=" + goodCr + ", SignedHeaders=host, Signature=" + strings.Repeat("zz", 32), false},
	{"empty signed header name", "AWS4-HMAC-SHA256 Credential=" + goodCr + ", SignedHeaders=host;;x-amz-date, Signature=" + sig64, false},
}

func TestParseAuthorization_Table(t *testing.T) {
	for _, c := range authHeaderCases {
		t.Run(c.name, func(t *testing.T) {
			a, err := ParseAuthorization(c.header)
			if c.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, c.ok)
			}
			if !c.ok {
				if !errors.Is(err, ErrMalformed) {
					t.Errorf("err = %v, want ErrMalformed", err)
				}
				return
			}
			want := Scope{AccessKeyID: testAKID, Date: "20261126", Region: "eu-west-1", Service: "iotdata"}
			if a.Credential != want || len(a.Signature) != 32 || a.Headers[0] != "host" {
				t.Errorf("parsed %+v", a)
			}
			if got := a.Credential.String(); got != "20261126/eu-west-1/iotdata/aws4_request" {
				t.Errorf("scope = %q", got)
			}
		})
	}
}

const goodPresign = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAHOBTEST000000001%2F20261126%2Feu-west-1%2Fiotdevicegateway%2Faws4_request" +
	"&X-Amz-Date=20261126T110100Z&X-Amz-SignedHeaders=host&X-Amz-Signature=" + sig64

var presignCases = []struct {
	name  string
	query string
	kind  error // nil: parses
}{
	{"minimal", goodPresign, nil},
	{"with expiry and token", goodPresign + "&X-Amz-Expires=86400&X-Amz-Security-Token=a%2Bb%2Fc%3D", nil},
	{"other parameters kept", "clientId=x&" + goodPresign, nil},
	{"one-week expiry", goodPresign + "&X-Amz-Expires=604800", nil},
	{"no X-Amz parameters", "qos=1", ErrMissing},
	{"empty", "", ErrMissing},
	{"algorithm missing", strings.Replace(goodPresign, "X-Amz-Algorithm=AWS4-HMAC-SHA256&", "", 1), ErrMalformed},
	{"credential missing", strings.Split(goodPresign, "&X-Amz-Credential")[0] + "&X-Amz-Date=20261126T110100Z&X-Amz-SignedHeaders=host&X-Amz-Signature=" + sig64, ErrMalformed},
	{"signature missing", strings.Split(goodPresign, "&X-Amz-Signature")[0], ErrMalformed},
	{"other algorithm", strings.Replace(goodPresign, "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1), ErrMalformed},
	{"bad date", strings.Replace(goodPresign, "20261126T110100Z", "2026-11-26T11:01:00Z", 1), ErrMalformed},
	{"expiry over a week", goodPresign + "&X-Amz-Expires=604801", ErrMalformed},
	{"negative expiry", goodPresign + "&X-Amz-Expires=-1", ErrMalformed},
	{"fractional expiry", goodPresign + "&X-Amz-Expires=1.5", ErrMalformed},
	{"repeated signature", goodPresign + "&X-Amz-Signature=" + sig64, ErrMalformed},
	{"bad escape", goodPresign + "&x=%G0", ErrMalformed},
}

func TestParsePresigned_Table(t *testing.T) {
	for _, c := range presignCases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePresigned(c.query)
			if c.kind != nil {
				if !errors.Is(err, c.kind) {
					t.Fatalf("err = %v, want %v", err, c.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Credential.Service != "iotdevicegateway" || p.AmzDate != "20261126T110100Z" || p.Date.IsZero() || len(p.Signature) != 32 {
				t.Errorf("parsed %+v", p)
			}
		})
	}
}

func TestParsePresigned_Fields(t *testing.T) {
	p, err := ParsePresigned(goodPresign + "&X-Amz-Expires=86400&X-Amz-Security-Token=a%2Bb%2Fc%3D")
	if err != nil {
		t.Fatal(err)
	}
	if !p.HasExpires || p.Expires.Hours() != 24 || p.SecurityToken != "a+b/c=" {
		t.Errorf("expires=%v/%v token=%q", p.HasExpires, p.Expires, p.SecurityToken)
	}
}
