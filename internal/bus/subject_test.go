package bus

import (
	"errors"
	"fmt"
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
		durable := "hob.d" + tc.subject[len("hob."):]
		if got := durableSubject(tc.subject); got != durable {
			t.Errorf("durableSubject(%q) = %q, want %q", tc.subject, got, durable)
		}
		got, err = subjectTopic(durable)
		if err != nil || got != tc.topic {
			t.Errorf("subjectTopic(%q) = %q, %v; want %q", durable, got, err, tc.topic)
		}
	}
}

func TestReplaySubjects(t *testing.T) {
	for _, tc := range []struct {
		filters []string
		want    []string
	}{
		{nil, nil},
		{[]string{"a/b"}, []string{"hob.dm.a.b"}},
		{[]string{"a/+", "a/#", "a/b", "$share/g/a/c"}, []string{"hob.dm.a", "hob.dm.a.>"}},
		{[]string{"#", "$aws/#", "x/y"}, []string{"hob.dm.>", "hob.ds.$aws", "hob.ds.$aws.>"}},
		{[]string{"+/b", "a/+"}, []string{"hob.dm.*.b", "hob.dm.a.*"}}, // they overlap, but neither holds the other
		{[]string{"", "a/b", "a/b"}, []string{"hob.dm.a.b"}},
	} {
		if got := replaySubjects(tc.filters); !slices.Equal(got, tc.want) {
			t.Errorf("replaySubjects(%q) = %q, want %q", tc.filters, got, tc.want)
		}
	}
	many := make([]string, maxReplayFilters+1)
	for i := range many {
		many[i] = fmt.Sprintf("hob.dm.f%d", i)
	}
	if got := consumerFilters(many); !slices.Equal(got, []string{"hob.dm.>"}) {
		t.Errorf("consumerFilters of %d subjects: %q", len(many), got)
	}
	if got := consumerFilters(append(many, "hob.ds.$x")); !slices.Equal(got, []string{"hob.dm.>", "hob.ds.>"}) {
		t.Errorf("consumerFilters of %d subjects: %q", len(many)+1, got)
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
		"hob.dm.$a", "hob.ds.a", "hob.dm.", "hob.d.a", "hob.dx.a", // the durable space follows the same rules
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
