package bus

import (
	"strings"
	"testing"

	"github.com/hob-iot/hob/internal/topic"
	"github.com/nats-io/nats-server/v2/server"
)

// FuzzSubject checks that Subject is injective (subjectTopic inverts it,
// and only accepts its results), that its subjects are literal and free
// of whitespace, and that two different topics get different subjects.
func FuzzSubject(f *testing.F) {
	for _, tc := range subjectCases {
		f.Add(tc.topic, tc.subject)
	}
	f.Add("a.b", "a%2Eb")
	f.Add("a/b", "a.b")
	f.Add("", "/")
	f.Add("a", "hob.dm.a")
	f.Add("$a", "hob.ds.$a")
	f.Fuzz(func(t *testing.T, a, b string) {
		checkSubject(t, a)
		if a != b && Subject(a) == Subject(b) {
			t.Fatalf("Subject(%q) == Subject(%q) == %q", a, b, Subject(a))
		}
		if name, err := subjectTopic(b); err == nil && Subject(name) != b && durableSubject(Subject(name)) != b {
			t.Fatalf("subjectTopic(%q) = %q, whose subjects are %q and %q", b, name, Subject(name), durableSubject(Subject(name)))
		}
	})
}

// checkSubject checks Subject(name), its durable twin, and their inverse.
func checkSubject(t *testing.T, name string) {
	t.Helper()
	checkLiteral(t, name, Subject(name))
	checkLiteral(t, name, durableSubject(Subject(name)))
}

// checkLiteral checks s, a subject of topic name.
func checkLiteral(t *testing.T, name, s string) {
	t.Helper()
	if !server.IsValidPublishSubject(s) {
		t.Fatalf("the subject %q of %q is not a valid literal subject", s, name)
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }); i >= 0 {
		t.Fatalf("the subject %q of %q has whitespace or a control byte at %d", s, name, i)
	}
	for _, tok := range strings.Split(s, ".") {
		if tok == "*" || tok == ">" {
			t.Fatalf("the subject %q of %q has a wildcard token", s, name)
		}
	}
	back, err := subjectTopic(s)
	if err != nil || back != name {
		t.Fatalf("subjectTopic(%q), a subject of %q, = %q, %v", s, name, back, err)
	}
}

// FuzzFilterSubjects checks, with nats-server's own subject matching,
// that the subjects of a valid filter match the subject of a valid topic
// name exactly when the filter matches the name under MQTT's semantics
// (topic.MQTT; a shared subscription by its inner filter).
func FuzzFilterSubjects(f *testing.F) {
	for _, tc := range filterCases {
		for _, s := range subjectCases {
			f.Add(tc.filter, s.topic)
		}
	}
	f.Add("#", "$SYS/x")
	f.Add("+/+", "$aws/x")
	f.Add("a/#", "a")
	f.Add("a/+/#", "a/b")
	f.Add("+", "")
	f.Fuzz(func(t *testing.T, filter, name string) {
		subjects := FilterSubjects(filter) // must not panic, valid or not
		if topic.ValidateFilter(filter, topic.Limits{}) != nil || topic.ValidateName(name, topic.Limits{}) != nil {
			return
		}
		inner := filter
		if _, f, shared, err := topic.ParseShared(filter); shared && err == nil {
			inner = f
		}
		subject := Subject(name)
		got := false
		for _, s := range subjects {
			if !server.IsValidSubject(s) {
				t.Fatalf("FilterSubjects(%q) has the invalid subject %q", filter, s)
			}
			got = got || server.SubjectMatchesFilter(subject, s)
		}
		if want := topic.MQTT.Match(inner, name); got != want {
			t.Fatalf("filter %q, name %q: subjects %q match %q: %v; MQTT match: %v",
				filter, name, subjects, subject, got, want)
		}
	})
}
