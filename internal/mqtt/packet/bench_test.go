package packet

import (
	"bytes"
	"fmt"
	"testing"
)

// benchPublishes are the PUBLISH shapes the benchmarks measure: a QoS 1
// telemetry message with a small and a 1 KB payload.
func benchPublishes() []*Publish {
	var ps []*Publish
	for _, n := range []int{16, 1024} {
		ps = append(ps, &Publish{QoS: QoS1, PacketID: 42, Topic: "devices/d-0001/telemetry", Payload: bytes.Repeat([]byte{'x'}, n)})
	}
	return ps
}

// BenchmarkPublish_Decode measures the broker's read path: fixed header,
// body into a reused buffer, decode into a reused Publish.
func BenchmarkPublish_Decode(b *testing.B) {
	for _, v := range []Version{V311, V5} {
		for _, p := range benchPublishes() {
			b.Run(fmt.Sprintf("%v/%dB", v, len(p.Payload)), func(b *testing.B) {
				wire := p.AppendTo(nil, v)
				r := NewReader(&repeatReader{b: wire}, 0)
				var got Publish
				var buf []byte
				b.SetBytes(int64(len(wire)))
				b.ReportAllocs()
				for b.Loop() {
					h, err := r.ReadHeader()
					if err == nil {
						buf, err = r.ReadBody(h, buf[:0])
					}
					if err == nil {
						err = got.Decode(h, buf, v)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkPublish_AppendTo measures encoding into a reused buffer.
func BenchmarkPublish_AppendTo(b *testing.B) {
	for _, v := range []Version{V311, V5} {
		for _, p := range benchPublishes() {
			b.Run(fmt.Sprintf("%v/%dB", v, len(p.Payload)), func(b *testing.B) {
				buf := make([]byte, 0, p.Size(v))
				b.SetBytes(int64(p.Size(v)))
				b.ReportAllocs()
				for b.Loop() {
					buf = p.AppendTo(buf[:0], v)
				}
			})
		}
	}
}
