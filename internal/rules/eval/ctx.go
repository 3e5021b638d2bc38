package eval

import (
	"context"
	"sync"

	"github.com/hob-iot/hob/internal/rules/sql"
)

// evalCtx is the state of one evaluation: the message, the SQL version,
// SET variables, the current scope (the payload, or the element of a nested
// SELECT) and an argument stack reused across function calls.
type evalCtx struct {
	ctx     context.Context
	env     *Env
	version sql.Version
	v2      bool
	raw     string // the payload bytes
	scope   Value  // the payload parsed (Binary when it is not JSON), or a nested item
	nested  int    // depth of nested SELECTs; * is the raw payload at 0
	vars    []binding
	stack   []Value
	err     error  // the first FuncError
	top     Object // the payload's top-level object when decoded in part; see load
}

type binding struct {
	name string
	val  Value
}

var ctxPool = sync.Pool{New: func() any { return &evalCtx{stack: make([]Value, 0, 16)} }}

func getCtx(ctx context.Context, env *Env, version sql.Version) *evalCtx {
	c := ctxPool.Get().(*evalCtx)
	c.ctx, c.env, c.version, c.v2 = ctx, env, version, version != sql.V20151008
	return c
}

// putCtx returns c to the pool; callNode has already cleared the stack.
// The payload fields (raw, scope, top) are left for the next
// load to overwrite: clearing them costs more than the rest of a small
// run, and what they hold is bounded by the pool, which drops idle
// contexts within two GC cycles.
func putCtx(c *evalCtx) {
	c.ctx, c.env, c.vars, c.err, c.nested = nil, nil, nil, nil, 0
	c.stack = c.stack[:0]
	ctxPool.Put(c)
}

// load parses the payload raw (spec §2 item 3) into c.scope: JSON when
// it parses, else Binary; an empty payload is an empty Binary. v2 reads
// numbers as 2016-03-23 does. Unless ks.whole, only the members of a
// top-level object that ks names are decoded, into c.top: the parse must
// then not outlive c, which holds because nothing but * yields the
// top-level object.
func (c *evalCtx) load(raw string, v2 bool, ks *keySet) {
	v := Value{kind: KindBinary, str: raw}
	if len(raw) > 0 {
		var p Value
		var err error
		if ks.whole {
			p, err = parseJSONString(raw, v2)
		} else {
			c.top.fields, c.top.index = c.top.small[:0], nil
			p, err = parsePayload(raw, v2, ks, &c.top)
		}
		if err == nil {
			v = p
		}
	}
	c.raw, c.scope = raw, v
}

// decimal makes a computed Decimal; under 2016-03-23 a whole number is an
// Int (spec §6.1). NaN and infinities are Undefined.
func (c *evalCtx) decimal(f float64) Value {
	if f != f || f > maxFloat || f < -maxFloat {
		return Undefined
	}
	if c.v2 {
		if iv, ok := wholeInt(f); ok {
			return iv
		}
	}
	return Decimal(f)
}

const maxFloat = 1.7976931348623157e308

// lookupVar returns SET variable name, Undefined when unset.
func (c *evalCtx) lookupVar(name string) Value {
	for i := len(c.vars) - 1; i >= 0; i-- {
		if c.vars[i].name == name {
			return c.vars[i].val
		}
	}
	return Undefined
}

// fail records the first FuncError; evaluation goes on, Run returns it.
func (c *evalCtx) fail(fn, msg string) Value {
	if c.err == nil {
		c.err = &FuncError{Func: fn, Msg: msg}
	}
	return Undefined
}
