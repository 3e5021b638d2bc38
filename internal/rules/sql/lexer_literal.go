package sql

import "strings"

// number reads an Int (`34`) or a Decimal (`2.745`, `5E-12`, `1.5e+3`)
// (spec §3). A sign is never part of the literal: `-` is unary minus.
func (l *lexer) number(start Pos) (token, error) {
	l.digits()
	kind := tokInt
	if l.peekByte(0) == '.' && isDigit(l.peekByte(1)) {
		l.advance()
		l.digits()
		kind = tokDecimal
	}
	if c := l.peekByte(0); c == 'e' || c == 'E' {
		k := 1
		if s := l.peekByte(1); s == '+' || s == '-' {
			k = 2
		}
		if !isDigit(l.peekByte(k)) {
			return token{}, errAt(start, "Invalid number %s: the exponent has no digits", quoteRaw(l.src[start.Offset:l.off+k]))
		}
		for ; k > 0; k-- {
			l.advance()
		}
		l.digits()
		kind = tokDecimal
	}
	if isIdentChar(l.peekByte(0)) {
		return token{}, errAt(start, "Invalid number %s", quoteRaw(l.src[start.Offset:l.off+1]))
	}
	raw := l.src[start.Offset:l.off]
	return token{Kind: kind, Raw: raw, Val: raw, Pos: start}, nil
}

func (l *lexer) digits() {
	for isDigit(l.peekByte(0)) {
		l.advance()
	}
}

// str reads a string literal quoted with q (' or "; both are strings, spec
// §3). Escapes (undocumented by AWS, spec §13): a doubled quote stands for
// itself; \' \" \\ \/ stand for the character; \n \t \r for the control
// character; any other backslash is kept as written, so regular expressions
// such as '\d+' need no doubling.
func (l *lexer) str(start Pos, q byte) (token, error) {
	l.advance()
	var b strings.Builder
	for {
		if l.off >= len(l.src) {
			return token{}, errAt(start, "Unterminated string literal: expected a closing %c before the end of input", q)
		}
		c := l.src[l.off]
		switch {
		case c == q && l.peekByte(1) == q:
			b.WriteByte(q)
			l.advance()
			l.advance()
		case c == q:
			l.advance()
			return token{Kind: tokString, Raw: l.src[start.Offset:l.off], Val: b.String(), Pos: start}, nil
		case c == '\\':
			l.escape(&b)
		default:
			b.WriteByte(c)
			l.off++ // multi-byte runes: columns are fixed up below
			l.fixCol(c)
		}
	}
}

// fixCol accounts for byte c just consumed by str: a newline starts a line,
// a UTF-8 continuation byte is not a column.
func (l *lexer) fixCol(c byte) {
	switch {
	case c == '\n':
		l.line++
		l.col = 1
	case c&0xC0 != 0x80:
		l.col++
	}
}

// escape reads one backslash sequence into b.
func (l *lexer) escape(b *strings.Builder) {
	e := l.peekByte(1)
	switch e {
	case '\'', '"', '\\', '/':
		b.WriteByte(e)
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	default:
		b.WriteByte('\\')
		l.advance()
		return
	}
	l.advance()
	l.advance()
}

// punct reads an operator or punctuation token.
func (l *lexer) punct(start Pos, c byte) (token, error) {
	n := 1
	switch c {
	case '(', '[', '{', ')', ']', '}', ',', '.', ':', '*', '/', '%', '+', '-', '=':
	case '<':
		if d := l.peekByte(1); d == '>' || d == '=' {
			n = 2
		}
	case '>':
		if l.peekByte(1) == '=' {
			n = 2
		}
	case '!':
		return token{}, errAt(start, "Unexpected character '!' (use <> for not equal, NOT for negation)")
	default:
		return token{}, errAt(start, "Unexpected character %s", l.describeHere())
	}
	for i := 0; i < n; i++ {
		l.advance()
	}
	raw := l.src[start.Offset:l.off]
	return token{Kind: tokPunct, Raw: raw, Val: raw, Pos: start}, nil
}
