package topic_test

import (
	"fmt"
	"slices"

	"github.com/hob-iot/hob/internal/topic"
)

// subOpts stands for what a broker keeps per subscription.
type subOpts struct{ QoS byte }

// A broker validates with AWS's limits, subscribes, and on each PUBLISH
// delivers to every ordinary subscriber and to one member of each group.
func ExampleIndex() {
	ix := topic.NewIndex[string, subOpts](topic.AWS)
	for _, s := range []struct{ client, filter string }{
		{"dashboard", "sensor/#"},
		{"dashboard", "sensor/+/temp"}, // overlaps: reported once per filter
		{"worker-1", "$share/pool/sensor/+/temp"},
		{"worker-2", "$share/pool/sensor/+/temp"},
	} {
		if err := topic.ValidateFilter(s.filter, topic.DefaultLimits()); err != nil {
			fmt.Println(err)
			continue
		}
		ix.Subscribe(s.filter, s.client, subOpts{QoS: 1})
	}

	name := "sensor/kitchen/temp"
	if err := topic.ValidateName(name, topic.DefaultLimits()); err != nil {
		fmt.Println(err)
		return
	}
	var out []string
	ix.Match(name, func(h topic.Hit[string, subOpts]) bool {
		if h.Group != nil {
			if m, ok := h.Group.Pick(nil); ok { // accept could skip offline members
				out = append(out, h.Group.Name()+":"+m.Key)
			}
			return true
		}
		out = append(out, h.Key)
		return true
	})
	slices.Sort(out)
	fmt.Println(out)
	fmt.Println(topic.Match("sensor/#", "sensor"), topic.MQTT.Match("sensor/#", "sensor"))
	fmt.Println(topic.ValidateFilter("sensor/#/temp", topic.DefaultLimits()))
	// Output:
	// [dashboard dashboard pool:worker-1]
	// false true
	// topic filter "sensor/#/temp": '#' must be alone in the last level (at byte 7)
}
