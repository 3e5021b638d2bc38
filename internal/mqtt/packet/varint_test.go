package packet

import (
	"bytes"
	"testing"
)

// varintCases are the boundaries of 5.0 Table 1-1, and broken encodings.
var varintCases = []struct {
	hex   string
	value int
	err   error
}{
	{"00", 0, nil},
	{"7F", 127, nil},
	{"80 01", 128, nil},
	{"FF 7F", 16_383, nil},
	{"80 80 01", 16_384, nil},
	{"FF FF 7F", 2_097_151, nil},
	{"80 80 80 01", 2_097_152, nil},
	{"FF FF FF 7F", MaxRemainingLength, nil},
	{"FF FF FF FF 7F", 0, errVarintLong},
	{"80 80 80 80", 0, errVarintLong},
	{"80 00", 0, errVarintPadded},
	{"FF FF 80 00", 0, errVarintPadded},
	{"", 0, errVarintShort},
	{"FF", 0, errVarintShort},
}

func TestUvarint_Cases(t *testing.T) {
	for _, tc := range varintCases {
		b := mustHex(tc.hex)
		v, n, err := uvarint(b)
		if v != tc.value || err != tc.err || (err == nil && n != len(b)) {
			t.Errorf("uvarint(%s) = %d, %d, %v; want %d, %v", tc.hex, v, n, err, tc.value, tc.err)
		}
		if rv, rerr := readVarint(bytes.NewReader(b)); rv != tc.value || rerr != tc.err {
			t.Errorf("readVarint(%s) = %d, %v; want %d, %v", tc.hex, rv, rerr, tc.value, tc.err)
		}
		if tc.err == nil {
			if got := appendVarint(nil, tc.value); !bytes.Equal(got, b) || varintLen(tc.value) != len(b) {
				t.Errorf("appendVarint(%d) = % X (len %d), want %s", tc.value, got, varintLen(tc.value), tc.hex)
			}
		}
	}
}
