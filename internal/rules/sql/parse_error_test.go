package sql

import (
	"errors"
	"strings"
	"testing"
)

// badCases are statements that must fail, with the position (line:col) and
// a part of the message.
var badCases = []struct {
	src  string
	v    Version
	pos  string // line:col
	want string
}{
	// structure
	{"", v15, "1:1", "Expected SET or SELECT but found end of input"},
	{"FROM 't'", v15, "1:1", "Expected SET or SELECT but found 'FROM'"},
	{"SELECT FROM 't'", v15, "1:8", "Expected an expression but found 'FROM'"},
	{"SELECT a, FROM 't'", v15, "1:11", "Expected an expression but found 'FROM'"},
	{"SELECT a FROM", v15, "1:14", "Expected a topic filter (a quoted string) after FROM but found end of input"},
	{"SELECT a FROM 't' WHERE", v15, "1:24", "Expected an expression but found end of input"},
	{"SELECT a b FROM 't'", v15, "1:10", "Expected ',', FROM, WHERE or end of input but found 'b'"},
	{"SELECT a FROM 't' x", v15, "1:19", "Expected end of input but found 'x'"},
	{"SELECT a FROM 't' WHERE b c", v15, "1:27", "Expected end of input but found 'c'"},
	{"SELECT a AS FROM 't'", v15, "1:18", "Expected ',', FROM, WHERE or end of input but found string 't'"},
	{"SELECT a AS 'x' FROM 't'", v15, "1:13", "Expected an alias name after AS but found string 'x'"},
	{"SELECT a AS b.'x' FROM 't'", v16, "1:15", "Expected an alias name after AS but found string 'x'"},
	{"SELECT VALUE a, b FROM 't'", v15, "1:15", "SELECT VALUE takes exactly one expression but found ','"},
	{"SELECT VALUE a AS b FROM 't'", v15, "1:16", "SELECT VALUE takes no alias"},
	{"SELECT a\nFROM 't'\nWHERE (b = 1", v15, "3:13", "Expected ')' to close the '(' at 3:7 but found end of input"},
	// topic filter
	{"SELECT a FROM ''", v15, "1:15", "Invalid topic filter '': it is empty"},
	{"SELECT a FROM 'a/#/b'", v15, "1:15", "'#' must be the whole last level"},
	{"SELECT a FROM 'a/b+'", v15, "1:15", "'+' must be a whole level"},
	{"SELECT a FROM WHERE b", v15, "1:15", "Expected a topic filter (a quoted string) after FROM but found 'WHERE'"},
	{"SELECT a FROM a/#/b", v15, "1:15", "Invalid topic filter 'a/#/b'"},
	// lexical (spec §3)
	{"SELECT 'abc FROM 't'", v15, "1:19", "Expected ',', FROM, WHERE or end of input but found 't'"},
	{"SELECT 'abc", v15, "1:8", "Unterminated string literal"},
	{"SELECT a != b", v15, "1:10", "Unexpected character '!' (use <> for not equal"},
	{"SELECT a # b", v15, "1:10", "Unexpected character '#'"},
	{"SELECT 'é' + ü", v15, "1:14", "Unexpected character 'ü'"},
	{"SELECT 5x", v15, "1:8", "Invalid number '5x'"},
	{"SELECT 5e+ FROM 't'", v15, "1:8", "Invalid number '5e+': the exponent has no digits"},
	{"SELECT a /* comment */\nFROM 't'", v15, "1:13", "Expected ',', FROM, WHERE or end of input but found 'comment'"},
	{"SET @ = 1 SELECT a", v16, "1:6", "Expected a variable name after '@' but found ' '"},
	{"SET @" + strings.Repeat("x", 65) + " = 1 SELECT a", v16, "1:5", "longer than 64 characters"},
	// expressions
	{"SELECT a = b = c FROM 't'", v15, "1:14", "Comparisons do not chain"},
	{"SELECT a < b > c FROM 't'", v15, "1:14", "Comparisons do not chain"},
	{"SELECT a = NOT b FROM 't'", v15, "1:12", "Expected an operand but found 'NOT'"},
	{"SELECT 1 + FROM 't'", v15, "1:12", "Expected an expression but found 'FROM'"},
	{"SELECT a.'b' FROM 't'", v15, "1:10", "Expected a field name after '.' but found string 'b'"},
	{"SELECT a.5 FROM 't'", v15, "1:10", "Expected a field name after '.' but found number 5"},
	{"SELECT f(a b) FROM 't'", v15, "1:12", "Expected ',' or ')' in the arguments of f but found 'b'"},
	{"SELECT f(a, ) FROM 't'", v15, "1:13", "Expected an expression but found ')'"},
	{"SELECT a[1 FROM 't'", v15, "1:12", "Expected ']' but found 'FROM'"},
	{"SELECT cast(a) FROM 't'", v15, "1:14", "Expected AS in cast(value AS type) but found ')'"},
	{"SELECT cast(a AS float) FROM 't'", v15, "1:18", "Expected a type (String, Int"},
	{"SELECT cast(a AS Int FROM 't'", v15, "1:22", "Expected ')' but found 'FROM'"},
	{"SELECT CASE a END FROM 't'", v15, "1:15", "Expected WHEN in CASE but found 'END'"},
	{"SELECT CASE a WHEN 1 2 END FROM 't'", v15, "1:22", "Expected THEN in CASE but found number 2"},
	{"SELECT CASE a WHEN 1 THEN 2 FROM 't'", v15, "1:29", "Expected WHEN, ELSE or END in CASE but found 'FROM'"},
	{"SELECT [1 2] FROM 't'", v16, "1:11", "Expected ',' or ']' in the array literal but found number 2"},
	{"SELECT {a: 1} FROM 't'", v16, "1:9", "Expected a quoted key in the object literal but found 'a'"},
	{"SELECT {'a' 1} FROM 't'", v16, "1:13", "Expected ':' but found number 1"},
	{"SELECT (SELECT a) FROM 't'", v16, "1:17", "Expected ',' or FROM in the nested SELECT but found ')'"},
	{"SELECT (SELECT a FROM 'x') FROM 't'", v16, "1:23", "Expected a path (name, name.name or *) after FROM in the nested SELECT but found string 'x'"},
	{"SELECT (SELECT a FROM f(x)) FROM 't'", v16, "1:23", "found a function call"},
	{"SELECT SELECT a FROM b FROM 't'", v16, "1:8", "Expected an expression but found 'SELECT'"},
	{"SET a = 1 SELECT b", v16, "1:5", "Expected a variable (@name) in SET but found 'a'"},
	{"SET @a = 1", v16, "1:11", "Expected ',' or SELECT but found end of input"},
	// version gating (spec §8.7)
	{"SET @a = 1 SELECT @a FROM 't'", v15, "1:1", "The SET clause requires SQL version 2016-03-23; this rule uses 2015-10-08"},
	{"SELECT @a FROM 't'", v15, "1:8", "A variable (@name) requires SQL version 2016-03-23"},
	{"SELECT [1] FROM 't'", v15, "1:8", "An array literal [...] requires SQL version 2016-03-23"},
	{"SELECT {'a': 1} FROM 't'", v15, "1:8", "An object literal {...} requires SQL version 2016-03-23"},
	{"SELECT (SELECT VALUE n FROM e) FROM 't'", v15, "1:9", "A nested SELECT requires SQL version 2016-03-23"},
	{"SELECT isNull(SELECT VALUE n FROM e) FROM 't'", v15, "1:15", "A nested SELECT requires SQL version 2016-03-23"},
	{"SELECT cast(a AS Decimal) FROM 't'", v15, "1:18", "cast to Decimal requires SQL version 2016-03-23"},
	{"SELECT cast(a AS bool) FROM 't'", v15, "1:18", "cast to bool requires SQL version 2016-03-23"},
	{"SELECT a FROM 't'", "2017-01-01", "1:1", `Unsupported SQL version "2017-01-01"`},
}

