package eval

import (
	"context"
	"unsafe"

	"github.com/hob-iot/hob/internal/rules/sql"
)

// Program is a compiled rule query, safe for concurrent use.
type Program struct {
	version sql.Version
	from    string
	sets    []setNode
	where   node // nil when absent
	sel     *selectPlan
	reads   keySet
}

type setNode struct {
	name string
	n    node
}

// Result is one evaluation of a Program.
type Result struct {
	// Fired is true when WHERE is absent or Boolean true (spec §2 item 4).
	Fired bool
	v2    bool // raw's numbers are read as 2016-03-23's
	// Output is the outgoing payload when Fired: compact JSON, raw bytes
	// (SELECT * of a payload that is not JSON), or empty (a top-level
	// Undefined, spec §5).
	Output []byte

	vars    []binding // the SET variables, for templates
	raw     string    // the payload, for templates
	payload *Object   // raw parsed whole when it is an object; else templates parse raw
}

// outputRoom is the capacity Run allocates for the output beside its copy
// of the payload.
const outputRoom = 64

// resultBuf is a Result with room for a small payload's copy and then the
// output: one allocation of 256 bytes for the common small message.
type resultBuf struct {
	Result
	buf [256 - unsafe.Sizeof(Result{})]byte
}

// newResult allocates a Result and a copy of payload followed by room for
// the output, together when they fit.
func newResult(payload []byte) (*Result, []byte) {
	var res *Result
	var buf []byte
	if n := len(payload); n+outputRoom <= len(resultBuf{}.buf) {
		rb := new(resultBuf)
		res, buf = &rb.Result, rb.buf[:n]
	} else {
		res, buf = new(Result), make([]byte, n, n+outputRoom)
	}
	copy(buf, payload)
	return res, buf
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
	p.reads = cp.reads
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
	// The parse and the Result share the payload's copy, which is never
	// written again; the output goes after it.
	res, buf := newResult(env.Payload)
	n := len(buf)
	c.load(unsafe.String(unsafe.SliceData(buf), n), c.v2, &p.reads)
	for _, s := range p.sets {
		c.vars = append(c.vars, binding{s.name, s.n.eval(c)})
	}
	res.vars, res.raw, res.v2 = c.vars, c.raw, c.v2
	if p.reads.whole && c.scope.kind == KindObject {
		res.payload = c.scope.object() // otherwise it is c.top, which goes back to the pool
	}
	if p.where != nil {
		if w := p.where.eval(c); w.kind != KindBool || w.num != 1 {
			return res, c.err
		}
	}
	res.Fired = true
	if p.sel.flat {
		res.Output = p.sel.appendFlat(c, buf[n:n])
	} else {
		res.Output = AppendJSON(buf[n:n], p.sel.build(c))
	}
	if c.err != nil {
		return nil, c.err
	}
	return res, nil
}
