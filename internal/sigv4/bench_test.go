package sigv4

import (
	"bytes"
	"io"
	"testing"
	"time"
)

// BenchmarkVerify measures one SDK-signed data-plane publish. Run with
// -cpu 2 to check the ≥ 2,000 requests/s budget on two cores.
func BenchmarkVerify(b *testing.B) {
	body := bytes.Repeat([]byte(`{"temperature":21.5}`), 10)
	c := sdkCase{method: "POST", url: "https://localhost:8443/topics/sensors%2Fhall%2Ftemp?qos=1", body: string(body), service: "iotdata"}
	r := newClientRequest(b, c.method, c.url, body)
	sdkSign(b, r, body, testCreds(), c.service, testNow)
	sr, body := overTheWire(b, r)
	sr.Body = io.NopCloser(bytes.NewReader(nil))
	v := newTestVerifier(Options{Now: func() time.Time { return testNow }})
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.Verify(sr, body, dataPlane...); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
