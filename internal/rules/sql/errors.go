package sql

import (
	"fmt"
	"strconv"
)

// ParseError is AWS's SqlParseException (spec §1.2): the SQL could not be
// parsed. Pos is the offending token; Msg says what was expected and what was
// found ("Expected an expression but found 'FROM'").
type ParseError struct {
	Pos Pos
	Msg string
}

// Error formats the error as "Line L:C: Msg", the position first.
func (e *ParseError) Error() string {
	return fmt.Sprintf("Line %d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
}

// errAt returns a *ParseError at p.
func errAt(p Pos, format string, args ...any) *ParseError {
	return &ParseError{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// quoteRaw quotes source text for an error message: 'text'.
func quoteRaw(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	q := strconv.Quote(s)
	return "'" + q[1:len(q)-1] + "'"
}

// describe names a token for an error message: 'FROM', string 'abc', end of input.
func describe(t token) string {
	switch t.Kind {
	case tokEOF:
		return "end of input"
	case tokString:
		return "string " + t.Raw
	case tokInt, tokDecimal:
		return "number " + t.Raw
	}
	return quoteRaw(t.Raw)
}
