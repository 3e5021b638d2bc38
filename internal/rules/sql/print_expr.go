package sql

import "strings"

// exprPrec is the binding power of e as printed: its operator's level, or
// precPostfix for atoms.
func exprPrec(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		return e.Op.prec()
	case *Unary:
		if e.Op == OpNot {
			return precNot
		}
		return precUnary
	}
	return precPostfix
}

// operand prints e, in parentheses when it binds looser than min.
func operand(e Expr, min int) string {
	if exprPrec(e) < min {
		return "(" + e.String() + ")"
	}
	return e.String()
}

// String prints `X.Name`.
func (e *Field) String() string { return operand(e.X, precPostfix) + "." + e.Name }

// String prints `X[Index]`.
func (e *Index) String() string {
	return operand(e.X, precPostfix) + "[" + e.Index.String() + "]"
}

// String prints `NOT X` or `-X`.
func (e *Unary) String() string {
	if e.Op == OpNot {
		return "NOT " + operand(e.X, precNot)
	}
	if u, ok := e.X.(*Unary); ok && u.Op == OpNeg {
		return "-(" + u.String() + ")" // not "--5"
	}
	return "-" + operand(e.X, precUnary)
}

// String prints `L op R`. Operators associate to the left, so a right
// operand of the same level is parenthesized; comparisons do not chain, so
// comparison operands of comparison level are too.
func (e *Binary) String() string {
	lp, rp := e.Op.prec(), e.Op.prec()+1
	if lp == precCmp {
		lp++
	}
	return operand(e.L, lp) + " " + e.Op.String() + " " + operand(e.R, rp)
}

// String prints `Name(args)`.
func (e *Call) String() string {
	var b strings.Builder
	b.WriteString(e.Name)
	b.WriteByte('(')
	writeList(&b, len(e.Args), func(i int) string { return e.Args[i].String() })
	b.WriteByte(')')
	return b.String()
}

// String prints `cast(X AS Type)`.
func (e *Cast) String() string { return "cast(" + e.X.String() + " AS " + e.Type + ")" }

// String prints `CASE [operand] WHEN c THEN r ... [ELSE e] END`.
func (e *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	if e.Operand != nil {
		b.WriteString(" " + e.Operand.String())
	}
	for _, w := range e.Whens {
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Result.String())
	}
	if e.Else != nil {
		b.WriteString(" ELSE " + e.Else.String())
	}
	b.WriteString(" END")
	return b.String()
}

// String prints `[e, ...]`.
func (e *ArrayLit) String() string {
	var b strings.Builder
	b.WriteByte('[')
	writeList(&b, len(e.Elems), func(i int) string { return e.Elems[i].String() })
	b.WriteByte(']')
	return b.String()
}

// String prints `{'k': e, ...}`.
func (e *ObjectLit) String() string {
	var b strings.Builder
	b.WriteByte('{')
	writeList(&b, len(e.Fields), func(i int) string {
		return quote(e.Fields[i].Key) + ": " + e.Fields[i].Value.String()
	})
	b.WriteByte('}')
	return b.String()
}

// writeList writes n items separated by ", ".
func writeList(b *strings.Builder, n int, item func(int) string) {
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(item(i))
	}
}
