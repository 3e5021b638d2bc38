package sql

import "strings"

// Parse parses one rule query in SQL version v (spec §4):
//
//	[SET @v = expr, ...] SELECT [VALUE] items [FROM 'filter'] [WHERE expr]
//
// v "" means 2015-10-08 (the API default, spec §1.1); "beta" is read as
// 2016-03-23. Constructs of 2016-03-23 (SET, nested SELECT, array and object
// literals, @variables, cast to Decimal/Bool) are errors in 2015-10-08
// (spec §8.7). The error, if any, is a *ParseError naming the position of the
// offending token.
func Parse(src string, v Version) (*Statement, error) {
	p, err := newParser(src, v)
	if err != nil {
		return nil, err
	}
	st, err := p.statement()
	if err != nil {
		return nil, err
	}
	return st, nil
}

// ParseExpr parses a single expression, as found in a substitution template
// ${...} (spec §9), with the same rules as Parse. The error, if any, is a
// *ParseError.
func ParseExpr(src string, v Version) (Expr, error) {
	p, err := newParser(src, v)
	if err != nil {
		return nil, err
	}
	e, err := p.expr(precLowest)
	if err != nil {
		return nil, err
	}
	if err := p.expectEOF("an operator or end of input"); err != nil {
		return nil, err
	}
	return e, nil
}

// MustParse is Parse for tests and literals: it panics on error.
func MustParse(src string, v Version) *Statement {
	st, err := Parse(src, v)
	if err != nil {
		panic(err)
	}
	return st
}

// Is2016 reports whether v has the 2016-03-23 features (spec §8.7): true for
// 2016-03-23 and beta.
func (v Version) Is2016() bool { return v == V20160323 || v == VBeta }

// parser is a recursive-descent parser with Pratt expression parsing over a
// pull lexer.
type parser struct {
	lex  *lexer
	v    Version
	buf  []token // look-ahead
	last token   // the token most recently consumed
}

func newParser(src string, v Version) (*parser, error) {
	switch v {
	case "":
		v = V20151008
	case V20151008, V20160323, VBeta:
	default:
		return nil, errAt(Pos{Line: 1, Col: 1}, "Unsupported SQL version %q: expected %s or %s", string(v), V20151008, V20160323)
	}
	return &parser{lex: newLexer(src), v: v}, nil
}

// peek returns the token k places ahead (0 = the next one).
func (p *parser) peek(k int) (token, error) {
	for len(p.buf) <= k {
		t, err := p.lex.next()
		if err != nil {
			return token{}, err
		}
		p.buf = append(p.buf, t)
	}
	return p.buf[k], nil
}

// next consumes and returns the next token.
func (p *parser) next() (token, error) {
	t, err := p.peek(0)
	if err != nil {
		return t, err
	}
	p.buf = p.buf[1:]
	p.last = t
	return t, nil
}

// accept consumes the next token if it is the punctuation s.
func (p *parser) accept(s string) (bool, error) {
	t, err := p.peek(0)
	if err != nil || !t.is(s) {
		return false, err
	}
	_, err = p.next()
	return true, err
}

// acceptWord consumes the next token if it is the keyword w.
func (p *parser) acceptWord(w string) (bool, error) {
	t, err := p.peek(0)
	if err != nil || !t.isWord(w) {
		return false, err
	}
	_, err = p.next()
	return true, err
}

// expect consumes the punctuation s or fails naming what was found.
func (p *parser) expect(s string) (token, error) {
	t, err := p.next()
	if err != nil {
		return t, err
	}
	if !t.is(s) {
		return t, errAt(t.Pos, "Expected '%s' but found %s", s, describe(t))
	}
	return t, nil
}

// expectEOF fails unless all input has been consumed; want names what could
// have come instead.
func (p *parser) expectEOF(want string) error {
	t, err := p.peek(0)
	if err != nil {
		return err
	}
	if t.Kind != tokEOF {
		return errAt(t.Pos, "Expected %s but found %s", want, describe(t))
	}
	return nil
}

// need2016 fails when the rule's version lacks a 2016-03-23 construct (spec §8.7).
func (p *parser) need2016(at Pos, what string) error {
	if p.v.Is2016() {
		return nil
	}
	return errAt(at, "%s requires SQL version %s; this rule uses %s", what, V20160323, p.v)
}

// reserved are the keywords that cannot be identifiers (spec §3). SET,
// VALUE and CAST are only keywords where they introduce their construct.
var reserved = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AS": true, "CASE": true, "WHEN": true,
	"THEN": true, "ELSE": true, "END": true, "AND": true, "OR": true, "NOT": true,
	"NULL": true, "TRUE": true, "FALSE": true,
}

// isReserved reports whether word w is a reserved keyword.
func isReserved(w string) bool { return reserved[strings.ToUpper(w)] }
