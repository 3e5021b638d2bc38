package main

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/loadgen"
)

func TestBench_Options(t *testing.T) {
	cases := []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{[]string{"bench", "--help"}, 0, "fan-out   1 publisher"},
		{[]string{"bench", "--mode", "flood"}, 2, `mode "flood"`},
		{[]string{"bench", "--qos", "2", "--mqtt", "4"}, 2, "qos 2"},
		{[]string{"bench", "--cert", "c.pem"}, 2, "cert and key go together"},
		{[]string{"bench", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"bench", "--url", "mqtt://127.0.0.1:1", "--duration", "1s", "--quiet"}, 1, "connection refused"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		code := run(c.args, &out, &out)
		if code != c.wantCode || !strings.Contains(out.String(), c.wantOut) {
			t.Errorf("hob %v: code %d, output %q; want code %d containing %q", c.args, code, out.String(), c.wantCode, c.wantOut)
		}
	}
}

func TestBench_Config(t *testing.T) {
	var stderr bytes.Buffer
	c, asJSON, err := benchConfig([]string{"--url", "mqtts://localhost", "--mode", "p2p", "--clients", "8", "--qos", "1", "--mqtt", "5",
		"--rate", "20000", "--size", "100", "--duration", "3s", "--provision", "--json"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if c.URL != "mqtts://localhost" || c.Mode != loadgen.ModeP2P || c.Clients != 8 || c.QoS != 1 || c.MQTT != 5 || c.Rate != 20000 ||
		c.Size != 100 || c.Duration != 3*time.Second || c.Provision == nil || !asJSON || c.Progress == nil {
		t.Errorf("config %+v, json %v", c, asJSON)
	}
}

// TestBench_JSON runs `hob bench --mode conn --json` against a stand-in
// broker that accepts every CONNECT, and reads the JSON report.
func TestBench_JSON(t *testing.T) {
	addr := acceptAll(t)
	var out, errOut bytes.Buffer
	code := run([]string{"bench", "--url", "mqtt://" + addr, "--mode", "conn", "--clients", "3",
		"--duration", "1500ms", "--json"}, &out, &errOut)
	var rep loadgen.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || code != 0 {
		t.Fatalf("code %d, %v; stdout %s; stderr %s", code, err, out.String(), errOut.String())
	}
	if rep.Mode != loadgen.ModeConn || rep.Connect.Connected != 3 || !strings.Contains(errOut.String(), "conns 3/3") {
		t.Errorf("report %+v; progress %q", rep, errOut.String())
	}
}

// acceptAll listens on loopback and answers each connection's first
// packet with a successful 3.1.1 CONNACK, then holds it open.
func acceptAll(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				buf := make([]byte, 256)
				_, rerr := c.Read(buf)
				if rerr == nil {
					_, rerr = c.Write([]byte{0x20, 0x02, 0x00, 0x00})
				}
				for rerr == nil {
					_, rerr = c.Read(buf)
				}
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	return ln.Addr().String()
}
