package broker

import (
	"testing"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// The broker assigns Topic Aliases towards an MQTT 5 client up to the
// client's Topic Alias Maximum [MQTT-3.3.2-8], sends a mapped topic as its
// alias alone (§3.3.2.3.4), and uses none for a client that allows none.
func TestServer_Deliver_MQTT_3_3_2_8_OutboundTopicAliases(t *testing.T) {
	s := newServer(t, nil, nil)
	sub := pipe(t, s, packet.V5)
	p := &packet.Connect{ClientID: "aliased", CleanStart: true}
	p.Properties.TopicAliasMaximum = 2
	sub.connect(p)
	sub.subscribe(0, "al/+")
	plain := dial(t, s, packet.V5, "plain")
	plain.subscribe(0, "al/+")
	pub := dial(t, s, packet.V5, "pub")
	type want struct {
		topic string
		alias uint16
	}
	steps := []struct {
		topic   string
		aliased want
	}{
		{"al/1", want{"al/1", 1}}, {"al/1", want{"", 1}}, {"al/2", want{"al/2", 2}},
		{"al/3", want{"al/3", 0}}, {"al/2", want{"", 2}}, {"al/3", want{"al/3", 0}},
	}
	for i, st := range steps {
		pub.publish(st.topic, 0, false, "m")
		got := expect[*packet.Publish](sub)
		if got.Topic != st.aliased.topic || got.Properties.TopicAlias != st.aliased.alias {
			t.Errorf("step %d (%s): got topic %q alias %d, want %q alias %d", i, st.topic, got.Topic, got.Properties.TopicAlias, st.aliased.topic, st.aliased.alias)
		}
		if g := expect[*packet.Publish](plain); g.Topic != st.topic || g.Properties.TopicAlias != 0 {
			t.Errorf("step %d: a client allowing no aliases got topic %q alias %d", i, g.Topic, g.Properties.TopicAlias)
		}
	}
}
