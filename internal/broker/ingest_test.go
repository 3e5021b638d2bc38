package broker

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// Basic Ingest (rules-engine spec §12): $aws/rules/<rule>/<topic> reaches
// the consumers only; nobody may subscribe there; the size limits apply
// to the part after the prefix.
func TestServer_Publish_BasicIngestReachesConsumersOnly(t *testing.T) {
	s := newServer(t, nil, nil)
	rec := &recorder{}
	if _, err := s.AddConsumer("$aws/rules/#", rec); err != nil {
		t.Fatal(err)
	}
	sub := dial(t, s, packet.V5, "sub")
	ack := sub.subscribe(1, "$aws/rules/#", "$aws/rules/r/t", "+/+/+/+")
	want := []packet.ReasonCode{packet.TopicFilterInvalid, packet.TopicFilterInvalid, packet.GrantedQoS1}
	if !slices.Equal(ack.ReasonCodes, want) {
		t.Fatalf("SUBACK %v, want %v", ack.ReasonCodes, want)
	}
	pub := dial(t, s, packet.V5, "pub")
	// Eight levels after the prefix would be over AWS's 7 slashes; the
	// prefix itself does not count.
	long := "$aws/rules/r/" + strings.Repeat("a/", 7) + "z"
	for _, topic := range []string{"$aws/rules/r/t", long} {
		if a := pub.publish(topic, 1, false, "x"); a.ReasonCode != packet.Success {
			t.Fatalf("PUBACK %v for %s", a.ReasonCode, topic)
		}
	}
	tooLong := "$aws/rules/r/" + strings.Repeat("a/", 8) + "z"
	if a := pub.publish(tooLong, 1, false, "x"); a.ReasonCode != packet.TopicNameInvalid {
		t.Errorf("PUBACK %v for a rule topic of 9 levels, want 0x90", a.ReasonCode)
	}
	if a := pub.publish("$aws/rules/onlyrule", 1, false, "x"); a.ReasonCode != packet.TopicNameInvalid {
		t.Errorf("PUBACK %v for a rule name without a topic, want 0x90", a.ReasonCode)
	}
	sub.expectSilence(50 * time.Millisecond)
	if got := rec.topics(); !slices.Equal(got, []string{"$aws/rules/r/t", long}) {
		t.Errorf("consumer got %v", got)
	}
}
