package sigv4

import (
	"net/http/httptest"
	"testing"
	"time"
)

// What SignHeaders and PresignGET make, the Verifier accepts, and a byte
// changed after signing it refuses.
func TestSignHeaders_VerifierAccepts(t *testing.T) {
	v := newTestVerifier(Options{})
	for _, tc := range []struct{ name, target, rawQuery, body string }{
		{"no query", "/things/t1", "", `{"a":1}`},
		{"escaped path and query", "/things/a%20b/shadow", "name=sh%2F1&x=%C3%A9", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := tc.target
			if tc.rawQuery != "" {
				target += "?" + tc.rawQuery
			}
			r := httptest.NewRequest("POST", "https://hob.example"+target, nil)
			sr := Request{AccessKeyID: testAKID, SecretAccessKey: testSecret, Region: testRegion, Service: "iot",
				Time: testNow, Method: "POST", Host: r.Host, EscapedPath: r.URL.EscapedPath()}
			authz, date, hash, err := SignHeaders(sr, tc.rawQuery, []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Authorization", authz)
			r.Header.Set("X-Amz-Date", date)
			r.Header.Set("X-Amz-Content-Sha256", hash)
			if _, err := v.Verify(r, []byte(tc.body), "iot"); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if _, err := v.Verify(r, []byte(tc.body+" "), "iot"); err == nil {
				t.Fatal("Verify accepted a changed body")
			}
		})
	}
	if _, _, _, err := SignHeaders(Request{}, "a=%zz", nil); err == nil {
		t.Error("SignHeaders accepted a query that is not validly percent-encoded")
	}
}

func TestPresignGET_VerifierAccepts(t *testing.T) {
	v := newTestVerifier(Options{})
	sr := Request{AccessKeyID: testAKID, SecretAccessKey: testSecret, Region: testRegion, Service: "iotdevicegateway",
		Time: testNow, Host: "hob.example:8443", EscapedPath: "/mqtt"}
	q := PresignGET(sr, 5*time.Minute)
	r := httptest.NewRequest("GET", "https://hob.example:8443/mqtt?"+q, nil)
	if _, err := v.VerifyPresigned(r, "iotdevicegateway"); err != nil {
		t.Fatalf("VerifyPresigned: %v", err)
	}
	r = httptest.NewRequest("GET", "https://hob.example:8443/mqtx?"+q, nil)
	if _, err := v.VerifyPresigned(r, "iotdevicegateway"); err == nil {
		t.Fatal("VerifyPresigned accepted another path")
	}
}
