package packet

import (
	"errors"
	"io"
)

// Why a Variable Byte Integer (5.0 §1.5.5, 3.1.1 §2.2.3) failed to decode.
var (
	errVarintShort  = errors.New("ends before its last byte")
	errVarintLong   = errors.New("is longer than four bytes (§1.5.5)")
	errVarintPadded = errors.New("is not in its shortest form [MQTT-1.5.5-1]")
)

// varintStep folds b, byte i (from 0) of a Variable Byte Integer, into the
// value v decoded so far. done reports that b was the last byte. Seven
// bits per byte, least significant group first; a set high bit means more
// follow, at most four bytes in all, and a trailing zero group would mean
// the encoding was not the shortest.
func varintStep(v, i int, b byte) (next int, done bool, err error) {
	v |= int(b&0x7F) << (7 * i)
	if b&0x80 == 0 {
		if b == 0 && i > 0 {
			return 0, true, errVarintPadded
		}
		return v, true, nil
	}
	if i == 3 {
		return 0, true, errVarintLong
	}
	return v, false, nil
}

// uvarint decodes the Variable Byte Integer at the start of b and returns
// it and the number of bytes it took.
func uvarint(b []byte) (v, n int, err error) {
	for i, c := range b {
		var done bool
		if v, done, err = varintStep(v, i, c); done {
			return v, i + 1, err
		}
	}
	return 0, 0, errVarintShort
}

// readVarint decodes a Variable Byte Integer from r. It returns
// errVarintShort if r ends first, and r's other errors as they are.
func readVarint(r io.ByteReader) (int, error) {
	v := 0
	for i := 0; ; i++ {
		c, err := r.ReadByte()
		if err == io.EOF {
			return 0, errVarintShort
		}
		if err != nil {
			return 0, err
		}
		var done bool
		if v, done, err = varintStep(v, i, c); done {
			return v, err
		}
	}
}

// appendVarint appends v, which must be in [0, MaxRemainingLength], as a
// Variable Byte Integer.
func appendVarint(dst []byte, v int) []byte {
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	return append(dst, byte(v))
}

// varintLen returns the number of bytes appendVarint uses for v.
func varintLen(v int) int {
	switch {
	case v < 1<<7:
		return 1
	case v < 1<<14:
		return 2
	case v < 1<<21:
		return 3
	}
	return 4
}
