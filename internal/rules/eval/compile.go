package eval

import (
	"fmt"
	"strings"

	"github.com/hob-iot/hob/internal/rules/sql"
)

// compiler turns AST expressions into nodes for one SQL version.
type compiler struct {
	version sql.Version
	v2      bool
	reads   keySet // what the compiled expressions read of the payload
}

func newCompiler(v sql.Version) *compiler {
	if v == "" {
		v = sql.V20151008
	}
	return &compiler{version: v, v2: v != sql.V20151008}
}

// errorAt is a compile error in the shape of the parser's: AWS reports
// them all as SqlParseException.
func errorAt(pos sql.Pos, format string, args ...any) error {
	return &sql.ParseError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (cp *compiler) expr(e sql.Expr) (node, error) {
	switch e := e.(type) {
	case *sql.IntLit:
		return cp.number(e.Raw, true, e.At)
	case *sql.DecimalLit:
		return cp.number(e.Raw, false, e.At)
	case *sql.StringLit:
		return &constNode{String(e.Value)}, nil
	case *sql.BoolLit:
		return &constNode{Bool(e.Value)}, nil
	case *sql.NullLit:
		return &constNode{Null}, nil
	case *sql.Star:
		cp.reads = keySet{whole: true}
		return starNode{}, nil
	case *sql.Ident:
		cp.reads.add(e.Name)
		return &identNode{e.Name}, nil
	case *sql.Var:
		return &varNode{e.Name}, nil
	case *sql.Field:
		x, err := cp.expr(e.X)
		return &fieldNode{x, e.Name}, err
	case *sql.Index:
		return cp.index(e)
	case *sql.Unary:
		return cp.unary(e)
	case *sql.Binary:
		return cp.binary(e)
	case *sql.Call:
		return cp.call(e)
	case *sql.Cast:
		x, err := cp.expr(e.X)
		return &castNode{x, e.Kind}, err
	case *sql.Case:
		return cp.caseExpr(e)
	case *sql.ArrayLit:
		elems, err := cp.exprs(e.Elems)
		return &arrayNode{elems}, err
	case *sql.ObjectLit:
		return cp.object(e)
	case *sql.Subquery:
		return cp.subquery(e)
	case nil:
		return nil, errorAt(sql.Pos{}, "missing expression")
	}
	return nil, errorAt(e.Pos(), "unsupported expression %s", e.String())
}

func (cp *compiler) exprs(es []sql.Expr) ([]node, error) {
	out := make([]node, len(es))
	for i, e := range es {
		n, err := cp.expr(e)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

func (cp *compiler) number(raw string, isInt bool, pos sql.Pos) (node, error) {
	v, err := numberValue(raw, isInt, cp.v2)
	if err != nil {
		return nil, errorAt(pos, "invalid number %s", raw)
	}
	return &constNode{v}, nil
}

func (cp *compiler) index(e *sql.Index) (node, error) {
	x, err := cp.expr(e.X)
	if err != nil {
		return nil, err
	}
	i, err := cp.expr(e.Index)
	return &indexNode{x, i}, err
}

// unary folds a minus before a number literal into the literal, so -5.0
// keeps its text.
func (cp *compiler) unary(e *sql.Unary) (node, error) {
	if e.Op == sql.OpNeg {
		switch x := e.X.(type) {
		case *sql.IntLit:
			return cp.number("-"+x.Raw, true, x.At)
		case *sql.DecimalLit:
			return cp.number("-"+x.Raw, false, x.At)
		}
	}
	x, err := cp.expr(e.X)
	return &unaryNode{e.Op, x}, err
}

// call resolves a function. An unknown name, or a 2016-03-23 function in
// a 2015-10-08 rule (spec §8.7), is a compile error; a wrong number of
// arguments is Undefined at run time, as AWS documents.
func (cp *compiler) call(e *sql.Call) (node, error) {
	name := strings.ToLower(e.Name)
	def, ok := lookupFunc(name)
	if !ok {
		return nil, errorAt(e.At, "unknown function %s", e.Name)
	}
	if def.v2 && !cp.v2 {
		return nil, errorAt(e.At, "function %s needs SQL version %s", e.Name, sql.V20160323)
	}
	args, err := cp.exprs(e.Args)
	if err != nil {
		return nil, err
	}
	if name == "encode" && len(e.Args) > 0 {
		if _, star := e.Args[0].(*sql.Star); star {
			args[0] = rawStarNode{}
		}
	}
	return &callNode{name: name, def: def, args: args}, nil
}

func (cp *compiler) caseExpr(e *sql.Case) (node, error) {
	n := &caseNode{}
	var err error
	if e.Operand != nil {
		if n.operand, err = cp.expr(e.Operand); err != nil {
			return nil, err
		}
	}
	for _, w := range e.Whens {
		cond, err := cp.expr(w.Cond)
		if err != nil {
			return nil, err
		}
		res, err := cp.expr(w.Result)
		if err != nil {
			return nil, err
		}
		n.whens, n.thens = append(n.whens, cond), append(n.thens, res)
	}
	if e.Else != nil {
		if n.els, err = cp.expr(e.Else); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (cp *compiler) object(e *sql.ObjectLit) (node, error) {
	n := &objectNode{}
	for _, f := range e.Fields {
		v, err := cp.expr(f.Value)
		if err != nil {
			return nil, err
		}
		n.keys, n.elems = append(n.keys, f.Key), append(n.elems, v)
	}
	return n, nil
}
