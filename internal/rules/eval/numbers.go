package eval

import (
	"math"
	"math/big"
)

// maxWhole bounds the doubles that become Ints: AWS's Int has at most 34
// digits (spec §6.1).
const maxWhole = 1e34

// wholeInt returns f as an Int when it is a whole number within Int's range
// (spec §6.1: under 2016-03-23 whole-number decimals are Ints).
func wholeInt(f float64) (Value, bool) {
	if f != math.Trunc(f) || math.Abs(f) >= maxWhole {
		return Undefined, false
	}
	return truncInt(f), true
}

// truncInt rounds f toward zero to an Int, as Java's RoundingMode.DOWN
// ("rounded down", spec §6.3, §13 item 8). f must be finite.
func truncInt(f float64) Value {
	f = math.Trunc(f)
	if f >= -(1<<63) && f < 1<<63 {
		return Int(int64(f))
	}
	b, _ := new(big.Float).SetFloat64(f).Int(nil)
	return BigInt(b)
}

// addInt, subInt and mulInt compute on int64 and report overflow.
func addInt(a, b int64) (int64, bool) {
	s := a + b
	return s, (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0)
}

func subInt(a, b int64) (int64, bool) {
	s := a - b
	return s, (a >= 0) != (b >= 0) && (s >= 0) != (a >= 0)
}

func mulInt(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, false
	}
	p := a * b
	return p, p/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64)
}

// bigArith computes an Int operation past int64; nil for division by zero.
func bigArith(op byte, a, b *big.Int) *big.Int {
	r := new(big.Int)
	switch op {
	case '+':
		return r.Add(a, b)
	case '-':
		return r.Sub(a, b)
	case '*':
		return r.Mul(a, b)
	}
	if b.Sign() == 0 {
		return nil
	}
	if op == '/' {
		return r.Quo(a, b) // truncates toward zero, as Java
	}
	return r.Rem(a, b) // sign of the dividend, as Java's %
}
