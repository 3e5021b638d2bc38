package sql

import "testing"

// v15 and v16 are shorthands for the two versions in tables.
const (
	v15 = V20151008
	v16 = V20160323
)

// exprCases are expressions that parse, with the tree they must give.
var exprCases = []struct {
	src  string
	v    Version
	want string
}{
	// literals (spec §3)
	{"34", v15, "int:34"},
	{"2.745", v15, "dec:2.745"},
	{"5E-12", v15, "dec:5E-12"},
	{"1.5e+3", v15, "dec:1.5e+3"},
	{"-2.411E247", v15, "(- dec:2.411E247)"},
	{"'abc'", v15, `"abc"`},
	{`"abc"`, v15, `"abc"`},
	{`'it''s'`, v15, `"it's"`},
	{`'a\'b\"c\\d'`, v15, `"a'b\"c\\d"`},
	{`'\d+\n'`, v15, `"\\d+\n"`},
	{`"say ""hi"""`, v15, `"say \"hi\""`},
	{"'€'", v15, `"€"`},
	{"TRUE", v15, "TRUE"},
	{"False", v15, "FALSE"},
	{"null", v15, "NULL"},
	{"[1, 'a', [2]]", v16, `(array int:1 "a" (array int:2))`},
	{"[]", v16, "(array)"},
	{`{'a': 1, "b": {}}`, v16, `(object "a":int:1 "b":(object))`},
	// paths (spec §3, §4 postfix)
	{"a", v15, "id:a"},
	{"a.b.c", v15, "(. (. id:a b) c)"},
	{"state.value.end", v15, "(. (. id:state value) end)"},
	{"*", v15, "*"},
	{"*.messages", v15, "(. * messages)"},
	{"a.b[0].c", v15, "(. ([] (. id:a b) int:0) c)"},
	{"get(x, 0).v", v15, "(. (call get id:x int:0) v)"},
	{"@temp", v16, "@temp"},
	{"@t.x", v16, "(. @t x)"},
	{"value", v15, "id:value"},
	{"cast", v15, "id:cast"},
	// operators and precedence (spec §7)
	{"a + b * c", v15, "(+ id:a (* id:b id:c))"},
	{"(a + b) * c", v15, "(* (+ id:a id:b) id:c)"},
	{"a - b - c", v15, "(- (- id:a id:b) id:c)"},
	{"a / b % c", v15, "(% (/ id:a id:b) id:c)"},
	{"-a * b", v15, "(* (- id:a) id:b)"},
	{"-a.b", v15, "(- (. id:a b))"},
	{"- -5", v15, "(- (- int:5))"},
	{"a * *", v15, "(* id:a *)"},
	{"a = 1 OR b = 2 AND c = 3", v15, "(OR (= id:a int:1) (AND (= id:b int:2) (= id:c int:3)))"},
	{"NOT a = b", v15, "(NOT (= id:a id:b))"},
	{"NOT NOT a", v15, "(NOT (NOT id:a))"},
	{"a AND NOT b OR c", v15, "(OR (AND id:a (NOT id:b)) id:c)"},
	{"a <> b", v15, "(<> id:a id:b)"},
	{"a <= b + 1", v15, "(<= id:a (+ id:b int:1))"},
	{"a >= b", v15, "(>= id:a id:b)"},
	{"a < b", v15, "(< id:a id:b)"},
	{"a > b", v15, "(> id:a id:b)"},
	{"(a = b) = c", v15, "(= (= id:a id:b) id:c)"},
	{"a AnD b oR c", v15, "(OR (AND id:a id:b) id:c)"},
	// calls and cast (spec §4, §6.3)
	{"timestamp()", v15, "(call timestamp)"},
	{"Round(1.5)", v15, "(call Round dec:1.5)"},
	{"encode(*, 'base64')", v15, `(call encode * "base64")`},
	{"cast(a AS Int)", v15, "(cast id:a Int 2)"},
	{"CAST(a + 1 as varchar)", v15, "(cast (+ id:a int:1) varchar 1)"},
	{"cast(a AS double)", v15, "(cast id:a double 3)"},
	{"cast(a AS DECIMAL)", v16, "(cast id:a DECIMAL 4)"},
	{"cast(a AS Boolean)", v16, "(cast id:a Boolean 5)"},
	// CASE (spec §4 case_expr)
	{"CASE c WHEN 'g' THEN 'go' WHEN 'r' THEN 'stop' ELSE 'x' END", v15,
		`(case id:c (when "g" "go") (when "r" "stop") else "x")`},
	{"case c when 1 then 2 end", v15, "(case id:c (when int:1 int:2) else nil)"},
	{"CASE WHEN a > 1 THEN 'big' END", v15, `(case nil (when (> id:a int:1) "big") else nil)`},
	// nested SELECT (spec §4 nested_select)
	{"(SELECT VALUE n FROM e)", v16, "(subquery [value id:n] from id:e where nil)"},
	{"(SELECT v, w AS x.y FROM a.e WHERE n = 't')", v16,
		`(subquery [id:v, id:w as x.y] from (. id:a e) where (= id:n "t"))`},
	{"isNull(SELECT VALUE L1 FROM Pos)", v16, "(call isNull (subquery [value id:L1] from id:Pos where nil))"},
	{"(SELECT * FROM *)", v16, "(subquery [*] from * where nil)"},
}

func TestParseExpr_Good(t *testing.T) {
	for _, c := range exprCases {
		e, err := ParseExpr(c.src, c.v)
		if err != nil {
			t.Errorf("ParseExpr(%q, %s): %v", c.src, c.v, err)
			continue
		}
		if got := tree(e); got != c.want {
			t.Errorf("ParseExpr(%q):\n got %s\nwant %s", c.src, got, c.want)
		}
		checkExprRoundTrip(t, e, c.v)
	}
}

