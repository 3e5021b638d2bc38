package eval

import (
	"context"
	"strings"

	"github.com/hob-iot/hob/internal/rules/sql"
)

// Template is an action field with ${expression} substitutions (spec §9),
// compiled once; safe for concurrent use.
type Template struct {
	version sql.Version
	lits    []string // lits[i] comes before exprs[i]; one more lit than exprs
	exprs   []node
	reads   keySet
}

// CompileTemplate compiles text. Each ${...} holds one expression of SQL
// version v; the closing brace is the first one outside quotes and
// object literals. An unclosed ${ or a bad expression is a
// *sql.ParseError whose position counts from the start of the expression.
func CompileTemplate(text string, v sql.Version) (*Template, error) {
	cp := newCompiler(v)
	t := &Template{version: cp.version}
	rest := text
	var lit strings.Builder
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			break
		}
		lit.WriteString(rest[:i])
		end := templateEnd(rest[i+2:])
		if end < 0 {
			return nil, errorAt(sql.Pos{Offset: len(text) - len(rest) + i, Line: 1, Col: 1}, "unclosed ${ in template")
		}
		e, err := sql.ParseExpr(rest[i+2:i+2+end], cp.version)
		if err != nil {
			return nil, err
		}
		n, err := cp.expr(e)
		if err != nil {
			return nil, err
		}
		t.lits = append(t.lits, lit.String())
		t.exprs = append(t.exprs, n)
		lit.Reset()
		rest = rest[i+2+end+1:]
	}
	lit.WriteString(rest)
	t.lits = append(t.lits, lit.String())
	t.reads = cp.reads
	return t, nil
}

// templateEnd is the index of the } closing an expression, -1 if none.
func templateEnd(s string) int {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '{':
			depth++
		case c == '}':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// Render evaluates t against the original message of env and the SET
// variables of r (r may be nil; spec §9: templates never see SELECT
// aliases). Undefined renders as "", Strings without quotes, other values
// as JSON text. The error is a *FuncError from a function that calls a
// service.
func (t *Template) Render(ctx context.Context, env *Env, r *Result) (string, error) {
	if len(t.exprs) == 0 {
		return t.lits[0], nil
	}
	c := getCtx(ctx, env, t.version)
	defer putCtx(c)
	switch {
	case r == nil:
		c.load(string(env.Payload), c.v2, &t.reads)
	case r.payload != nil:
		c.raw, c.scope, c.vars = r.raw, ObjectValue(r.payload), r.vars
	default: // Run kept only the payload's text
		c.load(r.raw, r.v2, &t.reads)
		c.vars = r.vars
	}
	var buf []byte
	for i, n := range t.exprs {
		buf = append(buf, t.lits[i]...)
		v := n.eval(c)
		if v.kind == KindString || v.kind == KindBinary {
			buf = append(buf, v.str...)
		} else {
			buf = AppendJSON(buf, v)
		}
	}
	buf = append(buf, t.lits[len(t.lits)-1]...)
	if c.err != nil {
		return "", c.err
	}
	return string(buf), nil
}
