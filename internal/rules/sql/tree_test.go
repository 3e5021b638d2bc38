package sql

import (
	"fmt"
	"strings"
)

// tree renders e as an S-expression that shows its structure unambiguously,
// without positions: (+ a (* b 2)), (. a b), (call f a b).
func tree(e Expr) string {
	switch e := e.(type) {
	case nil:
		return "nil"
	case *Binary:
		return fmt.Sprintf("(%s %s %s)", e.Op, tree(e.L), tree(e.R))
	case *Unary:
		return fmt.Sprintf("(%s %s)", e.Op, tree(e.X))
	case *Field:
		return fmt.Sprintf("(. %s %s)", tree(e.X), e.Name)
	case *Index:
		return fmt.Sprintf("([] %s %s)", tree(e.X), tree(e.Index))
	case *Call:
		return "(call " + e.Name + treeList(e.Args) + ")"
	case *Cast:
		return fmt.Sprintf("(cast %s %s %d)", tree(e.X), e.Type, e.Kind)
	case *Case:
		return treeCase(e)
	case *ArrayLit:
		return "(array" + treeList(e.Elems) + ")"
	case *ObjectLit:
		var b strings.Builder
		b.WriteString("(object")
		for _, f := range e.Fields {
			fmt.Fprintf(&b, " %q:%s", f.Key, tree(f.Value))
		}
		return b.String() + ")"
	case *Subquery:
		return fmt.Sprintf("(subquery %s from %s where %s)", treeSelect(e.Select), tree(e.From), tree(e.Where))
	case *StringLit:
		return fmt.Sprintf("%q", e.Value)
	case *IntLit:
		return "int:" + e.Raw
	case *DecimalLit:
		return "dec:" + e.Raw
	case *Ident:
		return "id:" + e.Name
	}
	return e.String() // *, NULL, TRUE, FALSE, @var
}

func treeList(es []Expr) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(" " + tree(e))
	}
	return b.String()
}

func treeCase(e *Case) string {
	var b strings.Builder
	b.WriteString("(case " + tree(e.Operand))
	for _, w := range e.Whens {
		fmt.Fprintf(&b, " (when %s %s)", tree(w.Cond), tree(w.Result))
	}
	return b.String() + " else " + tree(e.Else) + ")"
}

func treeSelect(s *Select) string {
	var b strings.Builder
	b.WriteString("[")
	if s.Value {
		b.WriteString("value ")
	}
	for i, it := range s.Items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tree(it.Expr))
		if it.Alias != nil {
			b.WriteString(" as " + strings.Join(it.Alias, "."))
		}
	}
	return b.String() + "]"
}

// treeStatement renders a whole statement for comparisons that ignore positions.
func treeStatement(s *Statement) string {
	var b strings.Builder
	for _, a := range s.Set {
		fmt.Fprintf(&b, "set @%s=%s; ", a.Name, tree(a.Value))
	}
	fmt.Fprintf(&b, "select %s from %q where %s", treeSelect(s.Select), s.From, tree(s.Where))
	return b.String()
}
