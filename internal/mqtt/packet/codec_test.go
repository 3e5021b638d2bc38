package packet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestPacket_Decode_Fixtures(t *testing.T) {
	for _, f := range Fixtures() {
		t.Run(f.Name, func(t *testing.T) {
			p, n, err := Decode(f.Bytes, f.Version)
			if err != nil {
				t.Fatalf("Decode(% X): %v", f.Bytes, err)
			}
			if n != len(f.Bytes) {
				t.Errorf("Decode used %d bytes of %d", n, len(f.Bytes))
			}
			if !reflect.DeepEqual(p, f.Packet) {
				t.Errorf("Decode(% X)\n got %s\nwant %s", f.Bytes, dump(p), dump(f.Packet))
			}
		})
	}
}

func TestPacket_AppendTo_Fixtures(t *testing.T) {
	for _, f := range Fixtures() {
		if f.DecodeOnly {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			prefix := []byte("prefix")
			got := f.Packet.AppendTo(prefix, f.Version)
			if !bytes.HasPrefix(got, []byte("prefix")) || !bytes.Equal(got[len(prefix):], f.Bytes) {
				t.Errorf("AppendTo\n got % X\nwant % X", got[len(prefix):], f.Bytes)
			}
			if size := f.Packet.Size(f.Version); size != len(f.Bytes) {
				t.Errorf("Size = %d, want %d", size, len(f.Bytes))
			}
		})
	}
}

// TestPacket_AppendTo_RoundTrip checks decode(encode(p)) == p for every
// fixture packet, in both versions where the packet means the same in
// both, and that AppendTo allocates nothing when dst has room.
func TestPacket_AppendTo_RoundTrip(t *testing.T) {
	for _, f := range Fixtures() {
		t.Run(f.Name, func(t *testing.T) {
			enc := f.Packet.AppendTo(nil, f.Version)
			p, n, err := Decode(enc, f.Version)
			if err != nil || n != len(enc) {
				t.Fatalf("Decode(AppendTo) = %d bytes, %v; encoded % X", n, err, enc)
			}
			if !reflect.DeepEqual(p, f.Packet) {
				t.Errorf("Decode(AppendTo(p))\n got %s\nwant %s", dump(p), dump(f.Packet))
			}
			buf := make([]byte, 0, len(enc))
			if allocs := testing.AllocsPerRun(10, func() { buf = f.Packet.AppendTo(buf[:0], f.Version) }); allocs != 0 {
				t.Errorf("AppendTo into a buffer with room: %v allocations", allocs)
			}
		})
	}
}

func TestPacket_Decode_BadFixtures(t *testing.T) {
	for _, f := range BadFixtures() {
		t.Run(f.Name, func(t *testing.T) {
			p, _, err := Decode(f.Bytes, f.Version)
			checkBad(t, f, p, err)
		})
	}
}

// TestReader_ReadPacket_BadFixtures sends each bad packet through a
// Reader, as the broker receives it.
func TestReader_ReadPacket_BadFixtures(t *testing.T) {
	for _, f := range BadFixtures() {
		t.Run(f.Name, func(t *testing.T) {
			p, err := NewReader(bytes.NewReader(f.Bytes), 0).ReadPacket(f.Version)
			checkBad(t, f, p, err)
		})
	}
}

func checkBad(t *testing.T, f BadFixture, p Packet, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("decoding % X: got %s, %v; want an *Error", f.Bytes, dump(p), err)
	}
	if e.Code != f.Code || !errors.Is(err, f.Code) {
		t.Errorf("code %s, want %s (%v)", e.Code, f.Code, err)
	}
	if !strings.Contains(e.Reason, f.Reason) {
		t.Errorf("reason %q does not contain %q", e.Reason, f.Reason)
	}
	if want := f.Version; e.Version != want && !(f.Code == UnsupportedProtocolVersion && e.Version == V311) {
		t.Errorf("Error.Version = %v, want %v", e.Version, want)
	}
	if !strings.Contains(err.Error(), f.Code.Error()) {
		t.Errorf("Error() = %q does not name the code", err.Error())
	}
}

