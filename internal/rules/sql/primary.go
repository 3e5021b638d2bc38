package sql

// primary parses a literal, path start, variable, call, cast, CASE,
// parenthesized expression or nested SELECT, array or object literal
// (spec §4 primary).
func (p *parser) primary() (Expr, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	switch t.Kind {
	case tokInt:
		return &IntLit{Raw: t.Val, At: t.Pos}, nil
	case tokDecimal:
		return &DecimalLit{Raw: t.Val, At: t.Pos}, nil
	case tokString:
		return &StringLit{Value: t.Val, At: t.Pos}, nil
	case tokVar:
		if err := p.need2016(t.Pos, "A variable (@name)"); err != nil {
			return nil, err
		}
		return &Var{Name: t.Val, At: t.Pos}, nil
	case tokWord:
		return p.wordPrimary(t)
	}
	switch {
	case t.is("*"):
		return &Star{At: t.Pos}, nil
	case t.is("("):
		return p.paren(t)
	case t.is("["):
		return p.arrayLit(t)
	case t.is("{"):
		return p.objectLit(t)
	}
	return nil, errAt(t.Pos, "Expected an expression but found %s", describe(t))
}

// wordPrimary parses a primary that starts with word t.
func (p *parser) wordPrimary(t token) (Expr, error) {
	switch {
	case t.isWord("TRUE"), t.isWord("FALSE"):
		return &BoolLit{Value: t.isWord("TRUE"), At: t.Pos}, nil
	case t.isWord("NULL"):
		return &NullLit{At: t.Pos}, nil
	case t.isWord("CASE"):
		return p.caseExpr(t)
	case isReserved(t.Val):
		return nil, errAt(t.Pos, "Expected an expression but found %s", describe(t))
	}
	open, err := p.peek(0)
	if err != nil || !open.is("(") {
		return &Ident{Name: t.Val, At: t.Pos}, err
	}
	p.next()
	if t.isWord("CAST") {
		return p.cast(t)
	}
	return p.call(t)
}

// call parses the arguments of function t after its '('. An argument may be
// `*` or a bare nested SELECT (spec §4 func_call).
func (p *parser) call(t token) (Expr, error) {
	c := &Call{Name: t.Val, At: t.Pos}
	if ok, err := p.accept(")"); err != nil || ok {
		return c, err
	}
	for {
		a, err := p.arg()
		if err != nil {
			return nil, err
		}
		c.Args = append(c.Args, a)
		sep, err := p.next()
		if err != nil {
			return nil, err
		}
		if sep.is(")") {
			return c, nil
		}
		if !sep.is(",") {
			return nil, errAt(sep.Pos, "Expected ',' or ')' in the arguments of %s but found %s", t.Val, describe(sep))
		}
	}
}

// arg parses one function argument: an expression or a bare nested SELECT.
func (p *parser) arg() (Expr, error) {
	t, err := p.peek(0)
	if err != nil {
		return nil, err
	}
	if t.isWord("SELECT") {
		return p.subquery()
	}
	return p.expr(precLowest)
}

// paren parses `( expr )` or `( SELECT ... )` after the '(' token open.
func (p *parser) paren(open token) (Expr, error) {
	e, err := p.arg()
	if err != nil {
		return nil, err
	}
	if t, err := p.next(); err != nil {
		return nil, err
	} else if !t.is(")") {
		return nil, errAt(t.Pos, "Expected ')' to close the '(' at %d:%d but found %s", open.Pos.Line, open.Pos.Col, describe(t))
	}
	return e, nil
}

// subquery parses a nested `SELECT [VALUE] items FROM path [WHERE expr]`
// (2016-03-23, spec §4 nested_select, §5).
func (p *parser) subquery() (Expr, error) {
	kw, _ := p.peek(0)
	if err := p.need2016(kw.Pos, "A nested SELECT"); err != nil {
		return nil, err
	}
	sel, err := p.selectClause("SELECT")
	if err != nil {
		return nil, err
	}
	q := &Subquery{Select: sel, At: kw.Pos}
	if q.From, err = p.subqueryFrom(); err != nil {
		return nil, err
	}
	if q.Where, err = p.whereClause(); err != nil {
		return nil, err
	}
	return q, nil
}

// subqueryFrom parses `FROM path` of a nested SELECT: a path rooted at a
// name, `*` or a variable.
func (p *parser) subqueryFrom() (Expr, error) {
	kw, err := p.next()
	if err != nil {
		return nil, err
	}
	if !kw.isWord("FROM") {
		return nil, errAt(kw.Pos, "Expected ',' or FROM in the nested SELECT but found %s", describe(kw))
	}
	t, err := p.peek(0)
	if err != nil {
		return nil, err
	}
	if !(t.Kind == tokWord && !isReserved(t.Val)) && !t.is("*") && t.Kind != tokVar {
		return nil, errAt(t.Pos, "Expected a path (name, name.name or *) after FROM in the nested SELECT but found %s", describe(t))
	}
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	if _, ok := x.(*Call); ok {
		return nil, errAt(t.Pos, "Expected a path (name, name.name or *) after FROM in the nested SELECT but found a function call")
	}
	return p.postfix(x)
}
