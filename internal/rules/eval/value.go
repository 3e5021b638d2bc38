package eval

import (
	"math"
	"math/big"
	"unsafe"
)

// Kind is the type of a Value (spec §6.1).
type Kind uint8

// The kinds of spec §6.1, and Binary for a payload that is not JSON (§2).
const (
	KindUndefined Kind = iota // not a value: a missing key, a failed function
	KindNull                  // JSON null, the NULL keyword
	KindBool
	KindInt     // int64, or *big.Int past 64 bits
	KindDecimal // float64 plus its source text when unchanged
	KindString
	KindArray
	KindObject
	KindBinary // raw payload bytes, reachable only through * (§2 item 3)
)

var kindNames = [...]string{"Undefined", "Null", "Boolean", "Int", "Decimal", "String", "Array", "Object", "Binary"}

// String names the kind as AWS's documentation does.
func (k Kind) String() string { return kindNames[k] }

// Value is one AWS IoT SQL value. The zero Value is Undefined. Values are
// immutable once built: arrays and objects may be shared between the
// payload, SET variables and the output.
//
// A Value is 40 bytes with two pointers, which keeps copies cheap on the
// evaluation path: p is a *big.Int (an Int past int64), a *Object, or the
// first item of an Array whose length is num.
type Value struct {
	kind Kind
	num  uint64         // Bool (0/1), Int (int64 bits), Decimal (float64 bits), Array length
	str  string         // String, Binary bytes, Decimal source text ("" once computed)
	p    unsafe.Pointer // see above; nil otherwise
}

// bigInt is an Int's big.Int, nil when it fits an int64.
func (v Value) bigInt() *big.Int {
	if v.kind != KindInt {
		return nil
	}
	return (*big.Int)(v.p)
}

// items is an Array's items, nil for other kinds.
func (v Value) items() []Value {
	if v.kind != KindArray || v.p == nil {
		return nil
	}
	return unsafe.Slice((*Value)(v.p), v.num)
}

// object is an Object value's Object, nil for other kinds.
func (v Value) object() *Object {
	if v.kind != KindObject {
		return nil
	}
	return (*Object)(v.p)
}

// Undefined is the Undefined value (the zero Value).
var Undefined = Value{}

// Null is the Null value.
var Null = Value{kind: KindNull}

// Bool makes a Boolean.
func Bool(b bool) Value {
	if b {
		return Value{kind: KindBool, num: 1}
	}
	return Value{kind: KindBool}
}

// Int makes an Int.
func Int(i int64) Value { return Value{kind: KindInt, num: uint64(i)} }

// BigInt makes an Int from a big.Int, as an int64 when it fits.
func BigInt(b *big.Int) Value {
	if b.IsInt64() {
		return Int(b.Int64())
	}
	return Value{kind: KindInt, p: unsafe.Pointer(b)}
}

// Decimal makes a computed Decimal (no source text). Under 2016-03-23
// callers go through evalCtx.decimal, which turns whole numbers into Ints.
func Decimal(f float64) Value { return Value{kind: KindDecimal, num: math.Float64bits(f)} }

// decimalText makes a Decimal that prints as its source text.
func decimalText(f float64, text string) Value {
	return Value{kind: KindDecimal, num: math.Float64bits(f), str: text}
}

// String makes a String.
func String(s string) Value { return Value{kind: KindString, str: s} }

// Array makes an Array; it keeps vs.
func Array(vs []Value) Value {
	if len(vs) == 0 {
		return Value{kind: KindArray}
	}
	return Value{kind: KindArray, num: uint64(len(vs)), p: unsafe.Pointer(&vs[0])}
}

// ObjectValue makes an Object value of o.
func ObjectValue(o *Object) Value { return Value{kind: KindObject, p: unsafe.Pointer(o)} }

// Binary makes a Binary value of raw payload bytes.
func Binary(b []byte) Value { return Value{kind: KindBinary, str: string(b)} }

// Kind reports v's type.
func (v Value) Kind() Kind { return v.kind }

// IsUndefined reports whether v is Undefined.
func (v Value) IsUndefined() bool { return v.kind == KindUndefined }

// AsBool returns a Boolean's value; false for any other kind.
func (v Value) AsBool() bool { return v.kind == KindBool && v.num == 1 }

// AsInt64 returns an Int's value and whether it fits in an int64.
func (v Value) AsInt64() (int64, bool) { return int64(v.num), v.kind == KindInt && v.p == nil }

// AsFloat returns a number's value as a float64 (Int or Decimal); 0 otherwise.
func (v Value) AsFloat() float64 {
	switch v.kind {
	case KindInt:
		if b := v.bigInt(); b != nil {
			f, _ := new(big.Float).SetInt(b).Float64()
			return f
		}
		return float64(int64(v.num))
	case KindDecimal:
		return math.Float64frombits(v.num)
	}
	return 0
}

// AsString returns a String's (or Binary's) text; "" for any other kind.
func (v Value) AsString() string { return v.str }

// AsArray returns an Array's items; nil for any other kind.
func (v Value) AsArray() []Value { return v.items() }

// AsObject returns an Object; nil for any other kind.
func (v Value) AsObject() *Object { return v.object() }

// bigOf returns an Int as a big.Int (a new one when v fits an int64).
func (v Value) bigOf() *big.Int {
	if b := v.bigInt(); b != nil {
		return b
	}
	return big.NewInt(int64(v.num))
}

// isNumber reports whether v is an Int or a Decimal.
func (v Value) isNumber() bool { return v.kind == KindInt || v.kind == KindDecimal }
