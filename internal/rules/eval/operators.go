package eval

import (
	"math"

	"github.com/hob-iot/hob/internal/rules/sql"
)

// binaryNode is an infix operator of spec §7. The compiler makes one node
// type per class of operator (logicNode, equalNode, orderNode, arithNode):
// a single eval switching over all of them spends more on its Value
// temporaries than on the operation. Each evaluates l, then r.
type binaryNode struct {
	op   sql.Op
	l, r node
}

func (cp *compiler) binary(e *sql.Binary) (node, error) {
	l, err := cp.expr(e.L)
	if err != nil {
		return nil, err
	}
	r, err := cp.expr(e.R)
	if err != nil {
		return nil, err
	}
	b := binaryNode{e.Op, l, r}
	switch e.Op {
	case sql.OpAnd, sql.OpOr:
		return &logicNode{b}, nil
	case sql.OpEq, sql.OpNe:
		return &equalNode{b}, nil
	case sql.OpLt, sql.OpLe, sql.OpGt, sql.OpGe:
		return &orderNode{b}, nil
	}
	return &arithNode{b}, nil
}

// logicNode is AND and OR.
type logicNode struct{ binaryNode }

func (n *logicNode) eval(c *evalCtx) Value {
	l := n.l.eval(c)
	r := n.r.eval(c)
	return logic(n.op, l, r)
}

// equalNode is = and <>.
type equalNode struct{ binaryNode }

func (n *equalNode) eval(c *evalCtx) Value {
	l := n.l.eval(c)
	r := n.r.eval(c)
	eq, ok := equal(l, r)
	if !ok {
		return Undefined
	}
	return Bool(eq == (n.op == sql.OpEq))
}

// orderNode is < <= > >=, with Ints that fit an int64 compared inline.
type orderNode struct{ binaryNode }

func (n *orderNode) eval(c *evalCtx) Value {
	l := n.l.eval(c)
	r := n.r.eval(c)
	if l.kind == KindInt && r.kind == KindInt && l.p == nil && r.p == nil {
		a, b := int64(l.num), int64(r.num)
		return Bool(holds(n.op, a < b, a == b))
	}
	return order(n.op, l, r)
}

// arithNode is + - * / %, with + - * of Ints that fit an int64 computed
// inline when they do not overflow.
type arithNode struct{ binaryNode }

func (n *arithNode) eval(c *evalCtx) Value {
	l := n.l.eval(c)
	r := n.r.eval(c)
	if l.kind == KindInt && r.kind == KindInt && l.p == nil && r.p == nil {
		a, b := int64(l.num), int64(r.num)
		var v int64
		over := true
		switch n.op {
		case sql.OpAdd:
			v, over = addInt(a, b)
		case sql.OpSub:
			v, over = subInt(a, b)
		case sql.OpMul:
			v, over = mulInt(a, b)
		}
		if !over {
			return Int(v)
		}
	}
	return c.arith(n.op, l, r)
}

// logic is AND and OR (spec §7): operands must be Booleans or the Strings
// "true"/"false" in any case; anything else makes the result Undefined.
// Both sides are evaluated (AWS documents no short-circuit).
func logic(op sql.Op, l, r Value) Value {
	a, ok1 := toBool(l)
	b, ok2 := toBool(r)
	if !ok1 || !ok2 {
		return Undefined
	}
	if op == sql.OpAnd {
		return Bool(a && b)
	}
	return Bool(a || b)
}

func order(op sql.Op, l, r Value) Value {
	cmp, ok := compareOrder(l, r)
	if !ok {
		return Undefined
	}
	return Bool(holds(op, cmp < 0, cmp == 0))
}

// holds reports whether the comparison op holds given l < r (less) or
// l = r (same).
func holds(op sql.Op, less, same bool) bool {
	switch op {
	case sql.OpLt:
		return less
	case sql.OpLe:
		return less || same
	case sql.OpGt:
		return !less && !same
	}
	return !less
}

// unaryNode is NOT x or -x.
type unaryNode struct {
	op sql.Op
	x  node
}

