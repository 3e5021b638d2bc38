package sql

// Inspect walks the expression tree rooted at e in depth-first order: it
// calls f(e), and if f returns true, Inspect walks each child of e (operands,
// arguments, CASE arms, literal elements, and a nested SELECT's items, FROM
// path and WHERE). Nil children are skipped. It is how a compiler finds every
// function call or variable in a statement.
func Inspect(e Expr, f func(Expr) bool) {
	if e == nil || !f(e) {
		return
	}
	for _, c := range children(e) {
		Inspect(c, f)
	}
}

// InspectStatement calls Inspect on every expression of st: SET values,
// SELECT items, WHERE.
func InspectStatement(st *Statement, f func(Expr) bool) {
	for _, a := range st.Set {
		Inspect(a.Value, f)
	}
	for _, it := range st.Select.Items {
		Inspect(it.Expr, f)
	}
	Inspect(st.Where, f)
}

// children returns the direct sub-expressions of e, in source order.
func children(e Expr) []Expr {
	switch e := e.(type) {
	case *Field:
		return []Expr{e.X}
	case *Index:
		return []Expr{e.X, e.Index}
	case *Unary:
		return []Expr{e.X}
	case *Binary:
		return []Expr{e.L, e.R}
	case *Call:
		return e.Args
	case *Cast:
		return []Expr{e.X}
	case *ArrayLit:
		return e.Elems
	case *Case:
		return caseChildren(e)
	case *ObjectLit:
		out := make([]Expr, len(e.Fields))
		for i, f := range e.Fields {
			out[i] = f.Value
		}
		return out
	case *Subquery:
		var out []Expr
		for _, it := range e.Select.Items {
			out = append(out, it.Expr)
		}
		return append(out, e.From, e.Where)
	}
	return nil
}

func caseChildren(e *Case) []Expr {
	out := []Expr{e.Operand}
	for _, w := range e.Whens {
		out = append(out, w.Cond, w.Result)
	}
	return append(out, e.Else)
}
