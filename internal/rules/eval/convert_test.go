package eval

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

func mustJSON(t *testing.T, s string, v2 bool) Value {
	t.Helper()
	v, err := ParseJSON([]byte(s), v2)
	if err != nil {
		t.Fatalf("ParseJSON(%s): %v", s, err)
	}
	return v
}

func TestToNumber_Strings(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want float64
	}{
		{"5", true, 5}, {"-5.25", true, -5.25}, {"1e3", true, 1000}, {"2E-2", true, 0.02},
		{"+5", false, 0}, {".5", false, 0}, {"5.", false, 0}, {" 5", false, 0}, {"0x10", false, 0}, {"", false, 0}, {"1e", false, 0},
	} {
		n, ok := toNumber(String(tc.in))
		if ok != tc.ok || (ok && n.AsFloat() != tc.want) {
			t.Errorf("toNumber(%q) = %v, %v; want %v, %v", tc.in, n.AsFloat(), ok, tc.want, tc.ok)
		}
	}
}

func TestConversions_Table(t *testing.T) {
	arr := Array([]Value{Int(1), String("x")})
	for _, tc := range []struct {
		in            Value
		str           string
		strOK, boolOK bool
		boolV, intOK  bool
		intV          int64
	}{
		{Int(3), "3", true, false, false, true, 3},
		{Decimal(2.9), "2.9", true, false, false, true, 2},
		{Decimal(-2.9), "-2.9", true, false, false, true, -2},
		{Bool(true), "true", true, true, true, false, 0},
		{String("FALSE"), "FALSE", true, true, false, false, 0},
		{String("7.8"), "7.8", true, false, false, true, 7},
		{arr, `[1,"x"]`, true, false, false, false, 0},
		{Null, "", false, false, false, false, 0},
		{Undefined, "", false, false, false, false, 0},
	} {
		if s, ok := toString(tc.in); ok != tc.strOK || s != tc.str {
			t.Errorf("toString(%v) = %q, %v", tc.in.Kind(), s, ok)
		}
		if b, ok := toBool(tc.in); ok != tc.boolOK || b != tc.boolV {
			t.Errorf("toBool(%v %q) = %v, %v", tc.in.Kind(), tc.str, b, ok)
		}
		if i, ok := toInt64(tc.in); ok != tc.intOK || i != tc.intV {
			t.Errorf("toInt64(%v %q) = %v, %v", tc.in.Kind(), tc.str, i, ok)
		}
	}
}

func TestEqual_Table(t *testing.T) {
	obj1 := mustJSON(t, `{"a":1,"b":[1,2]}`, true)
	obj2 := mustJSON(t, `{"b":[1,2.0],"a":1}`, false)
	for _, tc := range []struct {
		l, r        Value
		eq, defined bool
	}{
		{Int(1), Decimal(1), true, true},
		{Int(1), String("1"), false, true},
		{String("a"), String("a"), true, true},
		{Null, Null, true, true},
		{Null, Bool(false), false, true},
		{obj1, obj2, true, true},
		{Array([]Value{Int(1), Int(2)}), Array([]Value{Int(2), Int(1)}), false, true},
		{Undefined, Int(1), false, false},
		{Int(1), Undefined, false, false},
	} {
		eq, defined := equal(tc.l, tc.r)
		if eq != tc.eq || defined != tc.defined {
			t.Errorf("equal(%s, %s) = %v, %v; want %v, %v", AppendJSON(nil, tc.l), AppendJSON(nil, tc.r), eq, defined, tc.eq, tc.defined)
		}
	}
}

func TestCompareOrder_Table(t *testing.T) {
	big := mustJSON(t, "123456789012345678901234", true)
	for _, tc := range []struct {
		l, r Value
		cmp  int
		ok   bool
	}{
		{Int(2), String("1"), 1, true},
		{String("10"), String("9"), 1, true},
		{Decimal(1.5), Int(2), -1, true},
		{big, Int(1), 1, true},
		{String("abc"), Int(1), 0, false},
		{Bool(true), Int(1), 0, false},
		{Null, Int(1), 0, false},
	} {
		cmp, ok := compareOrder(tc.l, tc.r)
		if cmp != tc.cmp || ok != tc.ok {
			t.Errorf("compareOrder(%s, %s) = %d, %v", AppendJSON(nil, tc.l), AppendJSON(nil, tc.r), cmp, ok)
		}
	}
}

