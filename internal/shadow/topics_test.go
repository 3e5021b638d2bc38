package shadow

import "testing"

// Only request topics reach the service: the filter it is subscribed
// with, $aws/things/+/shadow/#, also matches its own replies.
func TestParseRequestTopic(t *testing.T) {
	for topic, want := range map[string]bool{
		"$aws/things/lamp/shadow/get":                       true,
		"$aws/things/lamp/shadow/update":                    true,
		"$aws/things/lamp/shadow/delete":                    true,
		"$aws/things/lamp/shadow/name/cfg/update":           true,
		"$aws/things/lamp/shadow/name/get/get":              true, // a shadow named "get"
		"$aws/things/bad name!/shadow/get":                  true, // the service rejects the name
		"$aws/things/lamp/shadow/get/accepted":              false,
		"$aws/things/lamp/shadow/update/delta":              false,
		"$aws/things/lamp/shadow/update/documents":          false,
		"$aws/things/lamp/shadow/name/cfg/update/accepted":  false,
		"$aws/things/lamp/shadow/name/cfg/update/documents": false,
		"$aws/things/lamp/shadow/name/update":               false,
		"$aws/things/lamp/shadow/list":                      false,
		"$aws/things/lamp/shadow/other/cfg/update":          false,
		"$aws/things/lamp/jobs/get":                         false,
		"things/lamp/shadow/update":                         false,
	} {
		if _, got := parseRequestTopic(topic); got != want {
			t.Errorf("parseRequestTopic(%q) ok = %v, want %v", topic, got, want)
		}
	}
}
