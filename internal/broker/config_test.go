package broker

import (
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/iot"
)

func TestConfig_Validate_Defaults(t *testing.T) {
	cfg := DefaultConfig(testAccount)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.MaxPayload != 128<<10 || cfg.QoS2 || cfg.SessionExpiry != time.Hour || cfg.MaxClientIDBytes != 128 {
		t.Errorf("defaults differ from AWS's: %+v", cfg)
	}
}

func TestConfig_Validate_ReportsEveryProblem(t *testing.T) {
	cfg := DefaultConfig(iot.Account{})
	cfg.MaxPayload = 0
	cfg.MaxInflight = 70000
	cfg.MinKeepAlive = time.Hour
	cfg.SweepInterval = 0
	err := cfg.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"Account", "MaxPayload", "MaxInflight", "MinKeepAlive", "SweepInterval"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
	if _, err := New(cfg, newFakeAuth(), nil, nil); err == nil {
		t.Error("New accepted an invalid Config")
	}
}
