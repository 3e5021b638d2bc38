package bus

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestConfig_Validate_Bad(t *testing.T) {
	h := &recorder{}
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string // every one must be in the error
	}{
		{"empty", Config{}, []string{"NodeID", "Handler", "DataDir"}},
		{"node id with a dot", Config{NodeID: "a.b", Handler: h, DataDir: "d"}, []string{`NodeID: "a.b"`}},
		{"replicas", Config{NodeID: "a", Handler: h, DataDir: "d", Replicas: 6}, []string{"Replicas: 6"}},
		{"routes without cluster", Config{NodeID: "a", Handler: h, DataDir: "d", Routes: []string{"nats://h:1"}},
			[]string{"Routes: set, but ClusterAddr is empty"}},
		{"cluster addr", Config{NodeID: "a", Handler: h, DataDir: "d", ClusterAddr: "nohost"}, []string{"ClusterAddr"}},
		{"route scheme", Config{NodeID: "a", Handler: h, DataDir: "d", ClusterAddr: "127.0.0.1:1",
			Routes: []string{"http://h:1", "nats://h"}}, []string{"Routes[0]", "scheme", "Routes[1]"}},
		{"external with embedded fields", Config{NodeID: "a", Handler: h, URLs: []string{"nats://h:4222"},
			ClusterAddr: "h:1", Routes: []string{"nats://h:1"}, DataDir: "d"},
			[]string{"ClusterAddr: only for the embedded", "Routes: only", "DataDir: only"}},
		{"empty URL", Config{NodeID: "a", Handler: h, URLs: []string{""}}, []string{"URLs[0]"}},
		{"durable limits", Config{NodeID: "a", Handler: h, DataDir: "d", DurableMaxAge: -1, DurableMaxBytes: -1},
			[]string{"DurableMaxAge", "DurableMaxBytes"}},
	} {
		err := tc.cfg.validate()
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", tc.name, err, w)
			}
		}
	}
}

func TestConfig_Replicas(t *testing.T) {
	routes := []string{"nats://127.0.0.1:7001", "nats://127.0.0.1:7002", "nats://127.0.0.1:7002", "nats://127.0.0.1:7003"}
	for _, tc := range []struct {
		name string
		cfg  Config
		want int
	}{
		{"single embedded", Config{}, 1},
		{"external", Config{URLs: []string{"nats://h:4222"}}, 1},
		{"external, set", Config{URLs: []string{"nats://h:4222"}, Replicas: 3}, 3},
		{"three with self", Config{ClusterAddr: "127.0.0.1:7001", Routes: routes[:3]}, 2},
		{"four with self", Config{ClusterAddr: "127.0.0.1:7001", Routes: routes}, 3},
		{"five peers", Config{ClusterAddr: "127.0.0.1:7000", Routes: append(routes, "nats://h:1")}, 3},
		{"set", Config{ClusterAddr: "127.0.0.1:7001", Routes: routes, Replicas: 1}, 1},
	} {
		if got := tc.cfg.replicas(); got != tc.want {
			t.Errorf("%s: replicas() = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestConfig_Durable(t *testing.T) {
	var c Config
	if got := durableStreamConfig(&c); got.MaxAge != time.Hour || got.MaxBytes != 1<<30 || got.Duplicates != durableDuplicates ||
		got.Replicas != 1 || !slices.Equal(got.Subjects, []string{"hob.dm.>", "hob.ds.>"}) {
		t.Errorf("defaults: %+v", got)
	}
	c = Config{DurableMaxAge: 10 * time.Second, DurableMaxBytes: 1 << 20, Replicas: 3}
	if got := durableStreamConfig(&c); got.MaxAge != 10*time.Second || got.MaxBytes != 1<<20 ||
		got.Duplicates != 10*time.Second || got.Replicas != 3 {
		t.Errorf("set: %+v", got)
	}
}

// TestStart_Unreachable checks that Start gives up on servers that do not
// answer when its ctx ends, and says why.
func TestStart_Unreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	n, err := Start(ctx, Config{NodeID: "a", Handler: &recorder{}, URLs: []string{"nats://127.0.0.1:1"}, Log: testLogger(t)})
	if err == nil {
		n.Close()
		t.Fatal("Start succeeded without a server")
	}
	if !strings.Contains(err.Error(), "hob_owners") || time.Since(start) > 10*time.Second {
		t.Fatalf("Start: %v after %v", err, time.Since(start))
	}
}

func TestStart_BadConfig(t *testing.T) {
	if _, err := Start(context.Background(), Config{NodeID: "a"}); err == nil || !strings.Contains(err.Error(), "Handler") {
		t.Fatalf("Start: %v", err)
	}
}
