package eval

import (
	"strings"

	"github.com/hob-iot/hob/internal/rules/sql"
)

// collectionFuncs are the type, collection and JSON functions of spec §8.3
// (cast is castNode).
var collectionFuncs = map[string]*funcDef{
	"isnull":         {min: 1, max: 1, fn: func(_ *evalCtx, a []Value) Value { return Bool(a[0].kind == KindNull) }},
	"isundefined":    {min: 1, max: 1, v2: true, fn: func(_ *evalCtx, a []Value) Value { return Bool(a[0].kind == KindUndefined) }},
	"get":            {min: 2, max: 2, fn: func(_ *evalCtx, a []Value) Value { return getValue(a[0], a[1]) }},
	"get_or_default": {min: 2, max: 2, fn: fnGetOrDefault},
	"transform":      {min: 3, max: 3, v2: true, fn: fnTransform},
}

// getValue is get(coll, key) (spec §8.3): an Array item by 0-based index
// (converted to Int), a String's character by index, an Object's value by
// String key (not converted); Undefined otherwise or out of range.
func getValue(coll, key Value) Value {
	switch coll.kind {
	case KindArray:
		i, ok := toInt64(key)
		if !ok || i < 0 || i >= int64(len(coll.items())) {
			return Undefined
		}
		return coll.items()[i]
	case KindString:
		i, ok := toInt64(key)
		if !ok || i < 0 {
			return Undefined
		}
		for _, r := range coll.str {
			if i == 0 {
				return String(string(r))
			}
			i--
		}
	case KindObject:
		if key.kind == KindString {
			return coll.object().Get(key.str)
		}
	}
	return Undefined
}

// fnGetOrDefault returns its first argument, or the default when that is
// Undefined (spec §8.3; what else counts as "no value" is unverified).
func fnGetOrDefault(_ *evalCtx, a []Value) Value {
	if a[0].kind == KindUndefined {
		return a[1]
	}
	return a[0]
}

// fnTransform is transform("enrichArray", obj, arr) (spec §8.3): arr with
// obj's attributes added to each Object item. A nested SELECT over an
// Object yields a one-item Array (spec §5), so a one-item Array is
// unwrapped for obj, and for arr when its only item is an Array: this is
// how AWS's transform example 3 (conformance aws-transform-03) reads.
func fnTransform(_ *evalCtx, a []Value) Value {
	mode, obj, arr := a[0], a[1], a[2]
	if mode.kind != KindString || !strings.EqualFold(mode.str, "enrichArray") {
		return Undefined
	}
	if obj.kind == KindArray && len(obj.items()) == 1 {
		obj = obj.items()[0]
	}
	if arr.kind == KindArray && len(arr.items()) == 1 && arr.items()[0].kind == KindArray {
		arr = arr.items()[0]
	}
	if obj.kind != KindObject || arr.kind != KindArray {
		return Undefined
	}
	out := make([]Value, len(arr.items()))
	for i, it := range arr.items() {
		if it.kind != KindObject {
			out[i] = it
			continue
		}
		o := it.object().Clone(obj.object().Len())
		for _, f := range obj.object().fields {
			o.Set(f.key, f.val)
		}
		out[i] = ObjectValue(o)
	}
	return Array(out)
}

// castNode is cast(x AS type) (spec §6.3).
type castNode struct {
	x    node
	kind sql.CastKind
}

func (n *castNode) eval(c *evalCtx) Value { return c.cast(n.x.eval(c), n.kind) }

// cast differs from the implicit conversions: Booleans become 1 and 0,
// numbers become Booleans (0 is false), Decimals and Strings round down
// to Int, and Null converts to nothing.
func (c *evalCtx) cast(v Value, kind sql.CastKind) Value {
	if v.kind == KindBool && kind != sql.CastString && kind != sql.CastBool {
		v = Int(int64(v.num))
	}
	switch kind {
	case sql.CastString:
		if s, ok := toString(v); ok {
			return String(s)
		}
	case sql.CastInt:
		if n, ok := toInt(v); ok {
			return n
		}
	case sql.CastDouble, sql.CastDecimal:
		if n, ok := toNumber(v); ok {
			if n.kind == KindDecimal && n.str != "" {
				return c.decimalText(n.AsFloat(), n.str)
			}
			return c.decimal(n.AsFloat())
		}
	case sql.CastBool:
		return castBool(v)
	}
	return Undefined
}

func castBool(v Value) Value {
	if b, ok := toBool(v); ok {
		return Bool(b)
	}
	if n, ok := toNumber(v); ok && v.kind != KindString {
		if n.kind == KindInt && n.bigInt() != nil {
			return Bool(true)
		}
		return Bool(n.AsFloat() != 0)
	}
	return Undefined
}