// checkExprRoundTrip checks that e.String() parses back to the same tree
// and is a fixed point.
func checkExprRoundTrip(t *testing.T, e Expr, v Version) {
	t.Helper()
	s := e.String()
	back, err := ParseExpr(s, v)
	if err != nil {
		t.Errorf("ParseExpr(String() = %q): %v", s, err)
		return
	}
	if tree(back) != tree(e) {
		t.Errorf("round trip of %q:\n got %s\nwant %s", s, tree(back), tree(e))
	}
	if back.String() != s {
		t.Errorf("String() not a fixed point: %q then %q", s, back.String())
	}
}

// stmtCases are statements that parse, with the tree and canonical String.
var stmtCases = []struct {
	src, want, str string
	v              Version
}{
	{"SELECT color AS rgb FROM 'topic/subtopic' WHERE temperature > 50",
		`select [id:color as rgb] from "topic/subtopic" where (> id:temperature int:50)`,
		"SELECT color AS rgb FROM 'topic/subtopic' WHERE temperature > 50", v15},
	{"select *, 15 as speed from 'a/+'", `select [*, int:15 as speed] from "a/+" where nil`,
		"SELECT *, 15 AS speed FROM 'a/+'", v15},
	{"SELECT VALUE color FROM 't'", `select [value id:color] from "t" where nil`, "SELECT VALUE color FROM 't'", v15},
	{"SELECT value FROM 't'", `select [id:value] from "t" where nil`, "SELECT (value) FROM 't'", v15},
	{"SELECT value, a FROM 't'", `select [id:value, id:a] from "t" where nil`, "SELECT (value), a FROM 't'", v15},
	{"SELECT VALUE value FROM 't'", `select [value id:value] from "t" where nil`, "SELECT VALUE value FROM 't'", v15},
	{"SELECT value.x AS value FROM 't'", `select [(. id:value x) as value] from "t" where nil`,
		"SELECT (value.x) AS value FROM 't'", v15},
	{"SELECT * AS message FROM \"a/#\"", `select [* as message] from "a/#" where nil`, "SELECT * AS message FROM 'a/#'", v15},
	{"SELECT a AS b.c.d, e AS b.f FROM 't'", `select [id:a as b.c.d, id:e as b.f] from "t" where nil`,
		"SELECT a AS b.c.d, e AS b.f FROM 't'", v15},
	{"SELECT a FROM topic/# WHERE b", `select [id:a] from "topic/#" where id:b`, "SELECT a FROM 'topic/#' WHERE b", v15},
	{"SELECT a", `select [id:a] from "" where nil`, "SELECT a", v15},
	{"SELECT a WHERE b = 1", `select [id:a] from "" where (= id:b int:1)`, "SELECT a WHERE b = 1", v15},
	{"SELECT a AS from FROM 't'", `select [id:a as from] from "t" where nil`, "SELECT a AS from FROM 't'", v15},
	{"\n  SELECT\ta\n  FROM 't'\n", `select [id:a] from "t" where nil`, "SELECT a FROM 't'", v15},
	{"SET @a = 1, @b = @a + 1 SELECT @b AS b FROM 't'",
		`set @a=int:1; set @b=(+ @a int:1); select [@b as b] from "t" where nil`,
		"SET @a = 1, @b = @a + 1 SELECT @b AS b FROM 't'", v16},
	{"SELECT a FROM 'it''s/x'", `select [id:a] from "it's/x" where nil`, "SELECT a FROM 'it''s/x'", v15},
	{"SELECT a FROM '$aws/things/+/shadow/update/delta'", `select [id:a] from "$aws/things/+/shadow/update/delta" where nil`,
		"SELECT a FROM '$aws/things/+/shadow/update/delta'", v15},
	{"SELECT a FROM 't'", `select [id:a] from "t" where nil`, "SELECT a FROM 't'", "beta"},
	{"SELECT a FROM 't'", `select [id:a] from "t" where nil`, "SELECT a FROM 't'", ""},
}

func TestParse_Good(t *testing.T) {
	for _, c := range stmtCases {
		st, err := Parse(c.src, c.v)
		if err != nil {
			t.Errorf("Parse(%q, %q): %v", c.src, c.v, err)
			continue
		}
		if got := treeStatement(st); got != c.want {
			t.Errorf("Parse(%q):\n got %s\nwant %s", c.src, got, c.want)
		}
		if got := st.String(); got != c.str {
			t.Errorf("Parse(%q).String() = %q, want %q", c.src, got, c.str)
		}
		checkRoundTrip(t, st)
	}
}

// checkRoundTrip checks that st.String() parses back to an equal tree and is a fixed point.
func checkRoundTrip(t *testing.T, st *Statement) {
	t.Helper()
	s := st.String()
	back, err := Parse(s, st.Version)
	if err != nil {
		t.Errorf("Parse(String() = %q): %v", s, err)
		return
	}
	if treeStatement(back) != treeStatement(st) {
		t.Errorf("round trip of %q:\n got %s\nwant %s", s, treeStatement(back), treeStatement(st))
	}
	if back.String() != s {
		t.Errorf("String() not a fixed point: %q then %q", s, back.String())
	}
}

func TestParse_Version(t *testing.T) {
	for v, want := range map[Version]Version{"": v15, v15: v15, v16: v16, "beta": "beta"} {
		st, err := Parse("SELECT a FROM 't'", v)
		if err != nil || st.Version != want {
			t.Errorf("Parse(_, %q): version %q, err %v; want %q", v, st.Version, err, want)
		}
	}
}
