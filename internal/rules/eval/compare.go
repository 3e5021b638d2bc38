package eval

import "math"

// compareOrder orders l and r for < <= > >= (spec §7): both are converted
// to Decimal (Ints, Decimals and numeric Strings); ok is false, making the
// comparison Undefined, for anything else.
func compareOrder(l, r Value) (cmp int, ok bool) {
	if l.kind == KindInt && r.kind == KindInt {
		return compareNumbers(l, r), true
	}
	ln, ok1 := toNumber(l)
	rn, ok2 := toNumber(r)
	if !ok1 || !ok2 {
		return 0, false
	}
	return compareNumbers(ln, rn), true
}

// compareNumbers orders two Ints or Decimals: Ints exactly, otherwise as
// doubles.
func compareNumbers(l, r Value) int {
	if l.kind == KindInt && r.kind == KindInt {
		if l.bigInt() == nil && r.bigInt() == nil {
			a, b := int64(l.num), int64(r.num)
			switch {
			case a < b:
				return -1
			case a > b:
				return 1
			}
			return 0
		}
		return l.bigOf().Cmp(r.bigOf())
	}
	a, b := l.AsFloat(), r.AsFloat()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	if math.IsNaN(a) && !math.IsNaN(b) {
		return 1
	}
	return -1
}

// equal is = of spec §7: numbers compare numerically (an Int is promoted
// to Decimal), Strings, Booleans and Binary exactly, Arrays item by item in
// order, Objects by key set and values in any order, Null equals Null.
// Values of different types are not equal (1 = '1' is false). defined is
// false when either side is Undefined.
func equal(l, r Value) (eq, defined bool) {
	if l.kind == KindUndefined || r.kind == KindUndefined {
		return false, false
	}
	return sameValue(l, r), true
}

func sameValue(l, r Value) bool {
	if l.isNumber() && r.isNumber() {
		return compareNumbers(l, r) == 0 && !math.IsNaN(l.AsFloat())
	}
	if l.kind != r.kind {
		return false
	}
	switch l.kind {
	case KindNull:
		return true
	case KindBool:
		return l.num == r.num
	case KindString, KindBinary:
		return l.str == r.str
	case KindArray:
		if len(l.items()) != len(r.items()) {
			return false
		}
		for i := range l.items() {
			if !sameValue(l.items()[i], r.items()[i]) {
				return false
			}
		}
		return true
	case KindObject:
		return sameObject(l.object(), r.object())
	}
	return false
}

func sameObject(a, b *Object) bool {
	if a.Len() != b.Len() {
		return false
	}
	for _, f := range a.fields {
		if !sameValue(f.val, b.Get(f.key)) {
			return false
		}
	}
	return true
}
