package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad_MQTTLimits_DefaultsAndPrecedence(t *testing.T) {
	d := Default()
	if d.MQTTMaxFiltersPerSubscribe != 8 || d.MQTTMaxSubscriptions != 50 {
		t.Errorf("count limits default to %d and %d, want AWS's 8 and 50", d.MQTTMaxFiltersPerSubscribe, d.MQTTMaxSubscriptions)
	}
	if d.MQTTMaxConnectsPerSecond != 0 || d.MQTTMaxPublishesPerSecond != 0 || d.MQTTMaxPublishBytesPerSecond != 0 {
		t.Errorf("rate limits are on by default: %+v", d)
	}
	f := filepath.Join(t.TempDir(), "hob.yaml")
	if err := os.WriteFile(f, []byte("mqtt_max_publishes_per_second: 10\nmqtt_max_connects_per_second: 1\nmqtt_max_subscriptions: 5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOB_CONFIG=" + f, "HOB_MQTT_MAX_PUBLISHES_PER_SECOND=20", "HOB_MQTT_MAX_SUBSCRIPTIONS=6"}
	c, err := Load([]string{"--mqtt-max-publishes-per-second", "30"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.MQTTMaxPublishesPerSecond != 30 || c.MQTTMaxSubscriptions != 6 || c.MQTTMaxConnectsPerSecond != 1 ||
		c.MQTTMaxFiltersPerSubscribe != 8 {
		t.Fatalf("file < env < flags not honoured for the MQTT limits: %+v", c)
	}
	_, err = Load([]string{"--mqtt-max-publish-bytes-per-second", "lots"}, nil, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "mqtt-max-publish-bytes-per-second") {
		t.Fatalf("a non-number limit: err = %v", err)
	}
}
