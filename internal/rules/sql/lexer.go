package sql

import (
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token (spec §3).
type tokKind int

const (
	tokEOF     tokKind = iota
	tokWord            // identifier or keyword; keywords are told apart by the parser
	tokInt             // 34
	tokDecimal         // 2.745, 5E-12
	tokString          // 'abc' or "abc"
	tokVar             // @name
	tokTopic           // an unquoted FROM topic filter (lenient, spec §13 item 13)
	tokPunct           // operators and punctuation: ( ) [ ] { } , . : * / % + - = <> < <= > >=
)

// token is one lexical token. Raw is the source text; Val is the identifier,
// the number, the string value with escapes resolved, or the variable name.
type token struct {
	Kind tokKind
	Raw  string
	Val  string
	Pos  Pos
}

// is reports whether t is the punctuation p.
func (t token) is(p string) bool { return t.Kind == tokPunct && t.Raw == p }

// isWord reports whether t is the word w, compared case-insensitively.
func (t token) isWord(w string) bool { return t.Kind == tokWord && strings.EqualFold(t.Raw, w) }

// lexer splits SQL text into tokens. It is pulled by the parser one token at
// a time so that an unquoted FROM filter can be read in its own mode
// (nextFilter).
type lexer struct {
	src  string
	off  int
	line int
	col  int
}

func newLexer(src string) *lexer { return &lexer{src: src, line: 1, col: 1} }

// pos returns the current position.
func (l *lexer) pos() Pos { return Pos{Offset: l.off, Line: l.line, Col: l.col} }

// peekByte returns the byte at offset k from the current one, or 0 past the end.
func (l *lexer) peekByte(k int) byte {
	if l.off+k < len(l.src) {
		return l.src[l.off+k]
	}
	return 0
}

// advance moves past one character, keeping line and column.
func (l *lexer) advance() {
	if l.off >= len(l.src) {
		return
	}
	r, n := utf8.DecodeRuneInString(l.src[l.off:])
	l.off += n
	if r == '\n' {
		l.line++
		l.col = 1
		return
	}
	l.col++
}

// skipSpace skips whitespace; comments are not part of AWS IoT SQL (spec §3).
func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		switch l.src[l.off] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			l.advance()
		default:
			return
		}
	}
}

// next returns the next token, or a *ParseError for text that is no token.
func (l *lexer) next() (token, error) {
	l.skipSpace()
	start := l.pos()
	if l.off >= len(l.src) {
		return token{Kind: tokEOF, Pos: start}, nil
	}
	c := l.src[l.off]
	switch {
	case isIdentStart(c):
		return l.word(start), nil
	case isDigit(c):
		return l.number(start)
	case c == '\'' || c == '"':
		return l.str(start, c)
	case c == '@':
		return l.variable(start)
	}
	return l.punct(start, c)
}

// nextFilter returns the token after a statement's FROM: a string, or an
// unquoted topic filter running to the next space (spec §13 item 13).
func (l *lexer) nextFilter() (token, error) {
	l.skipSpace()
	if c := l.peekByte(0); c == 0 || c == '\'' || c == '"' {
		return l.next()
	}
	start := l.pos()
	for l.off < len(l.src) && !isSpace(l.src[l.off]) {
		l.advance()
	}
	raw := l.src[start.Offset:l.off]
	return token{Kind: tokTopic, Raw: raw, Val: raw, Pos: start}, nil
}

// word reads an identifier or keyword: [A-Za-z_][A-Za-z0-9_]* (spec §3).
func (l *lexer) word(start Pos) token {
	for l.off < len(l.src) && isIdentChar(l.src[l.off]) {
		l.advance()
	}
	raw := l.src[start.Offset:l.off]
	return token{Kind: tokWord, Raw: raw, Val: raw, Pos: start}
}

// variable reads `@name` (spec §3: letters, digits, underscore; at most 64).
func (l *lexer) variable(start Pos) (token, error) {
	l.advance()
	if !isIdentStart(l.peekByte(0)) {
		return token{}, errAt(l.pos(), "Expected a variable name after '@' but found %s", l.describeHere())
	}
	name := l.word(l.pos()).Raw
	if len(name) > maxVarName {
		return token{}, errAt(start, "Variable name @%s is longer than %d characters", name, maxVarName)
	}
	return token{Kind: tokVar, Raw: "@" + name, Val: name, Pos: start}, nil
}

// maxVarName is the longest SET variable name AWS allows (spec §3).
const maxVarName = 64

// describeHere names the character at the current offset for an error message.
func (l *lexer) describeHere() string {
	if l.off >= len(l.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.off:])
	return quoteRaw(string(r))
}

func isIdentStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
