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
	payload Value  // the payload parsed, or Binary when it is not JSON
	scope   Value
	nested  int // depth of nested SELECTs; * is the raw payload at 0
	vars    []binding
	stack   []Value
	err     error // the first FuncError
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
func putCtx(c *evalCtx) {
	stack := c.stack[:0]
	*c = evalCtx{stack: stack}
	ctxPool.Put(c)
}

// load parses the payload (spec §2 item 3): JSON when it parses, else
// Binary; an empty payload is an empty Binary.
func (c *evalCtx) load(payload []byte) {
	c.raw = string(payload)
	c.payload = Binary(nil)
	c.payload.str = c.raw
	if len(payload) > 0 {
		if v, err := parseJSONString(c.raw, c.v2); err == nil {
			c.payload = v
		}
	}
	c.scope = c.payload
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
