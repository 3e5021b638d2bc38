package packet

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
)

// FuzzDecodePacket checks that Decode never panics, fails only with an
// *Error carrying a failure code or with io.ErrUnexpectedEOF, and that a
// packet it accepts encodes to exactly Size bytes which decode to the
// same packet and encode to the same bytes again.
func FuzzDecodePacket(f *testing.F) {
	for _, fx := range Fixtures() {
		f.Add(fx.Bytes, fx.Version == V5)
	}
	for _, fx := range BadFixtures() {
		f.Add(fx.Bytes, fx.Version == V5)
	}
	f.Fuzz(func(t *testing.T, data []byte, v5 bool) {
		v := V311
		if v5 {
			v = V5
		}
		p, n, err := Decode(data, v)
		if err != nil {
			var e *Error
			if err != io.ErrUnexpectedEOF && (!errors.As(err, &e) || !e.Code.IsFailure() || e.Reason == "") {
				t.Fatalf("Decode(% X) failed with %#v", data, err)
			}
			return
		}
		if n > len(data) {
			t.Fatalf("Decode used %d of %d bytes", n, len(data))
		}
		enc := p.AppendTo(nil, v)
		if len(enc) != p.Size(v) {
			t.Fatalf("Size %d, AppendTo wrote %d bytes for %s", p.Size(v), len(enc), dump(p))
		}
		p2, n2, err := Decode(enc, v)
		if err != nil || n2 != len(enc) {
			t.Fatalf("re-decoding % X (from % X): %v", enc, data[:n], err)
		}
		if !reflect.DeepEqual(p, p2) {
			t.Fatalf("round trip of % X\n got %s\nwant %s", data[:n], dump(p2), dump(p))
		}
		if enc2 := p2.AppendTo(nil, v); !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not stable: % X then % X", enc, enc2)
		}
	})
}

// FuzzVarint checks the slice and stream decoders of Variable Byte
// Integers against each other and against the encoder.
func FuzzVarint(f *testing.F) {
	for _, tc := range varintCases {
		f.Add(mustHex(tc.hex))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, n, err := uvarint(data)
		rv, rerr := readVarint(bytes.NewReader(data))
		if rv != v || rerr != err {
			t.Fatalf("uvarint = %d, %v; readVarint = %d, %v", v, err, rv, rerr)
		}
		if err != nil {
			return
		}
		if v < 0 || v > MaxRemainingLength || n != varintLen(v) || !bytes.Equal(appendVarint(nil, v), data[:n]) {
			t.Fatalf("uvarint(% X) = %d, %d bytes; appendVarint gives % X", data, v, n, appendVarint(nil, v))
		}
	})
}

// FuzzProperties decodes a property list for any packet type or the Will
// and checks that what it accepts encodes to Size bytes and decodes to
// the same properties.
func FuzzProperties(f *testing.F) {
	f.Add(mustHex("0B 01 01 02 00000000 26 0001 6B 0001 76"), byte(PUBLISH))
	f.Add(mustHex("0A 15 0001 6D 16 0001 AA 29 00"), byte(CONNACK))
	f.Add(mustHex("07 18 0000000A 03 0000"), byte(willScope))
	f.Add(mustHex("04 11 00000000"), byte(DISCONNECT))
	f.Fuzz(func(t *testing.T, data []byte, scope byte) {
		st := Type(scope % 16)
		c := cursor{b: data, t: st}
		var p Properties
		if err := p.decode(&c, st); err != nil {
			var e *Error
			if !errors.As(err, &e) || !e.Code.IsFailure() {
				t.Fatalf("decode(% X) failed with %#v", data, err)
			}
			return
		}
		enc := p.appendTo(nil)
		if len(enc) != p.size() {
			t.Fatalf("size %d, appendTo wrote %d", p.size(), len(enc))
		}
		c2 := cursor{b: enc, t: st}
		var p2 Properties
		if err := p2.decode(&c2, st); err != nil || len(c2.b) != 0 || !reflect.DeepEqual(p, p2) {
			t.Fatalf("round trip of % X: %v\n got %+v\nwant %+v", data, err, p2, p)
		}
	})
}