// TestDecode_Truncated checks that every proper prefix of a fixture is
// reported as incomplete, not as a bad packet, and decodes nothing.
func TestDecode_Truncated(t *testing.T) {
	for _, f := range Fixtures() {
		for n := 0; n < len(f.Bytes); n++ {
			if p, _, err := Decode(f.Bytes[:n], f.Version); err != io.ErrUnexpectedEOF {
				t.Errorf("%s: Decode of the first %d of %d bytes = %s, %v; want io.ErrUnexpectedEOF",
					f.Name, n, len(f.Bytes), dump(p), err)
			}
		}
	}
}

// TestReader_ReadPacket_Stream reads all fixtures of a version back to
// back from one stream, as a connection delivers them.
func TestReader_ReadPacket_Stream(t *testing.T) {
	for _, v := range []Version{V311, V5} {
		var stream []byte
		var want []Packet
		for _, f := range Fixtures() {
			if f.Version == v {
				stream = append(stream, f.Bytes...)
				want = append(want, f.Packet)
			}
		}
		r := NewReader(iotestHalfReader{bytes.NewReader(stream)}, 0)
		for i, w := range want {
			got, err := r.ReadPacket(v)
			if err != nil || !reflect.DeepEqual(got, w) {
				t.Fatalf("%v packet %d: got %s, %v; want %s", v, i, dump(got), err, dump(w))
			}
		}
		if _, err := r.ReadPacket(v); err != io.EOF {
			t.Errorf("%v: after the last packet got %v, want io.EOF", v, err)
		}
	}
}

// iotestHalfReader returns at most half of what is asked, at least one
// byte, so that packets arrive in pieces.
type iotestHalfReader struct{ r io.Reader }

func (h iotestHalfReader) Read(p []byte) (int, error) {
	return h.r.Read(p[:(len(p)+1)/2])
}

func TestReader_ReadHeader_TooLarge(t *testing.T) {
	b := mustHex("30 07 0003 612F62 6869") // 9 bytes
	for _, tc := range []struct {
		max  int
		fail bool
	}{{max: 9}, {max: 8, fail: true}, {max: 0}} {
		h, err := NewReader(bytes.NewReader(b), tc.max).ReadHeader()
		if !tc.fail {
			if err != nil || h != (FixedHeader{Type: PUBLISH, Remaining: 7}) {
				t.Errorf("max %d: got %+v, %v", tc.max, h, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != PacketTooLarge || !strings.Contains(e.Reason, "9 bytes exceeds the maximum of 8") {
			t.Errorf("max %d: got %+v, %v; want PacketTooLarge", tc.max, h, err)
		}
	}
}

func TestReader_ReadPacket_EndOfStream(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{{"", io.EOF}, {"30", io.ErrUnexpectedEOF}, {"30 80", io.ErrUnexpectedEOF}, {"30 05 00 01", io.ErrUnexpectedEOF}} {
		_, err := NewReader(bytes.NewReader(mustHex(tc.in)), 0).ReadPacket(V5)
		if err != tc.want {
			t.Errorf("%q: got %v, want %v", tc.in, err, tc.want)
		}
	}
}

func TestReader_ReadPacket_ReadError(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(io.MultiReader(bytes.NewReader([]byte{0x30, 0x05, 0}), errReader{boom}), 0)
	if _, err := r.ReadPacket(V311); err != boom {
		t.Errorf("got %v, want the reader's error", err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// TestConnect_Decode_ErrorVersion checks the version a refused CONNECT is
// answered in.
func TestConnect_Decode_ErrorVersion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Version
	}{
		{"10 0D 0004 4D515454 06 02 003C 0001 61", V311},  // unknown level: 3.1.1's CONNACK
		{"10 0E 0004 4D515454 05 03 003C 00 0001 61", V5}, // reserved flag in a 5.0 CONNECT
		{"10 0D 0004 4D515454 04 03 003C 0001 61", V311},  // the same in 3.1.1
	} {
		_, _, err := Decode(mustHex(tc.in), V5) // the connection's version is not known yet
		var e *Error
		if !errors.As(err, &e) || e.Version != tc.want {
			t.Errorf("%s: got %v (%+v), want Version %v", tc.in, err, e, tc.want)
		}
	}
}

func dump(p Packet) string {
	if p == nil {
		return "<nil>"
	}
	s := fmt.Sprintf("%T%+v", p, p)
	if c, ok := p.(*Connect); ok && c.Will != nil {
		s += fmt.Sprintf(" Will%+v", *c.Will)
	}
	return s
}