func (n *unaryNode) eval(c *evalCtx) Value {
	v := n.x.eval(c)
	if n.op == sql.OpNot {
		b, ok := toBool(v)
		if !ok {
			return Undefined
		}
		return Bool(!b)
	}
	return c.arith(sql.OpSub, Int(0), v)
}

// opByte is an arithmetic operator's symbol.
func opByte(op sql.Op) byte {
	switch op {
	case sql.OpAdd:
		return '+'
	case sql.OpSub:
		return '-'
	case sql.OpMul:
		return '*'
	case sql.OpDiv:
		return '/'
	}
	return '%'
}

// arith is + - * / % (spec §7 "Arithmetic"). + with a String on either
// side concatenates the string forms ('a' + 1 = "a1"); otherwise Strings
// convert to Decimal. Int with Int stays Int (past int64 in math/big);
// any Decimal makes the result Decimal. Division and remainder by zero are
// Undefined (undocumented; spec §7).
//
// Int / Int: under 2015-10-08 integer division, as AWS's operator table
// says; under 2016-03-23 the exact quotient, an Int when whole and a
// Decimal otherwise. The conformance case aws-set-01 (AWS's SET clause
// page: (75 - 32) * 5 / 9 = 23.89) is the authority for the latter.
func (c *evalCtx) arith(op sql.Op, l, r Value) Value {
	if op == sql.OpAdd && (l.kind == KindString || r.kind == KindString) {
		a, ok1 := toString(l)
		b, ok2 := toString(r)
		if !ok1 || !ok2 {
			return Undefined
		}
		return String(a + b)
	}
	if l.kind == KindInt && r.kind == KindInt {
		return c.intArith(opByte(op), l, r)
	}
	if l.kind == KindBool || r.kind == KindBool || (op == sql.OpAdd && (!l.isNumber() || !r.isNumber())) {
		return Undefined
	}
	ln, ok1 := toNumber(l)
	rn, ok2 := toNumber(r)
	if !ok1 || !ok2 {
		return Undefined
	}
	return c.floatArith(opByte(op), ln.AsFloat(), rn.AsFloat())
}

func (c *evalCtx) intArith(op byte, l, r Value) Value {
	if op == '/' || op == '%' {
		return c.intDivide(op, l, r)
	}
	if l.bigInt() == nil && r.bigInt() == nil {
		a, b := int64(l.num), int64(r.num)
		var v int64
		var over bool
		switch op {
		case '+':
			v, over = addInt(a, b)
		case '-':
			v, over = subInt(a, b)
		default:
			v, over = mulInt(a, b)
		}
		if !over {
			return Int(v)
		}
	}
	return BigInt(bigArith(op, l.bigOf(), r.bigOf()))
}

// intDivide is Int / Int and Int % Int (see arith).
func (c *evalCtx) intDivide(op byte, l, r Value) Value {
	if r.bigInt() == nil && r.num == 0 {
		return Undefined
	}
	if l.bigInt() != nil || r.bigInt() != nil || (int64(l.num) == math.MinInt64 && int64(r.num) == -1) {
		q, m := bigArith('/', l.bigOf(), r.bigOf()), bigArith('%', l.bigOf(), r.bigOf())
		if op == '%' {
			return BigInt(m)
		}
		if m.Sign() == 0 || !c.v2 {
			return BigInt(q)
		}
		return c.decimal(l.AsFloat() / r.AsFloat())
	}
	a, b := int64(l.num), int64(r.num)
	if op == '%' {
		return Int(a % b)
	}
	if a%b == 0 || !c.v2 {
		return Int(a / b)
	}
	return c.decimal(float64(a) / float64(b))
}

func (c *evalCtx) floatArith(op byte, a, b float64) Value {
	switch op {
	case '+':
		return c.decimal(a + b)
	case '-':
		return c.decimal(a - b)
	case '*':
		return c.decimal(a * b)
	case '/':
		if b == 0 {
			return Undefined
		}
		return c.decimal(a / b)
	}
	if b == 0 {
		return Undefined
	}
	return c.decimal(math.Mod(a, b))
}
