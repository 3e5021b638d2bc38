package elf

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParse_Good(t *testing.T) {
	cases := []struct {
		args  []string
		check func(*Options) bool
	}{
		{[]string{"create"}, func(o *Options) bool { return o.Command == "create" && o.Count == 1 }},
		{[]string{"create", "3"}, func(o *Options) bool { return o.Count == 3 }},
		{[]string{"--region", "eu-west-1", "--profile", "p", "create", "2"},
			func(o *Options) bool { return o.Region == "eu-west-1" && o.Profile == "p" && o.Count == 2 }},
		{[]string{"send"}, func(o *Options) bool {
			return o.Message == "IoT ELF Hello" && o.Topic == "elf" && o.AppendThingName && o.Duration == 10*time.Second &&
				o.QoS == 0 && o.Interval == time.Second
		}},
		{[]string{"send", "hi there", "--duration", "5", "--qos", "1", "--json"},
			func(o *Options) bool {
				return o.Message == "hi there" && o.Duration == 5*time.Second && o.QoS == 1 && o.JSON
			}},
		{[]string{"send", "--duration", "1m30s", "--interval", "250ms", "--append-thing-name=false", "--topic", "t"},
			func(o *Options) bool {
				return o.Duration == 90*time.Second && o.Interval == 250*time.Millisecond && !o.AppendThingName && o.Topic == "t"
			}},
		{[]string{"send", "--json-message", "m.json"}, func(o *Options) bool { return o.JSONMessage == "m.json" }},
		{[]string{"subscribe", "--qos", "1", "--ca", "ca.pem", "--mqtt-endpoint", "h:1"},
			func(o *Options) bool { return o.QoS == 1 && o.CA == "ca.pem" && o.MQTTEndpoint == "h:1" }},
		{[]string{"clean", "--only-local"}, func(o *Options) bool { return o.OnlyLocal }},
		{[]string{"clean", "--force"}, func(o *Options) bool { return o.OnlyLocal }},
		{[]string{"--state-dir", "/tmp/x", "status"}, func(o *Options) bool { return o.StateDir == "/tmp/x" }},
		{[]string{"shadow", "get", "--name", "n1", "--thing", "thing_2"},
			func(o *Options) bool { return o.ShadowOp == "get" && o.ShadowName == "n1" && o.Thing == "thing_2" }},
		{[]string{"shadow", "update", `{"state":{}}`}, func(o *Options) bool { return o.ShadowOp == "update" && o.Message == `{"state":{}}` }},
		{[]string{"shadow", "watch", "--duration", "3"}, func(o *Options) bool { return o.ShadowOp == "watch" && o.Duration == 3*time.Second }},
	}
	for _, c := range cases {
		o, err := Parse(c.args)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.args, err)
			continue
		}
		if !c.check(o) {
			t.Errorf("Parse(%q) = %+v", c.args, o)
		}
	}
}

func TestParse_Bad(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "no command given"},
		{[]string{"--region", "x"}, "no command given"},
		{[]string{"fly"}, `unknown command "fly"`},
		{[]string{"create", "0"}, "not a number of things"},
		{[]string{"create", "1", "2"}, "unexpected argument"},
		{[]string{"send", "--qos", "2"}, "QoS 0 and 1"},
		{[]string{"send", "--duration", "soon"}, "neither seconds nor a duration"},
		{[]string{"send", "--duration", "0"}, "must be positive"},
		{[]string{"subscribe", "--topic", "elf/#"}, "without wildcards"},
		{[]string{"send", "--nope"}, "flag provided but not defined"},
		{[]string{"shadow"}, "say get, update, delete or watch"},
		{[]string{"shadow", "update"}, "give the document"},
		{[]string{"shadow", "fly"}, "is not one of"},
	}
	for _, c := range cases {
		_, err := Parse(c.args)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want a usage error with %q", c.args, err, c.want)
		}
	}
}

func TestMain_ExitCodes(t *testing.T) {
	cases := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"--help"}, ExitOK, "Exit codes:", ""},
		{[]string{"send", "-h"}, ExitOK, "Usage: elf", ""},
		{nil, ExitUsage, "", "elf: no command given"},
		{[]string{"send", "--qos", "7"}, ExitUsage, "", "QoS 0 and 1"},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		code := Main(context.Background(), c.args, &out, &errb)
		if code != c.code || !strings.Contains(out.String(), c.stdout) || !strings.Contains(errb.String(), c.stderr) {
			t.Errorf("elf %q: exit %d, stdout %q, stderr %q", c.args, code, out.String(), errb.String())
		}
	}
}

// send before create fails without touching the network, and clean with
// nothing to clean succeeds.
func TestMain_NoThings(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"--state-dir", dir, "send"}, &out, &errb); code != ExitFailure ||
		strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), "run `elf create` first") {
		t.Errorf("send before create: exit %d, stderr %q", code, errb.String())
	}
	out.Reset()
	if code := Main(context.Background(), []string{"--state-dir", dir, "--json", "clean"}, &out, &errb); code != ExitOK ||
		!strings.Contains(out.String(), `"event":"clean"`) {
		t.Errorf("clean: exit %d, stdout %q", code, out.String())
	}
}
