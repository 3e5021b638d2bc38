package telemetry

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler_ExposesSources(t *testing.T) {
	n := 0.0
	src := SourceFunc(func() []Sample {
		n++
		return []Sample{
			{Name: "hob_test_events_total", Help: "events seen", Kind: Counter, Labels: map[string]string{"qos": "1"}, Value: n},
			{Name: "hob_test_connections", Help: "connections now", Kind: Gauge, Value: 7},
		}
	})
	srv := httptest.NewServer(Handler(NewRegistry(src)))
	defer srv.Close()
	for want := 1; want <= 2; want++ {
		resp, err := srv.Client().Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		text := string(body)
		for _, line := range []string{
			"# TYPE hob_test_events_total counter",
			`hob_test_events_total{qos="1"} ` + string(rune('0'+want)),
			"# TYPE hob_test_connections gauge",
			"hob_test_connections 7",
			"go_goroutines",
			"process_resident_memory_bytes",
		} {
			if !strings.Contains(text, line) {
				t.Errorf("scrape %d lacks %q", want, line)
			}
		}
	}
}
