package config

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoad_Defaults(t *testing.T) {
	c, err := Load(nil, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Fatalf("Load with nothing = %+v, want defaults %+v", c, Default())
	}
}

func TestLoad_GoodFiles(t *testing.T) {
	want := Config{
		DataDir: "/var/lib/hob", Store: "postgres://hob@db.example.com/hob",
		Hostnames: []string{"iot.example.com", "10.0.0.5"}, HTTPSAddr: ":443",
		MQTTAddr: ":8884", DevMQTTAddr: "127.0.0.1:1884", QoS2: true, SessionExpiry: 2 * time.Hour,
		MetricsAddr: "127.0.0.1:9191", Region: "eu-west-1", AccountID: "000011112222",
		LogLevel: "debug", LogFormat: "json", MaxBodySize: 2097152, ShutdownTimeout: 30 * time.Second,
		MQTTMaxFiltersPerSubscribe: 4, MQTTMaxSubscriptions: 20, MQTTMaxConnectsPerSecond: 1,
		MQTTMaxPublishesPerSecond: 100, MQTTMaxPublishBytesPerSecond: 524288,
		ShadowMaxStateBytes: 16384, ShadowMaxDepth: 8, ShadowMaxRequestBytes: 65536, ShadowDeletedVersionTTL: 24 * time.Hour,
		RulesWorkers: 16, RulesQueueLength: 1000, RulesMaxHops: 4, RulesActionTimeout: 5 * time.Second,
		RulesAWSRegion: "eu-central-1", RulesAWSEndpoint: "http://localhost:4566", RulesHTTPCAFile: "/etc/hob/rules-ca.pem",
	}
	files, _ := filepath.Glob("testdata/*.good.*")
	if len(files) == 0 {
		t.Fatal("no good fixtures")
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			c, err := Load([]string{"--config", f}, nil, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c, want) {
				t.Fatalf("got %+v\nwant %+v", c, want)
			}
		})
	}
}

func TestLoad_BadFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.bad.*")
	for _, f := range files {
		if strings.HasSuffix(f, ".err") {
			continue
		}
		t.Run(f, func(t *testing.T) {
			wantLines, err := os.ReadFile(f + ".err")
			if err != nil {
				t.Fatalf("fixture %s has no .err file: %v", f, err)
			}
			_, err = Load([]string{"--config", f}, nil, io.Discard)
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("Load(%s) error = %v, want *config.Error", f, err)
			}
			for _, want := range strings.Split(strings.TrimSpace(string(wantLines)), "\n") {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not mention %q:\n%v", want, err)
				}
			}
		})
	}
}

func TestLoad_Precedence(t *testing.T) {
	f := filepath.Join(t.TempDir(), "hob.yaml")
	if err := os.WriteFile(f, []byte("region: eu-west-1\naccount_id: \"111111111111\"\nlog_level: warn\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOB_CONFIG=" + f, "HOB_ACCOUNT_ID=222222222222", "HOB_LOG_LEVEL=error", "PATH=/bin"}
	c, err := Load([]string{"--log-level", "debug"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "eu-west-1" || c.AccountID != "222222222222" || c.LogLevel != "debug" {
		t.Fatalf("file < env < flags not honoured: %+v", c)
	}
}

func TestLoad_ShadowLimits_Precedence(t *testing.T) {
	f := filepath.Join(t.TempDir(), "hob.yaml")
	if err := os.WriteFile(f, []byte("shadow_max_state_bytes: 4096\nshadow_max_depth: 4\nshadow_deleted_version_ttl: 1h\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOB_CONFIG=" + f, "HOB_SHADOW_MAX_DEPTH=5", "HOB_SHADOW_DELETED_VERSION_TTL=2h"}
	c, err := Load([]string{"--shadow-deleted-version-ttl", "3h"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.ShadowMaxStateBytes != 4096 || c.ShadowMaxDepth != 5 || c.ShadowDeletedVersionTTL != 3*time.Hour ||
		c.ShadowMaxRequestBytes != Default().ShadowMaxRequestBytes {
		t.Fatalf("file < env < flags not honoured for the shadow limits: %+v", c)
	}
	_, err = Load([]string{"--shadow-max-state-bytes", "lots"}, nil, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "shadow-max-state-bytes") {
		t.Fatalf("a non-number shadow limit: err = %v", err)
	}
}

func TestLoad_UnknownEnvAndFlag(t *testing.T) {
	_, err := Load(nil, []string{"HOB_REGOIN=eu-west-1"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "unknown variable HOB_REGOIN") {
		t.Fatalf("unknown env var: err = %v", err)
	}
	_, err = Load([]string{"--regoin", "x"}, nil, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "regoin") {
		t.Fatalf("unknown flag: err = %v", err)
	}
	_, err = Load([]string{"serve"}, nil, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `unexpected argument "serve"`) {
		t.Fatalf("stray argument: err = %v", err)
	}
}

func TestLoad_ReportsEveryProblem(t *testing.T) {
	_, err := Load([]string{"--region", "x", "--account-id", "1", "--log-format", "xml"}, nil, io.Discard)
	var cerr *Error
	if !errors.As(err, &cerr) || len(cerr.Problems) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
}

func TestLoad_DevBindsLoopback(t *testing.T) {
	c, err := Load([]string{"--dev"}, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Dev || c.HTTPSAddr != "127.0.0.1:8443" || c.MQTTAddr != "127.0.0.1:8883" {
		t.Fatalf("--dev: got dev=%v https=%q mqtt=%q, want loopback", c.Dev, c.HTTPSAddr, c.MQTTAddr)
	}
}

func TestLoad_Help(t *testing.T) {
	var out strings.Builder
	_, err := Load([]string{"--help"}, nil, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v, want flag.ErrHelp", err)
	}
	for _, o := range options {
		if !strings.Contains(out.String(), o.name) || !strings.Contains(out.String(), o.env()) {
			t.Errorf("help does not show --%s and %s", o.name, o.env())
		}
	}
}

func TestRedactURL_HidesPassword(t *testing.T) {
	_, err := Load([]string{"--store", "mysql://u:hunter2@db/x"}, nil, io.Discard)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("store error leaks the password or is missing: %v", err)
	}
}
