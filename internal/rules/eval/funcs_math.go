package eval

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/hob-iot/hob/internal/rules/sql"
)

// mathFuncs are the math functions of spec §8.1, all in both versions.
var mathFuncs = map[string]*funcDef{
	"abs":       {min: 1, max: 1, fn: fnAbs},
	"acos":      unaryFloat(math.Acos),
	"asin":      unaryFloat(math.Asin),
	"atan":      unaryFloat(math.Atan),
	"atan2":     {min: 2, max: 2, fn: floatPair(math.Atan2)}, // atan2(y, x)
	"cos":       unaryFloat(math.Cos),
	"cosh":      unaryFloat(math.Cosh),
	"sin":       unaryFloat(math.Sin),
	"sinh":      unaryFloat(math.Sinh),
	"tan":       unaryFloat(math.Tan),
	"tanh":      unaryFloat(math.Tanh),
	"exp":       unaryFloat(math.Exp),
	"ln":        unaryFloat(math.Log),
	"log":       unaryFloat(math.Log10), // base 10
	"sqrt":      unaryFloat(math.Sqrt),
	"power":     {min: 2, max: 2, fn: floatPair(math.Pow)},
	"ceil":      {min: 1, max: 1, fn: toIntWith(math.Ceil)},
	"floor":     {min: 1, max: 1, fn: toIntWith(math.Floor)},
	"round":     {min: 1, max: 1, fn: toIntWith(math.Round)}, // half away from zero (§13 item 7)
	"sign":      {min: 1, max: 1, fn: fnSign},
	"trunc":     {min: 2, max: 2, fn: fnTrunc},
	"mod":       {min: 2, max: 2, fn: fnMod},
	"remainder": {min: 2, max: 2, fn: fnMod},
	"nanvl":     {min: 2, max: 2, fn: fnNanvl},
	"rand":      {min: 0, max: 0, fn: func(*evalCtx, []Value) Value { return Decimal(rand.Float64()) }},
	"bitand":    {min: 2, max: 2, fn: bitPair(func(a, b int64) int64 { return a & b })},
	"bitor":     {min: 2, max: 2, fn: bitPair(func(a, b int64) int64 { return a | b })},
	"bitxor":    {min: 2, max: 2, fn: bitPair(func(a, b int64) int64 { return a ^ b })},
	"bitnot":    {min: 1, max: 1, fn: fnBitnot},
}

// fnAbs: Int → Int, Decimal → Decimal, numeric String → Decimal.
func fnAbs(c *evalCtx, a []Value) Value {
	n, ok := toNumber(a[0])
	if !ok {
		return Undefined
	}
	if n.kind == KindInt {
		if n.bigInt() == nil && int64(n.num) != math.MinInt64 {
			if i := int64(n.num); i < 0 {
				return Int(-i)
			}
			return n
		}
		return BigInt(new(big.Int).Abs(n.bigOf()))
	}
	if n.str != "" {
		return c.decimalText(math.Abs(n.AsFloat()), strings.TrimPrefix(n.str, "-"))
	}
	return c.decimal(math.Abs(n.AsFloat()))
}

// decimalText makes a Decimal that keeps its exact text (as AWS's decimal
// arithmetic would); under 2016-03-23 a whole number is an Int.
func (c *evalCtx) decimalText(f float64, text string) Value {
	if v := c.decimal(f); v.kind != KindDecimal {
		return v
	}
	return decimalText(f, text)
}

func floatPair(f func(a, b float64) float64) func(*evalCtx, []Value) Value {
	return func(c *evalCtx, a []Value) Value {
		x, ok1 := toFloat(a[0])
		y, ok2 := toFloat(a[1])
		if !ok1 || !ok2 {
			return Undefined
		}
		return c.decimal(f(x, y))
	}
}

// toIntWith rounds a number to an Int with round; Ints pass through.
func toIntWith(round func(float64) float64) func(*evalCtx, []Value) Value {
	return func(c *evalCtx, a []Value) Value {
		n, ok := toNumber(a[0])
		if !ok || n.kind == KindInt {
			return n
		}
		f := round(n.AsFloat())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return Undefined
		}
		return truncInt(f)
	}
}

func fnSign(c *evalCtx, a []Value) Value {
	n, ok := toNumber(a[0])
	if !ok {
		return Undefined
	}
	if n.kind == KindInt && n.bigInt() != nil {
		return Int(int64(n.bigInt().Sign()))
	}
	switch f := n.AsFloat(); {
	case f > 0:
		return Int(1)
	case f < 0:
		return Int(-1)
	}
	return Int(0)
}

// fnTrunc is trunc(n, places): n cut (toward zero) to places decimals,
// places clamped to 0..34 and rounded down, trailing zeros stripped
// (trunc(2.00, 5) = 2) (spec §8.1). It cuts the decimal text, so
// trunc(2.3123, 2) is exactly 2.31.
func fnTrunc(c *evalCtx, a []Value) Value {
	n, ok := toNumber(a[0])
	places, ok2 := toInt64(a[1])
	if !ok || !ok2 {
		return Undefined
	}
	if n.kind == KindInt {
		return n
	}
	places = min(max(places, 0), 34)
	text := strconv.FormatFloat(n.AsFloat(), 'f', -1, 64)
	if dot := strings.IndexByte(text, '.'); dot >= 0 {
		text = text[:min(len(text), dot+1+int(places))]
		text = strings.TrimRight(strings.TrimRight(text, "0"), ".")
	}
	if text == "-0" || text == "" {
		text = "0"
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return Undefined
	}
	return c.decimalText(f, text)
}

// fnMod is mod and remainder: the same as % (spec §8.1).
func fnMod(c *evalCtx, a []Value) Value { return c.arith(sql.OpMod, a[0], a[1]) }

// fnNanvl returns b when a is Undefined, Null or NaN, else a.
func fnNanvl(c *evalCtx, a []Value) Value {
	switch a[0].kind {
	case KindUndefined, KindNull:
		return a[1]
	case KindDecimal:
		if math.IsNaN(a[0].AsFloat()) {
			return a[1]
		}
	}
	return a[0]
}

// bitPair is a bitwise function of two Ints; non-Ints are rounded down and
// Strings parsed first (spec §8.1).
func bitPair(f func(a, b int64) int64) func(*evalCtx, []Value) Value {
	return func(c *evalCtx, a []Value) Value {
		x, ok1 := toInt64(a[0])
		y, ok2 := toInt64(a[1])
		if !ok1 || !ok2 {
			return Undefined
		}
		return Int(f(x, y))
	}
}

// fnBitnot is two's-complement NOT: bitnot(13) = -14 (spec §13 item 3:
// the doc's 2 looks like a 4-bit result).
func fnBitnot(c *evalCtx, a []Value) Value {
	x, ok := toInt64(a[0])
	if !ok {
		return Undefined
	}
	return Int(^x)
}
