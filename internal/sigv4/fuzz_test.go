package sigv4

import (
	"encoding/hex"
	"testing"
)

// FuzzParseAuthorization checks that the parser never panics and that
// anything it accepts is well-formed and survives a round trip.
func FuzzParseAuthorization(f *testing.F) {
	for _, c := range authHeaderCases {
		f.Add(c.header)
	}
	f.Fuzz(func(t *testing.T, header string) {
		a, err := ParseAuthorization(header)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error", err)
			}
			return
		}
		checkWellFormed(t, a)
		again := Algorithm + " Credential=" + a.Credential.AccessKeyID + "/" + a.Credential.String() +
			", SignedHeaders=" + a.SignedHeaders + ", Signature=" + hex.EncodeToString(a.Signature)
		b, err := ParseAuthorization(again)
		if err != nil || b.Credential != a.Credential || b.SignedHeaders != a.SignedHeaders {
			t.Fatalf("round trip of %q: %+v, %v", again, b, err)
		}
	})
}

// FuzzParsePresigned checks the same for presigned query strings.
func FuzzParsePresigned(f *testing.F) {
	for _, c := range presignCases {
		f.Add(c.query)
	}
	f.Fuzz(func(t *testing.T, query string) {
		p, err := ParsePresigned(query)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error", err)
			}
			return
		}
		checkWellFormed(t, p.Authorization)
		if p.Date.IsZero() || p.Expires < 0 || p.Expires > MaxExpires {
			t.Fatalf("bad date or expiry: %+v", p)
		}
	})
}

func checkWellFormed(t *testing.T, a Authorization) {
	t.Helper()
	sc := a.Credential
	if len(a.Signature) != 32 || sc.AccessKeyID == "" || sc.Region == "" || sc.Service == "" || !validScopeDate(sc.Date) {
		t.Fatalf("accepted a malformed authorization: %+v", a)
	}
	for _, h := range a.Headers {
		if h == "" {
			t.Fatalf("empty signed header in %q", a.SignedHeaders)
		}
	}
}
