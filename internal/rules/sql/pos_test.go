package sql

import "testing"

// TestParse_Positions checks the Pos of each kind of node in a multi-line statement.
func TestParse_Positions(t *testing.T) {
	src := "SET @x = 1\nSELECT 'é' + a.b AS c,\n  cast(d AS Int), CASE e WHEN 1 THEN [2] END,\n  (SELECT VALUE f FROM g)\nFROM 't' WHERE NOT -h[0] > @x"
	st := MustParse(src, v16)
	items := st.Select.Items
	plus := items[0].Expr.(*Binary)
	sub := items[3].Expr.(*Subquery)
	not := st.Where.(*Unary)
	gt := not.X.(*Binary)
	neg := gt.L.(*Unary)
	for _, c := range []struct {
		name      string
		got       Pos
		line, col int
	}{
		{"statement", st.Pos, 1, 1},
		{"assignment", st.Set[0].At, 1, 5},
		{"select", st.Select.At, 2, 1},
		{"string", plus.L.Pos(), 2, 8},
		{"binary (its left operand)", plus.Pos(), 2, 8},
		{"binary operator", plus.At, 2, 12},
		{"field (its base)", plus.R.Pos(), 2, 14},
		{"cast", items[1].Expr.Pos(), 3, 3},
		{"case", items[2].Expr.Pos(), 3, 19},
		{"array", items[2].Expr.(*Case).Whens[0].Result.Pos(), 3, 38},
		{"subquery", sub.Pos(), 4, 4},
		{"subquery from", sub.From.Pos(), 4, 24},
		{"not", not.Pos(), 5, 16},
		{"neg", neg.Pos(), 5, 20},
		{"index (its base)", neg.X.Pos(), 5, 21},
		{"var", gt.R.Pos(), 5, 28},
	} {
		if c.got.Line != c.line || c.got.Col != c.col {
			t.Errorf("%s at %d:%d, want %d:%d", c.name, c.got.Line, c.got.Col, c.line, c.col)
		}
		checkOffset(t, src, c.got)
	}
}
