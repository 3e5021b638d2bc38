package packet

import (
	"bytes"
	"reflect"
	"testing"
	"unsafe"
)

// TestPublish_Decode_ReusesTopic checks the hot path's promise: decoding
// into the same Publish, with the same topic, allocates nothing and keeps
// the topic string.
func TestPublish_Decode_ReusesTopic(t *testing.T) {
	for _, tc := range []struct {
		v    Version
		body string
	}{
		{V311, "0003 612F62 000A 6869"},
		{V5, "0003 612F62 000A 00 6869"},
		{V5, "0003 612F62 000A 03 230007 6869"}, // a Topic Alias costs nothing either
	} {
		body, h := mustHex(tc.body), FixedHeader{Type: PUBLISH, Flags: 0x2}
		var p Publish
		if err := p.Decode(h, body, tc.v); err != nil {
			t.Fatal(err)
		}
		first := unsafe.StringData(p.Topic)
		allocs := testing.AllocsPerRun(100, func() {
			if err := p.Decode(h, body, tc.v); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 || unsafe.StringData(p.Topic) != first || p.Topic != "a/b" || p.PacketID != 10 {
			t.Errorf("%v %s: %v allocations, topic %q reused %v", tc.v, tc.body, allocs, p.Topic, unsafe.StringData(p.Topic) == first)
		}
	}
}

func TestPublish_Decode_NewTopic(t *testing.T) {
	p := Publish{Topic: "old"}
	if err := p.Decode(FixedHeader{Type: PUBLISH}, mustHex("0003 6E6577"), V311); err != nil || p.Topic != "new" {
		t.Errorf("got %q, %v", p.Topic, err)
	}
}

// TestPublish_Decode_Ownership checks what the ownership rules say: the
// payload aliases the body, and decoding again does not write through the
// slices of the previous message.
func TestPublish_Decode_Ownership(t *testing.T) {
	body := mustHex("0001 74 07 26 0001 6B 0001 76 6869")
	var p Publish
	if err := p.Decode(FixedHeader{Type: PUBLISH}, body, V5); err != nil {
		t.Fatal(err)
	}
	body[len(body)-1] = 'o'
	if string(p.Payload) != "ho" {
		t.Errorf("payload %q does not alias the body", p.Payload)
	}
	kept, keptPayload := p.Properties.UserProperties, p.Payload
	other := mustHex("0001 75 07 26 0001 6A 0001 77 6A6A")
	if err := p.Decode(FixedHeader{Type: PUBLISH}, other, V5); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kept, []UserProperty{{"k", "v"}}) || string(keptPayload) != "ho" {
		t.Errorf("decoding again changed the previous message: %v %q", kept, keptPayload)
	}
}

// TestReader_ReadBody_HotPath checks that the broker's read loop for
// PUBLISH allocates nothing once its buffer has grown.
func TestReader_ReadBody_HotPath(t *testing.T) {
	for _, v := range []Version{V311, V5} {
		pkt := (&Publish{QoS: QoS1, PacketID: 1, Topic: "devices/d1/telemetry", Payload: bytes.Repeat([]byte{1}, 1024)}).AppendTo(nil, v)
		r := NewReader(&repeatReader{b: pkt}, 4096)
		var p Publish
		var buf []byte
		read := func() {
			h, err := r.ReadHeader()
			if err == nil {
				buf, err = r.ReadBody(h, buf[:0])
			}
			if err == nil {
				err = p.Decode(h, buf, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		read()
		if allocs := testing.AllocsPerRun(100, read); allocs != 0 || len(p.Payload) != 1024 {
			t.Errorf("%v: %v allocations per PUBLISH", v, allocs)
		}
	}
}

// repeatReader returns b over and over.
type repeatReader struct {
	b   []byte
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := copy(p, r.b[r.off:])
	r.off = (r.off + n) % len(r.b)
	return n, nil
}
