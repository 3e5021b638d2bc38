package sql

import (
	"strings"
	"testing"
)

func TestInspectStatement_VisitsEveryNode(t *testing.T) {
	st := MustParse("SET @v = f1(1) SELECT a[f2()].b, cast(f3() AS Int), CASE f4() WHEN 1 THEN f5() ELSE f6() END, "+
		"[f7()], {'k': f8()}, (SELECT f9() FROM x WHERE f10()) FROM 't' WHERE NOT f11() + @v", v16)
	var calls []string
	InspectStatement(st, func(e Expr) bool {
		if c, ok := e.(*Call); ok {
			calls = append(calls, c.Name)
		}
		return true
	})
	want := "f1 f2 f3 f4 f5 f6 f7 f8 f9 f10 f11"
	if got := strings.Join(calls, " "); got != want {
		t.Errorf("calls %q, want %q", got, want)
	}
}

func TestInspect_StopsWhenFReturnsFalse(t *testing.T) {
	e, _ := ParseExpr("f(g(1))", v16)
	n := 0
	Inspect(e, func(Expr) bool { n++; return false })
	if n != 1 {
		t.Errorf("visited %d nodes, want 1", n)
	}
}
