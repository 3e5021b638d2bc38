package sql

import "strings"

// cast parses `cast(expr AS type)` after `cast(` (spec §6.3).
func (p *parser) cast(kw token) (Expr, error) {
	x, err := p.expr(precLowest)
	if err != nil {
		return nil, err
	}
	if as, err := p.next(); err != nil {
		return nil, err
	} else if !as.isWord("AS") {
		return nil, errAt(as.Pos, "Expected AS in cast(value AS type) but found %s", describe(as))
	}
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	kind, err := p.castKind(t)
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(")"); err != nil {
		return nil, err
	}
	return &Cast{X: x, Type: t.Val, Kind: kind, At: kw.Pos}, nil
}

// castTypes maps the type names of spec §6.3 (upper case) to their kind.
var castTypes = map[string]CastKind{
	"STRING": CastString, "NVARCHAR": CastString, "TEXT": CastString, "NTEXT": CastString,
	"VARCHAR": CastString, "INT": CastInt, "INTEGER": CastInt, "DOUBLE": CastDouble,
	"DECIMAL": CastDecimal, "BOOL": CastBool, "BOOLEAN": CastBool,
}

// castKind resolves the type name t; Decimal and Bool are 2016-03-23 only.
func (p *parser) castKind(t token) (CastKind, error) {
	kind, ok := castTypes[strings.ToUpper(t.Val)]
	if t.Kind != tokWord || !ok {
		return 0, errAt(t.Pos, "Expected a type (String, Int, Integer, Double, Decimal, Bool, Boolean, Nvarchar, Text, Ntext, varchar) in cast but found %s", describe(t))
	}
	if kind == CastDecimal || kind == CastBool {
		if err := p.need2016(t.Pos, "cast to "+t.Val); err != nil {
			return 0, err
		}
	}
	return kind, nil
}

// caseExpr parses CASE after its keyword (spec §4 case_expr): the simple
// form `CASE v WHEN x THEN r ... [ELSE e] END`, or the searched form
// `CASE WHEN cond THEN r ... END` (an hob extension, spec §13).
func (p *parser) caseExpr(kw token) (Expr, error) {
	c := &Case{At: kw.Pos}
	t, err := p.peek(0)
	if err != nil {
		return nil, err
	}
	if !t.isWord("WHEN") {
		if c.Operand, err = p.expr(precLowest); err != nil {
			return nil, err
		}
	}
	if c.Whens, err = p.whens(); err != nil {
		return nil, err
	}
	if ok, err := p.acceptWord("ELSE"); err != nil {
		return nil, err
	} else if ok {
		if c.Else, err = p.expr(precLowest); err != nil {
			return nil, err
		}
	}
	end, err := p.next()
	if err != nil {
		return nil, err
	}
	if !end.isWord("END") {
		return nil, errAt(end.Pos, "Expected WHEN, ELSE or END in CASE but found %s", describe(end))
	}
	return c, nil
}

// whens parses one or more `WHEN x THEN r` arms.
func (p *parser) whens() ([]*When, error) {
	var out []*When
	for {
		t, err := p.peek(0)
		if err != nil {
			return nil, err
		}
		if !t.isWord("WHEN") {
			if len(out) == 0 {
				return nil, errAt(t.Pos, "Expected WHEN in CASE but found %s", describe(t))
			}
			return out, nil
		}
		p.next()
		w := &When{}
		if w.Cond, err = p.expr(precLowest); err != nil {
			return nil, err
		}
		if then, err := p.next(); err != nil {
			return nil, err
		} else if !then.isWord("THEN") {
			return nil, errAt(then.Pos, "Expected THEN in CASE but found %s", describe(then))
		}
		if w.Result, err = p.expr(precLowest); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
}

// arrayLit parses `[e, ...]` after '[' (2016-03-23, spec §4 array_lit).
func (p *parser) arrayLit(open token) (Expr, error) {
	if err := p.need2016(open.Pos, "An array literal [...]"); err != nil {
		return nil, err
	}
	a := &ArrayLit{At: open.Pos}
	err := p.list("]", "array literal", func() error {
		e, err := p.expr(precLowest)
		a.Elems = append(a.Elems, e)
		return err
	})
	return a, err
}

// objectLit parses `{'k': e, ...}` after '{' (2016-03-23, spec §4 object_lit).
func (p *parser) objectLit(open token) (Expr, error) {
	if err := p.need2016(open.Pos, "An object literal {...}"); err != nil {
		return nil, err
	}
	o := &ObjectLit{At: open.Pos}
	err := p.list("}", "object literal", func() error {
		k, err := p.next()
		if err != nil {
			return err
		}
		if k.Kind != tokString {
			return errAt(k.Pos, "Expected a quoted key in the object literal but found %s", describe(k))
		}
		if _, err := p.expect(":"); err != nil {
			return err
		}
		v, err := p.expr(precLowest)
		o.Fields = append(o.Fields, &ObjectField{Key: k.Val, Value: v})
		return err
	})
	return o, err
}

// list parses `[item {, item}] close` with item parsing one element.
func (p *parser) list(close, what string, item func() error) error {
	if ok, err := p.accept(close); err != nil || ok {
		return err
	}
	for {
		if err := item(); err != nil {
			return err
		}
		sep, err := p.next()
		if err != nil {
			return err
		}
		if sep.is(close) {
			return nil
		}
		if !sep.is(",") {
			return errAt(sep.Pos, "Expected ',' or '%s' in the %s but found %s", close, what, describe(sep))
		}
	}
}
