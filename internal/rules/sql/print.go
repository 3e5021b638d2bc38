package sql

import "strings"

// The String methods print valid SQL that parses back (in a version that has
// every construct used) to an equal tree. Parentheses appear only where
// precedence needs them (spec §7); strings are single-quoted.

// String prints the statement.
func (s *Statement) String() string {
	var b strings.Builder
	if len(s.Set) > 0 {
		b.WriteString("SET ")
		for i, a := range s.Set {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(a.String())
		}
		b.WriteByte(' ')
	}
	b.WriteString(s.Select.String())
	if s.From != "" {
		b.WriteString(" FROM ")
		b.WriteString(quote(s.From))
	}
	writeWhere(&b, s.Where)
	return b.String()
}

// String prints `@name = value`.
func (a *Assignment) String() string { return "@" + a.Name + " = " + a.Value.String() }

// String prints `SELECT [VALUE] items`. A first item that would start with
// the word VALUE is parenthesized so that it does not read as the keyword.
func (s *Select) String() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	if s.Value {
		b.WriteString("VALUE ")
	}
	for i, it := range s.Items {
		if i > 0 {
			b.WriteString(", ")
		}
		text := it.String()
		if i == 0 && !s.Value && startsWithValue(text) {
			text = "(" + it.Expr.String() + ")" + it.aliasText()
		}
		b.WriteString(text)
	}
	return b.String()
}

// startsWithValue reports whether text begins with the word VALUE.
func startsWithValue(text string) bool {
	return len(text) >= 5 && strings.EqualFold(text[:5], "VALUE") &&
		(len(text) == 5 || !isIdentChar(text[5]))
}

// String prints `expr [AS a.b]`.
func (it *SelectItem) String() string { return it.Expr.String() + it.aliasText() }

func (it *SelectItem) aliasText() string {
	if it.Alias == nil {
		return ""
	}
	return " AS " + strings.Join(it.Alias, ".")
}

// String prints `(SELECT ... FROM path [WHERE cond])`.
func (e *Subquery) String() string {
	var b strings.Builder
	b.WriteByte('(')
	b.WriteString(e.Select.String())
	b.WriteString(" FROM ")
	b.WriteString(e.From.String())
	writeWhere(&b, e.Where)
	b.WriteByte(')')
	return b.String()
}

func writeWhere(b *strings.Builder, where Expr) {
	if where != nil {
		b.WriteString(" WHERE ")
		b.WriteString(where.String())
	}
}

// String prints the digits.
func (e *IntLit) String() string { return e.Raw }

// String prints the number as written.
func (e *DecimalLit) String() string { return e.Raw }

// String prints the value single-quoted.
func (e *StringLit) String() string { return quote(e.Value) }

// quote single-quotes s, doubling quotes and backslashes so the lexer reads s back.
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// String prints TRUE or FALSE.
func (e *BoolLit) String() string {
	if e.Value {
		return "TRUE"
	}
	return "FALSE"
}

// String prints NULL.
func (e *NullLit) String() string { return "NULL" }

// String prints *.
func (e *Star) String() string { return "*" }

// String prints the name.
func (e *Ident) String() string { return e.Name }

// String prints @name.
func (e *Var) String() string { return "@" + e.Name }