func TestParseJSON_RoundTrip(t *testing.T) {
	for _, tc := range []struct{ in, v1, v2 string }{
		{`{"b":1,"a":[true,false,null],"c":{"d":"e"}}`, `{"b":1,"a":[true,false,null],"c":{"d":"e"}}`, ""},
		{`[1.0, -0.5e1, 1E400]`, `[1.0,-0.5e1,1E400]`, `[1,-5,1E400]`},
		{`"\u00e9\ud83d\ude00\/"`, `"é😀/"`, ""},
		{`{"a":1,"a":2}`, `{"a":2}`, ""},
	} {
		for _, v2 := range []bool{false, true} {
			want := tc.v1
			if v2 && tc.v2 != "" {
				want = tc.v2
			}
			if got := AppendJSON(nil, mustJSON(t, tc.in, v2)); string(got) != want {
				t.Errorf("ParseJSON(%s, v2=%v) → %s, want %s", tc.in, v2, got, want)
			}
		}
	}
}

func TestParseJSON_Invalid(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a"}`, `[1,]`, `01`, `1.`, `"\x"`, `tru`, `{} x`, "\"a\tb\""} {
		if v, err := ParseJSON([]byte(in), true); err == nil {
			t.Errorf("ParseJSON(%q) = %s, want an error", in, AppendJSON(nil, v))
		}
	}
}

func TestAppendDecimal_Forms(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{{5, "5.0"}, {0.30000000000000004, "0.30000000000000004"}, {1e21, "1E+21"}, {1.5e-8, "1.5E-08"}, {-2.5, "-2.5"}} {
		if got := string(AppendJSON(nil, Decimal(tc.f))); got != tc.want {
			t.Errorf("AppendJSON(Decimal(%v)) = %s, want %s", tc.f, got, tc.want)
		}
	}
}

// fakeLookups serves one shadow and one thing.
type fakeLookups struct{}

func (fakeLookups) ThingShadow(_ context.Context, thing, shadow string) ([]byte, error) {
	if thing != "lamp" {
		return nil, errors.New("ResourceNotFoundException: No shadow exists with name: " + thing)
	}
	return []byte(`{"state":{"reported":{"on":true}},"shadow":"` + shadow + `"}`), nil
}

func (fakeLookups) RegistryData(_ context.Context, thing string) (json.RawMessage, error) {
	return json.RawMessage(`{"thingName":"` + thing + `","attributes":{"room":"1"}}`), nil
}

func TestRun_Lookups(t *testing.T) {
	prog := mustCompile(t, "SELECT get_thing_shadow('lamp', 'arn:r').state.reported.on AS on, get_thing_shadow('lamp', 'named', 'arn:r').shadow AS n, get_registry_data('DescribeThing', 'lamp', 'arn:r').attributes.room AS room FROM 't'", "2016-03-23")
	res, err := prog.Run(context.Background(), &Env{Topic: "t", Lookups: fakeLookups{}})
	if err != nil || string(res.Output) != `{"on":true,"n":"named","room":"1"}` {
		t.Fatalf("Run = %s, %v", outputOf(res), err)
	}
	prog = mustCompile(t, "SELECT get_thing_shadow('nope', 'arn:r') AS s FROM 't'", "2016-03-23")
	var fe *FuncError
	if _, err := prog.Run(context.Background(), &Env{Topic: "t", Lookups: fakeLookups{}}); !errors.As(err, &fe) || fe.Func != "get_thing_shadow" {
		t.Fatalf("Run = %v, want a get_thing_shadow FuncError", err)
	}
}

func TestCompile_Errors(t *testing.T) {
	for _, tc := range []struct{ sql, version string }{
		{"SELECT nosuch(1) FROM 't'", "2016-03-23"},
		{"SELECT length('a') FROM 't'", "2015-10-08"},
	} {
		st := mustParse(t, tc.sql, tc.version)
		if _, err := Compile(st); err == nil {
			t.Errorf("Compile(%q, %s) succeeded", tc.sql, tc.version)
		}
	}
}

func TestCompileTemplate_Unclosed(t *testing.T) {
	if _, err := CompileTemplate("a/${topic(", "2016-03-23"); err == nil {
		t.Fatal("CompileTemplate of an unclosed ${ succeeded")
	}
}

func TestJSONComparer_Differs(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{`{"a":1,"b":2}`, `{"b":2,"a":1}`}, {`{"a":2.3123}`, `{"a":2.31}`}, {`[1]`, `[1,2]`}, {`"1"`, `1`},
	} {
		g, _ := decodeOrdered([]byte(tc.got))
		w, _ := decodeOrdered([]byte(tc.want))
		if (jsonComparer{}).diff("$", g, w) == "" {
			t.Errorf("%s and %s compare equal", tc.got, tc.want)
		}
	}
	g, _ := decodeOrdered([]byte(`23.88888888888889`))
	w, _ := decodeOrdered([]byte(`23.89`))
	if (jsonComparer{printedPrecision: true}).diff("$", g, w) != "" {
		t.Error("printed precision does not round")
	}
}
