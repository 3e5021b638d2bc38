package sql

import "testing"

// BenchmarkParse parses a typical rule and a larger one with nested SELECT,
// CASE and literals.
func BenchmarkParse(b *testing.B) {
	for _, c := range []struct{ name, src string }{
		{"simple", "SELECT a, b*2 AS c FROM 't/#' WHERE a > 10"},
		{"complex", "SET @c = (f - 32) * 5 / 9 SELECT @c AS celsius, get((SELECT v FROM e WHERE n = 'temperature'), 0).v AS t, " +
			"CASE color WHEN 'green' THEN 'go' WHEN 'red' THEN 'stop' ELSE 'x' END AS i, {'lat': get(ll, 0), 'lon': get(ll, 1)} AS ll " +
			"FROM 'device/+/data' WHERE temperature > 30 AND NOT isUndefined(state.debug)"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(c.src, v16); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
