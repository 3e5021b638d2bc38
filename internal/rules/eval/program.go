package eval

import (
	"context"

	"github.com/hob-iot/hob/internal/rules/sql"
)

// Program is a compiled rule query, safe for concurrent use.
type Program struct {
	version sql.Version
	from    string
	sets    []setNode
	where   node // nil when absent
	sel     *selectPlan
}

type setNode struct {
	name string
	n    node
}

// Result is one evaluation of a Program.
type Result struct {
	// Fired is true when WHERE is absent or Boolean true (spec §2 item 4).
	Fired bool
	// Output is the outgoing payload when Fired: compact JSON, raw bytes
	// (SELECT * of a payload that is not JSON), or empty (a top-level
	// Undefined, spec §5).
	Output []byte

	vars    []binding // the SET variables, for templates
	raw     string    // the payload, kept with its parse for templates
	payload Value
}

// resultBuf allocates a Result with room for a small output.
type resultBuf struct {
	Result
	buf [64]byte
}

// Compile prepares st for evaluation. Its errors are *sql.ParseError
// (AWS's SqlParseException): an unknown function, a 2016-03-23 function in
// a 2015-10-08 rule.
func Compile(st *sql.Statement) (*Program, error) {
	cp := newCompiler(st.Version)
	p := &Program{version: cp.version, from: st.From}
	for _, a := range st.Set {
		n, err := cp.expr(a.Value)
		if err != nil {
			return nil, err
		}
		p.sets = append(p.sets, setNode{a.Name, n})
	}
	if st.Where != nil {
		n, err := cp.expr(st.Where)
		if err != nil {
			return nil, err
		}
		p.where = n
	}
	if st.Select == nil {
		return nil, errorAt(st.Pos, "missing SELECT")
	}
	sel, err := cp.selectList(st.Select)
	if err != nil {
		return nil, err
	}
	p.sel = sel
	return p, nil
}

// From is the FROM topic filter; "" for a rule without one.
func (p *Program) From() string { return p.from }

// Version is the SQL version the Program was compiled for.
func (p *Program) Version() sql.Version { return p.version }

// Run evaluates SET, then WHERE, then SELECT (spec §2). Fired is false
// when WHERE is not Boolean true; Output is then nil. The error is a
// *FuncError when a function that calls a service failed (spec §8.6); the
// runtime treats it as a failure of the rule.
func (p *Program) Run(ctx context.Context, env *Env) (*Result, error) {
	c := getCtx(ctx, env, p.version)
	defer putCtx(c)
	c.load(env.Payload)
	for _, s := range p.sets {
		c.vars = append(c.vars, binding{s.name, s.n.eval(c)})
	}
	rb := &resultBuf{Result: Result{vars: c.vars, raw: c.raw, payload: c.payload}}
	res := &rb.Result
	if p.where != nil {
		if w := p.where.eval(c); w.kind != KindBool || w.num != 1 {
			return res, c.err
		}
	}
	res.Fired = true
	if p.sel.flat {
		res.Output = p.sel.appendFlat(c, rb.buf[:0])
	} else {
		res.Output = AppendJSON([]byte{}, p.sel.build(c))
	}
	if c.err != nil {
		return nil, c.err
	}
	return res, nil
}
