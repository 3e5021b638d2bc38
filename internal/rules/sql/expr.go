package sql

// expr parses an expression whose binary operators bind at least as tightly
// as minPrec (Pratt parsing; levels in op.go, spec §4, §7). Binary operators
// are left-associative; comparisons do not chain (spec §4 cmp_expr).
func (p *parser) expr(minPrec int) (Expr, error) {
	left, err := p.prefix(minPrec)
	if err != nil {
		return nil, err
	}
	for {
		t, err := p.peek(0)
		if err != nil {
			return nil, err
		}
		op := binaryOp(t)
		if op == 0 || op.prec() < minPrec {
			return left, nil
		}
		if left, err = p.binary(left, op); err != nil {
			return nil, err
		}
	}
}

// binary parses the right operand of op, whose token is next.
func (p *parser) binary(left Expr, op Op) (Expr, error) {
	t, _ := p.next()
	right, err := p.expr(op.prec() + 1)
	if err != nil {
		return nil, err
	}
	if op.prec() == precCmp {
		if nt, err := p.peek(0); err != nil {
			return nil, err
		} else if binaryOp(nt).prec() == precCmp {
			return nil, errAt(nt.Pos, "Comparisons do not chain: expected AND, OR or the end of the expression but found %s", describe(nt))
		}
	}
	return &Binary{Op: op, L: left, R: right, At: t.Pos}, nil
}

// binaryOp returns the binary operator t stands for, or 0.
func binaryOp(t token) Op {
	switch t.Kind {
	case tokWord:
		switch {
		case t.isWord("OR"):
			return OpOr
		case t.isWord("AND"):
			return OpAnd
		}
	case tokPunct:
		return punctOps[t.Raw]
	}
	return 0
}

var punctOps = map[string]Op{
	"=": OpEq, "<>": OpNe, "<": OpLt, "<=": OpLe, ">": OpGt, ">=": OpGe,
	"+": OpAdd, "-": OpSub, "*": OpMul, "/": OpDiv, "%": OpMod,
}

// prefix parses NOT x, -x, or a primary with its postfixes. NOT is only
// allowed where a NOT expression may stand (spec §4 not_expr): not as the
// operand of a comparison or arithmetic operator.
func (p *parser) prefix(minPrec int) (Expr, error) {
	t, err := p.peek(0)
	if err != nil {
		return nil, err
	}
	switch {
	case t.isWord("NOT"):
		if minPrec > precNot {
			return nil, errAt(t.Pos, "Expected an operand but found 'NOT': write (NOT ...) in parentheses")
		}
		p.next()
		x, err := p.expr(precNot)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: OpNot, X: x, At: t.Pos}, nil
	case t.is("-"):
		p.next()
		x, err := p.expr(precUnary)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: OpNeg, X: x, At: t.Pos}, nil
	}
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	return p.postfix(x)
}

// postfix parses `.name` and `[index]` after a value (spec §4 postfix).
// A field name may be any word, keywords included (`state.value`).
func (p *parser) postfix(x Expr) (Expr, error) {
	for {
		t, err := p.peek(0)
		if err != nil {
			return nil, err
		}
		switch {
		case t.is("."):
			p.next()
			name, err := p.next()
			if err != nil {
				return nil, err
			}
			if name.Kind != tokWord {
				return nil, errAt(name.Pos, "Expected a field name after '.' but found %s", describe(name))
			}
			x = &Field{X: x, Name: name.Val, At: x.Pos()}
		case t.is("["):
			if x, err = p.index(x); err != nil {
				return nil, err
			}
		default:
			return x, nil
		}
	}
}

// index parses `[expr]` after x.
func (p *parser) index(x Expr) (Expr, error) {
	p.next()
	i, err := p.expr(precLowest)
	if err != nil {
		return nil, err
	}
	if _, err := p.expect("]"); err != nil {
		return nil, err
	}
	return &Index{X: x, Index: i, At: x.Pos()}, nil
}
