package eval

import (
	"context"
	"testing"

	"github.com/hob-iot/hob/internal/rules/sql"
)

// BenchmarkRun_Simple is issue 5's evaluation target: ≥ 1,000,000
// evaluations per second per core of this rule on a small JSON payload.
func BenchmarkRun_Simple(b *testing.B) {
	prog := mustCompile(b, "SELECT a, b*2 AS c FROM 't/#' WHERE a > 10", sql.V20160323)
	env := &Env{Topic: "t/1", Payload: []byte(`{"a":20,"b":3,"name":"sensor-1"}`)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := prog.Run(ctx, env)
		if err != nil || !res.Fired || string(res.Output) != `{"a":20,"c":6}` {
			b.Fatalf("%v %v", res, err)
		}
	}
}

// BenchmarkRun_Nested covers a nested SELECT and function calls.
func BenchmarkRun_Nested(b *testing.B) {
	prog := mustCompile(b, "SELECT get((SELECT v FROM e WHERE n = 'temperature'), 0).v AS t, upper(id) AS id FROM 'x' WHERE startswith(id, 'dev')", sql.V20160323)
	env := &Env{Topic: "x", Payload: []byte(`{"id":"dev1","e":[{"n":"temperature","v":22.5},{"n":"light","v":135}]}`)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := prog.Run(context.Background(), env); err != nil {
			b.Fatal(err)
		}
	}
}

func mustCompile(tb testing.TB, src string, v sql.Version) *Program {
	tb.Helper()
	st, err := sql.Parse(src, v)
	if err != nil {
		tb.Fatal(err)
	}
	prog, err := Compile(st)
	if err != nil {
		tb.Fatal(err)
	}
	return prog
}

func mustParse(tb testing.TB, src, v string) *sql.Statement {
	tb.Helper()
	st, err := sql.Parse(src, sql.Version(v))
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// TestRun_Concurrent runs one Program from many goroutines (go test -race).
func TestRun_Concurrent(t *testing.T) {
	prog := mustCompile(t, "SET @x = a + 1 SELECT @x AS x, upper(s) AS s, (SELECT VALUE v FROM e) AS vs FROM 't'", sql.V20160323)
	done := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			out := ""
			for i := 0; i < 200; i++ {
				res, err := prog.Run(context.Background(), &Env{Topic: "t", Payload: []byte(`{"a":1,"s":"q","e":[{"v":1},{"v":2}]}`)})
				if err != nil {
					out = err.Error()
					break
				}
				out = string(res.Output)
			}
			done <- out
		}()
	}
	for g := 0; g < 8; g++ {
		if out := <-done; out != `{"x":2,"s":"Q","vs":[1,2]}` {
			t.Fatalf("output %s", out)
		}
	}
}

// TestTemplate_Render_SharedResult renders one Result from many goroutines,
// as the runtime does for a rule's actions (go test -race). The rule reads
// only a, so each Render decodes id from the Result's copy of the payload.
func TestTemplate_Render_SharedResult(t *testing.T) {
	prog := mustCompile(t, "SET @x = a SELECT a FROM 't'", sql.V20160323)
	env := &Env{Topic: "t", Payload: []byte(`{"a":1,"id":"d"}`)}
	res, err := prog.Run(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := CompileTemplate("${id}-${@x}-${a}", sql.V20160323)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			out := ""
			for i := 0; i < 100; i++ {
				s, err := tmpl.Render(context.Background(), env, res)
				if err != nil {
					s = err.Error()
				}
				out = s
			}
			done <- out
		}()
	}
	for g := 0; g < 8; g++ {
		if out := <-done; out != "d-1-1" {
			t.Fatalf("render %s", out)
		}
	}
}
