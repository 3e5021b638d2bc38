package loadgen

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestConfig_Validate(t *testing.T) {
	cases := []struct {
		name   string
		change func(c *Config)
		want   []string // fragments of the error; none means valid
	}{
		{"default", func(*Config) {}, nil},
		{"tls with client certificate", func(c *Config) { c.URL, c.TLS.Cert, c.TLS.Key = "mqtts://h:8883", "c", "k" }, nil},
		{"every problem at once", func(c *Config) {
			c.URL, c.Mode, c.Clients, c.QoS, c.MQTT, c.Size = "http://x", "fan", 0, 2, 4, 10
		}, []string{"url", "mode \"fan\"", "clients 0", "qos 2", "mqtt 4", "size 10"}},
		{"two rates", func(c *Config) { c.Rate, c.PubRate = 10, 10 }, []string{"rate 10, pub-rate 10"}},
		{"no duration", func(c *Config) { c.Duration = 0 }, []string{"duration"}},
		{"wildcard topic", func(c *Config) { c.Topic = "a/+" }, []string{"topic"}},
		{"inflight", func(c *Config) { c.Inflight = 0 }, []string{"inflight 0"}},
		{"cert without key", func(c *Config) { c.TLS.Cert = "c" }, []string{"cert and key"}},
		{"provision with cert", func(c *Config) {
			c.URL, c.TLS.Cert, c.TLS.Key, c.Provision = "mqtts://h", "c", "k", &Provision{}
		}, []string{"drop cert and key"}},
		{"provision over plain TCP", func(c *Config) { c.Provision = &Provision{} }, []string{"must be mqtts"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			c.change(&cfg)
			err := cfg.Validate()
			if (err == nil) != (c.want == nil) {
				t.Fatalf("Validate() = %v, want errors %q", err, c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestConfig_Endpoint(t *testing.T) {
	cases := []struct {
		url, addr string
		tls       bool
	}{
		{"mqtt://127.0.0.1:1883", "127.0.0.1:1883", false},
		{"mqtt://broker", "broker:1883", false},
		{"tcp://broker:1", "broker:1", false},
		{"mqtts://broker", "broker:8883", true},
		{"mqtts://[::1]", "[::1]:8883", true},
		{"ssl://[::1]:99", "[::1]:99", true},
	}
	for _, c := range cases {
		cfg := Config{URL: c.url}
		addr, tls, err := cfg.endpoint()
		if err != nil || addr != c.addr || tls != c.tls {
			t.Errorf("endpoint(%q) = %q, %v, %v; want %q, %v", c.url, addr, tls, err, c.addr, c.tls)
		}
	}
}

func TestTopology(t *testing.T) {
	cases := []struct {
		mode          Mode
		clients, subs int
		pubs, filters []string
		conns         int
		sent          []uint64
		expected      uint64
	}{
		{ModeConn, 5, 0, nil, nil, 5, nil, 0},
		{ModePub, 2, 0, []string{"b/0", "b/1"}, nil, 2, []uint64{3, 4}, 0},
		{ModeSub, 2, 3, nil, []string{"b/+", "b/+", "b/+"}, 3, nil, 0},
		{ModeFanIn, 2, 0, []string{"b/0", "b/1"}, []string{"b/+"}, 3, []uint64{3, 4}, 7},
		{ModeFanOut, 9, 3, []string{"b/0"}, []string{"b/0", "b/0", "b/0"}, 4, []uint64{5}, 15},
		{ModeFanOut, 2, 0, []string{"b/0"}, []string{"b/0", "b/0"}, 3, []uint64{5}, 10},
		{ModeP2P, 2, 0, []string{"b/0", "b/1"}, []string{"b/0", "b/1"}, 4, []uint64{3, 4}, 7},
	}
	for _, c := range cases {
		cfg := Config{Mode: c.mode, Clients: c.clients, Subscribers: c.subs, Topic: "b"}
		topo := topologyOf(&cfg)
		if !slices.Equal(topo.pubTopics, c.pubs) || !slices.Equal(topo.subFilters, c.filters) ||
			topo.connections() != c.conns || topo.expected(c.sent) != c.expected {
			t.Errorf("%s %d/%d: pubs %q subs %q conns %d expected %d", c.mode, c.clients, c.subs,
				topo.pubTopics, topo.subFilters, topo.connections(), topo.expected(c.sent))
		}
	}
}

func TestParseStatus(t *testing.T) {
	good := "Name:\tmosquitto\nVmPeak:\t   20000 kB\nVmHWM:\t    9000 kB\nVmRSS:\t    8648 kB\n"
	if m, err := parseStatus([]byte(good)); err != nil || m.RSS != 8648 || m.HWM != 9000 {
		t.Errorf("parseStatus = %+v, %v", m, err)
	}
	for _, bad := range []string{"Name:\tx\n", "VmRSS:\tlots kB\nVmHWM:\t1 kB\n"} {
		if _, err := parseStatus([]byte(bad)); err == nil {
			t.Errorf("parseStatus(%q) succeeded", bad)
		}
	}
	stat := "1238 (mosq uitto) S 1 1238 1 0 -1 4194560 520 0 0 0 4600 727 0 0 20 0 1 0 1234 15691776 2169"
	if d, err := parseStatCPU([]byte(stat)); err != nil || d != 53270*time.Millisecond {
		t.Errorf("parseStatCPU = %v, %v; want 53.27s", d, err)
	}
	for _, bad := range []string{"1238 mosquitto S 1", "1 (x) S 1 2 3", "1 (x) S 1 1 1 0 -1 4 5 0 0 0 x 7 0"} {
		if _, err := parseStatCPU([]byte(bad)); err == nil {
			t.Errorf("parseStatCPU(%q) succeeded", bad)
		}
	}
}

func TestFormat(t *testing.T) {
	cases := []struct{ got, want string }{
		{count(0), "0"}, {count(999), "999"}, {count(1000), "1,000"}, {count(1234567), "1,234,567"},
		{formatRate(2.25), "2.2"}, {formatRate(190123.6), "190,124"},
		{ms(0.3341), "0.334ms"}, {ms(12.345), "12.35ms"}, {ms(1234.5), "1234ms"},
		{kib(700), "700 KiB"}, {kib(20480), "20.0 MiB"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestParseStatBusy(t *testing.T) {
	good := "cpu  354375 0 119222 587876 7824 0 6627 16851 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n"
	tasks, irq, err := parseStatBusy([]byte(good))
	if err != nil || tasks != (354375+119222+16851)*10*time.Millisecond || irq != 6627*10*time.Millisecond {
		t.Errorf("parseStatBusy = %v, %v, %v", tasks, irq, err)
	}
	for _, bad := range []string{"cpu0 1 2 3 4 5 6 7 8\n", "cpu 1 2 3\n", "cpu 1 2 x 4 5 6 7 8\n"} {
		if _, _, err := parseStatBusy([]byte(bad)); err == nil {
			t.Errorf("parseStatBusy(%q) succeeded", bad)
		}
	}
}
