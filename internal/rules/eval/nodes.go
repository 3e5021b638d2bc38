package eval

// node is a compiled expression. eval reads the current scope from c.
type node interface {
	eval(c *evalCtx) Value
}

// constNode is a literal, converted once at compile time.
type constNode struct{ v Value }

func (n *constNode) eval(*evalCtx) Value { return n.v }

// starNode is *: the current scope (the payload, or the element of a
// nested SELECT); raw Binary bytes when the payload is not JSON (spec §3).
type starNode struct{}

func (starNode) eval(c *evalCtx) Value { return c.scope }

// rawStarNode is * as the argument of encode(): the raw payload bytes
// whatever they hold (spec §8.4: "* encodes raw payload bytes").
type rawStarNode struct{}

func (rawStarNode) eval(c *evalCtx) Value {
	if c.nested > 0 {
		return c.scope
	}
	return Value{kind: KindBinary, str: c.raw}
}

// identNode is a bare name: a top-level attribute of the scope.
type identNode struct{ name string }

func (n *identNode) eval(c *evalCtx) Value {
	if c.scope.kind != KindObject {
		return Undefined
	}
	o := (*Object)(c.scope.p)
	if len(o.fields) >= indexAt {
		return o.Get(n.name)
	}
	for i := range o.fields { // Object.find, inlined: the hottest path
		if f := &o.fields[i]; f.key == n.name {
			return f.val
		}
	}
	return Undefined
}

// fieldNode is x.name: member access on any value; Undefined unless x is
// an Object that has name (spec §4 postfix).
type fieldNode struct {
	x    node
	name string
}

func (n *fieldNode) eval(c *evalCtx) Value {
	v := n.x.eval(c)
	if v.kind != KindObject {
		return Undefined
	}
	return v.object().Get(n.name)
}

// indexNode is x[i], hob's shorthand for get(x, i).
type indexNode struct{ x, index node }

func (n *indexNode) eval(c *evalCtx) Value { return getValue(n.x.eval(c), n.index.eval(c)) }

// varNode is @name, a SET variable.
type varNode struct{ name string }

func (n *varNode) eval(c *evalCtx) Value { return c.lookupVar(n.name) }

// arrayNode is an array literal [a, b] (2016-03-23).
type arrayNode struct{ elems []node }

func (n *arrayNode) eval(c *evalCtx) Value {
	out := make([]Value, len(n.elems))
	for i, e := range n.elems {
		out[i] = e.eval(c)
	}
	return Array(out)
}

// objectNode is an object literal {'k': v} (2016-03-23); Undefined values
// are kept out of the object.
type objectNode struct {
	keys  []string
	elems []node
}

func (n *objectNode) eval(c *evalCtx) Value {
	o := NewObject(len(n.keys))
	for i, e := range n.elems {
		if v := e.eval(c); v.kind != KindUndefined {
			o.Set(n.keys[i], v)
		}
	}
	return ObjectValue(o)
}

// caseNode is CASE (spec §4 notes): the simple form compares the operand
// to each WHEN with =, first match wins; no match and no ELSE, or an
// Undefined operand, is Undefined. With no operand (hob's searched form)
// the first WHEN whose condition is Boolean true wins.
type caseNode struct {
	operand node // nil for the searched form
	whens   []node
	thens   []node
	els     node // nil when absent
}

func (n *caseNode) eval(c *evalCtx) Value {
	var op Value
	if n.operand != nil {
		if op = n.operand.eval(c); op.kind == KindUndefined {
			return Undefined
		}
	}
	for i, w := range n.whens {
		wv := w.eval(c)
		var hit bool
		if n.operand == nil {
			hit = wv.kind == KindBool && wv.num == 1
		} else {
			hit, _ = equal(op, wv)
		}
		if hit {
			return n.thens[i].eval(c)
		}
	}
	if n.els == nil {
		return Undefined
	}
	return n.els.eval(c)
}