func TestParse_Bad(t *testing.T) {
	for _, c := range badCases {
		st, err := Parse(c.src, c.v)
		if err == nil {
			t.Errorf("Parse(%q, %s) = %s, want error", c.src, c.v, st)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): error %T, want *ParseError", c.src, err)
			continue
		}
		want := "Line " + c.pos + ": "
		if !strings.HasPrefix(pe.Error(), want) || !strings.Contains(pe.Msg, c.want) {
			t.Errorf("Parse(%q):\n got %q\nwant %q...%q", c.src, pe.Error(), want, c.want)
		}
		checkOffset(t, c.src, pe.Pos)
	}
}

// checkOffset checks that p's offset agrees with its line and column.
func checkOffset(t *testing.T, src string, p Pos) {
	t.Helper()
	if p.Offset > len(src) {
		t.Errorf("%q: offset %d past the end", src, p.Offset)
		return
	}
	before := src[:p.Offset]
	line := strings.Count(before, "\n") + 1
	col := len([]rune(before[strings.LastIndexByte(before, '\n')+1:])) + 1
	if line != p.Line || col != p.Col {
		t.Errorf("%q: offset %d is %d:%d, Pos says %d:%d", src, p.Offset, line, col, p.Line, p.Col)
	}
}

func TestParseExpr_Bad(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"a b", "Line 1:3: Expected an operator or end of input but found 'b'"},
		{"", "Line 1:1: Expected an expression but found end of input"},
		{"a)", "Line 1:2: Expected an operator or end of input but found ')'"},
		{"SELECT a FROM b", "Line 1:1: Expected an expression but found 'SELECT'"},
	} {
		_, err := ParseExpr(c.src, v16)
		if err == nil || err.Error() != c.want {
			t.Errorf("ParseExpr(%q) error = %v, want %q", c.src, err, c.want)
		}
	}
}
