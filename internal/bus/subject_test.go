package bus

import (
	"errors"
	"slices"
	"testing"
)

// subjectCases map topic names to their subjects.
var subjectCases = []struct{ topic, subject string }{
	{"a/b", "hob.m.a.b"},
	{"a", "hob.m.a"},
	{"a.b/c", "hob.m.a%2Eb.c"},
	{"a/*/>", "hob.m.a.%2A.%3E"},
	{"a*/b>", "hob.m.a%2A.b%3E"},
	{"/a", "hob.m.%.a"},
	{"a/", "hob.m.a.%"},
	{"a//b", "hob.m.a.%.b"},
	{"/", "hob.m.%.%"},
	{"", "hob.m.%"},
	{"%", "hob.m.%25"},
	{"%25", "hob.m.%2525"},
	{"a b\t\r\n\x7f\x01", "hob.m.a%20b%09%0D%0A%7F%01"},
	{"$aws/things/t1/shadow/update", "hob.s.$aws.things.t1.shadow.update"},
	{"$", "hob.s.$"},
	{"a$/b", "hob.m.a$.b"},
	{"é/温度", "hob.m.é.温度"},
	{"dev-1_x/A:Z,@!~", "hob.m.dev-1_x.A:Z,@!~"},
}

func TestSubject(t *testing.T) {
	for _, tc := range subjectCases {
		if got := Subject(tc.topic); got != tc.subject {
			t.Errorf("Subject(%q) = %q, want %q", tc.topic, got, tc.subject)
		}
		got, err := subjectTopic(tc.subject)
		if err != nil || got != tc.topic {
			t.Errorf("subjectTopic(%q) = %q, %v; want %q", tc.subject, got, err, tc.topic)
		}
	}
}

func TestSubjectTopic_Rejects(t *testing.T) {
	for _, s := range []string{
		"", "hob.m.", "hob.m", "hob.x.a", "hob.m.a..b", "hob.m.a.", // no topic, bad prefix, empty token
		"hob.m.%41",                        // 'A' needs no escape: not canonical
		"hob.m.%2e",                        // lower-case hex
		"hob.m.%2", "hob.m.a%", "hob.m.%%", // cut short
		"hob.m.$a",             // a '$' topic under the plain prefix
		"hob.s.a",              // a plain topic under the '$' prefix
		"hob.m.a b",            // a byte that should be escaped
		"hob.m.a.*", "hob.m.>", // wildcards
	} {
		if topic, err := subjectTopic(s); !errors.Is(err, errBadSubject) {
			t.Errorf("subjectTopic(%q) = %q, %v; want errBadSubject", s, topic, err)
		}
	}
}

// filterCases map filters to their subjects.
var filterCases = []struct {
	filter   string
	subjects []string
}{
	{"a/b", []string{"hob.m.a.b"}},
	{"a/+", []string{"hob.m.a.*"}},
	{"a/+/c", []string{"hob.m.a.*.c"}},
	{"a/#", []string{"hob.m.a.>", "hob.m.a"}},
	{"#", []string{"hob.m.>"}},
	{"+", []string{"hob.m.*"}},
	{"+/#", []string{"hob.m.*.>", "hob.m.*"}},
	{"/#", []string{"hob.m.%.>", "hob.m.%"}},
	{"a//+", []string{"hob.m.a.%.*"}},
	{"a.b/*/>", []string{"hob.m.a%2Eb.%2A.%3E"}},
	{"$aws/things/+/shadow/#", []string{"hob.s.$aws.things.*.shadow.>", "hob.s.$aws.things.*.shadow"}},
	{"$SYS/#", []string{"hob.s.$SYS.>", "hob.s.$SYS"}},
	{"$share/g/a/+", []string{"hob.m.a.*"}},
	{"$share/g/$aws/#", []string{"hob.s.$aws.>", "hob.s.$aws"}},
	{"a+/b#", []string{"hob.m.a+.b#"}}, // invalid: kept literally
	{"", nil},
}

func TestFilterSubjects(t *testing.T) {
	for _, tc := range filterCases {
		if got := FilterSubjects(tc.filter); !slices.Equal(got, tc.subjects) {
			t.Errorf("FilterSubjects(%q) = %q, want %q", tc.filter, got, tc.subjects)
		}
	}
}
