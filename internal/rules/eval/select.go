package eval

import (
	"github.com/hob-iot/hob/internal/rules/sql"
)

// selectPlan is a compiled SELECT list (spec §5).
type selectPlan struct {
	value bool // SELECT VALUE: the one item's bare value
	items []selItem
	// flat is true when every item writes one distinct top-level key and
	// none is *: Run then streams the output without building an Object.
	flat bool
}

// selItem is one item: a bare * (merged into the output), or an
// expression written under a key path.
type selItem struct {
	n    node
	star bool     // a bare * with no alias
	path []string // the alias, or the derived key; nil for a bare *
	key  []byte   // flat plans: `"key":` ready to append
}

func (cp *compiler) selectList(s *sql.Select) (*selectPlan, error) {
	p := &selectPlan{value: s.Value, flat: !s.Value}
	seen := map[string]bool{}
	for _, it := range s.Items {
		n, err := cp.expr(it.Expr)
		if err != nil {
			return nil, err
		}
		item := selItem{n: n, path: it.Alias}
		if _, star := it.Expr.(*sql.Star); star && it.Alias == nil {
			item.star = true
		} else if item.path == nil {
			item.path = []string{itemKey(it.Expr)}
		}
		if item.star || len(item.path) != 1 || seen[item.path[0]] {
			p.flat = false
		} else {
			seen[item.path[0]] = true
			item.key = append(appendQuoted(nil, item.path[0]), ':')
		}
		p.items = append(p.items, item)
	}
	if p.value && len(p.items) != 1 {
		return nil, errorAt(s.At, "SELECT VALUE takes exactly one expression")
	}
	return p, nil
}

// itemKey is the output key of an item without AS (spec §5): the last
// segment of a path, a function's name as written, a variable's name.
// Other expressions (a + b) are keyed by their SQL text: AWS does not
// document them [inferred].
func itemKey(e sql.Expr) string {
	switch e := e.(type) {
	case *sql.Ident:
		return e.Name
	case *sql.Field:
		return e.Name
	case *sql.Call:
		return e.Name
	case *sql.Var:
		return e.Name
	case *sql.Cast:
		return "cast"
	}
	return e.String()
}

// build evaluates the list against c's scope into one Value: the bare
// value for SELECT VALUE, otherwise an Object with keys in select order;
// Undefined items are left out [doc], dotted aliases build nested objects
// that merge [verified]. A bare * merges the scope's keys; on a Binary
// payload it is the payload itself when alone, nothing when the payload is
// empty, and an error otherwise (spec §5: fields can be added only to an
// empty or JSON payload).
func (p *selectPlan) build(c *evalCtx) Value {
	if p.value {
		return p.items[0].n.eval(c)
	}
	var out *Object
	for _, it := range p.items {
		if it.star {
			v := c.scope
			switch {
			case v.kind == KindObject && out == nil:
				out = v.object().Clone(len(p.items) - 1)
			case v.kind == KindObject:
				for _, f := range v.object().fields {
					out.Set(f.key, f.val)
				}
			case len(p.items) == 1:
				return v
			case v.kind == KindBinary && v.str != "":
				return c.fail("select", "cannot add attributes to a payload that is not JSON")
			}
			continue
		}
		v := it.n.eval(c)
		if v.kind == KindUndefined {
			continue
		}
		if out == nil {
			out = NewObject(len(p.items))
		}
		setPath(out, it.path, v)
	}
	if out == nil {
		out = NewObject(0)
	}
	return ObjectValue(out)
}

// setPath sets v under a dotted path, creating or copying the objects on
// the way so values shared with the payload are never changed.
func setPath(o *Object, path []string, v Value) {
	for _, seg := range path[:len(path)-1] {
		var child *Object
		if cur := o.Get(seg); cur.kind == KindObject {
			child = cur.object().Clone(1)
		} else {
			child = NewObject(1)
		}
		o.Set(seg, ObjectValue(child))
		o = child
	}
	o.Set(path[len(path)-1], v)
}

// appendFlat streams a flat plan's output object to buf.
func (p *selectPlan) appendFlat(c *evalCtx, buf []byte) []byte {
	buf = append(buf, '{')
	first := true
	for i := range p.items {
		it := &p.items[i]
		v := it.n.eval(c)
		if v.kind == KindUndefined {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, it.key...)
		buf = AppendJSON(buf, v)
	}
	return append(buf, '}')
}

// subqueryNode is a nested SELECT (spec §5): it runs its list over each
// item of an Array source (an Object source is one item: FROM * yields a
// one-item Array [verified]), keeps the items whose WHERE is true, and
// yields the Array of results. Inside, names and * refer to the item.
type subqueryNode struct {
	sel   *selectPlan
	from  node
	where node // nil when absent
}

func (cp *compiler) subquery(e *sql.Subquery) (node, error) {
	sel, err := cp.selectList(e.Select)
	if err != nil {
		return nil, err
	}
	from, err := cp.expr(e.From)
	if err != nil {
		return nil, err
	}
	n := &subqueryNode{sel: sel, from: from}
	if e.Where != nil {
		if n.where, err = cp.expr(e.Where); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (n *subqueryNode) eval(c *evalCtx) Value {
	src := n.from.eval(c)
	var items []Value
	switch src.kind {
	case KindArray:
		items = src.items()
	case KindObject:
		items = []Value{src}
	default:
		return Undefined
	}
	saved := c.scope
	c.nested++
	out := make([]Value, 0, len(items))
	for _, it := range items {
		c.scope = it
		if n.where != nil {
			if w := n.where.eval(c); w.kind != KindBool || w.num != 1 {
				continue
			}
		}
		if v := n.sel.build(c); v.kind != KindUndefined {
			out = append(out, v)
		}
	}
	c.nested--
	c.scope = saved
	return Array(out)
}
