package eval

import "strings"

// funcDef is one function of spec §8. fn gets its arguments evaluated;
// callNode has checked their count against min and max (max < 0: any).
type funcDef struct {
	min, max int
	v2       bool // only in 2016-03-23 (spec §8.7)
	fn       func(c *evalCtx, args []Value) Value
}

// builtins maps a lower-case function name to its definition. It is filled
// once by init from the per-topic tables of the funcs_*.go files and never
// changed afterwards.
var builtins = map[string]*funcDef{}

func init() {
	for _, table := range []map[string]*funcDef{
		mathFuncs, stringFuncs, collectionFuncs, encodingFuncs, timeFuncs, contextFuncs, externalFuncs,
	} {
		for name, def := range table {
			builtins[name] = def
		}
	}
}

// lookupFunc finds a function by name, in any case (spec §3).
func lookupFunc(name string) (*funcDef, bool) {
	def, ok := builtins[strings.ToLower(name)]
	return def, ok
}

// callNode is a function call. Arguments go on c's stack, so a call makes
// no allocation of its own.
type callNode struct {
	name string // lower case
	def  *funcDef
	args []node
}

func (n *callNode) eval(c *evalCtx) Value {
	if len(n.args) < n.def.min || (n.def.max >= 0 && len(n.args) > n.def.max) {
		return Undefined // spec §6.1: a wrong number of arguments is Undefined
	}
	base := len(c.stack)
	for _, a := range n.args {
		v := a.eval(c)
		c.stack = append(c.stack, v)
	}
	v := n.def.fn(c, c.stack[base:])
	clear(c.stack[base:])
	c.stack = c.stack[:base]
	return v
}

// unaryFloat wraps a double-precision function of one number (spec §8.1
// "(d)"): the argument converts to Decimal, a result that is not a real
// number (acos(2)) is Undefined.
func unaryFloat(f func(float64) float64) *funcDef {
	return &funcDef{min: 1, max: 1, fn: func(c *evalCtx, a []Value) Value {
		x, ok := toFloat(a[0])
		if !ok {
			return Undefined
		}
		return c.decimal(f(x))
	}}
}

// stringFunc wraps a function of the string forms of its arguments; a
// value with no string form (Null, Undefined) makes the result Undefined.
func stringFunc(min, max int, v2 bool, f func(c *evalCtx, s []string) Value) *funcDef {
	return &funcDef{min: min, max: max, v2: v2, fn: func(c *evalCtx, a []Value) Value {
		var buf [4]string
		ss := buf[:0]
		for _, v := range a {
			s, ok := toString(v)
			if !ok {
				return Undefined
			}
			ss = append(ss, s)
		}
		return f(c, ss)
	}}
}
