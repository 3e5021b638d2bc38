package bus

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hob-iot/hob/internal/topic"
)

// Subject prefixes of forwarded messages. A topic whose first level starts
// with '$' lives under prefixSystem, every other topic under prefixTopic,
// so that MQTT's rule that `+` and `#` at the start of a filter do not
// match `$...` names [MQTT-4.7.2-1] holds in NATS too: those filters
// subscribe under prefixTopic only.
const (
	prefixTopic  = "hob.m."
	prefixSystem = "hob.s."
)

// Durable messages (Forward with durable set) live in a subject space of
// their own, which the stream HOB_DURABLE captures: the prefix "hob.m."
// becomes "hob.dm.", "hob.s." becomes "hob.ds.", and the levels stay as
// Subject maps them. Interest subscribes to both spaces.
const (
	prefixDurableTopic  = "hob.dm."
	prefixDurableSystem = "hob.ds."
)

// MaxSubjectBytes bounds the subjects the bus publishes and subscribes to.
// NATS refuses protocol lines over 4096 bytes by default (and closes the
// connection that sent one), so Forward refuses, and Interest ignores, a
// topic or filter whose subject would be longer. A topic within AWS IoT's
// 256 bytes always fits: escaping at most triples it.
const MaxSubjectBytes = 3072

// emptyToken stands for an empty MQTT level. Every escaped byte is '%'
// followed by two hex digits, so a token that is '%' alone is nothing else.
const emptyToken = "%"

const hexDigits = "0123456789ABCDEF"

// errBadSubject says a subject is not the image of any topic.
var errBadSubject = errors.New("not a subject of a forwarded topic")

// Subject returns the NATS subject that messages on an MQTT topic name are
// forwarded on. Each level of the topic becomes one token; a token is the
// level with every byte that NATS would read as a separator, a wildcard or
// whitespace ('.', '*', '>', bytes up to 0x20, 0x7f) and the escape byte
// '%' itself written as '%' and two upper-case hex digits, and an empty
// level is the token "%". The mapping is injective (subjectTopic inverts
// it), and its result is a literal subject: no token is a wildcard and no
// byte is whitespace. Other bytes, including UTF-8 sequences, are kept.
func Subject(name string) string {
	var b strings.Builder
	b.Grow(len(prefixTopic) + len(name) + 8)
	b.WriteString(prefixOf(name))
	for i, level := range strings.Split(name, "/") {
		if i > 0 {
			b.WriteByte('.')
		}
		writeToken(&b, level)
	}
	return b.String()
}

// FilterSubjects returns the NATS subjects whose union matches exactly the
// subjects of the topic names the MQTT filter matches with MQTT's
// semantics (topic.MQTT): levels map as in Subject, `+` becomes `*`, and a
// final `#` becomes `>` plus the parent level's own subject, since `a/#`
// matches `a` [MQTT-4.7.1-2] while `a.>` does not match `a`. Under AWS
// IoT's semantics (`a/#` does not match `a`) the result is a superset; the
// node's own matching drops the extra messages. A shared subscription
// `$share/{ShareName}/{filter}` stands for its inner filter.
//
// filter should be valid (topic.ValidateFilter); `+` or `#` that are not a
// whole level are kept as ordinary characters, so an invalid filter gets
// subjects that match what it would literally say.
func FilterSubjects(filter string) []string {
	if _, inner, shared, err := topic.ParseShared(filter); shared && err == nil {
		filter = inner
	}
	if filter == "" {
		return nil
	}
	levels := strings.Split(filter, "/")
	last := len(levels) - 1
	var b strings.Builder
	b.WriteString(prefixOf(filter))
	for i, level := range levels {
		switch {
		case i == last && level == "#" && i == 0:
			return []string{b.String() + ">"}
		case i == last && level == "#":
			parent := b.String()
			return []string{parent + ">", parent[:len(parent)-1]}
		case level == "+":
			b.WriteByte('*')
		default:
			writeToken(&b, level)
		}
		if i < last {
			b.WriteByte('.')
		}
	}
	return []string{b.String()}
}

// prefixOf returns the subject prefix for a topic name or a filter: a
// filter starting with a wildcard is not a `$` one.
func prefixOf(s string) string {
	if s != "" && s[0] == '$' {
		return prefixSystem
	}
	return prefixTopic
}

// writeToken writes one MQTT level as a subject token.
func writeToken(b *strings.Builder, level string) {
	if level == "" {
		b.WriteString(emptyToken)
		return
	}
	for i := 0; i < len(level); i++ {
		c := level[i]
		if !escaped(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
}

// escaped reports whether Subject writes byte c as %XX.
func escaped(c byte) bool {
	return c <= ' ' || c == 0x7f || c == '.' || c == '*' || c == '>' || c == '%'
}

// durableSubject returns the durable twin of a subject or filter subject
// of the plain space (Subject, FilterSubjects): "hob.m.a.b" becomes
// "hob.dm.a.b". Like the plain mapping it is injective.
func durableSubject(subject string) string {
	return "hob.d" + strings.TrimPrefix(subject, "hob.")
}

// subjectTopic returns the topic name whose Subject, or whose Subject's
// durable twin, is subject. It accepts exactly those, so a subject that
// no topic maps to (a non-canonical escape, an unknown prefix, a '$'
// topic under the wrong prefix) is an error.
func subjectTopic(subject string) (string, error) {
	var rest, prefix string
	ok := false
	for _, p := range [][2]string{
		{prefixTopic, prefixTopic}, {prefixSystem, prefixSystem},
		{prefixDurableTopic, prefixTopic}, {prefixDurableSystem, prefixSystem},
	} {
		if rest, ok = strings.CutPrefix(subject, p[0]); ok {
			prefix = p[1]
			break
		}
	}
	if !ok || rest == "" {
		return "", fmt.Errorf("bus: %q: %w", subject, errBadSubject)
	}
	var b strings.Builder
	b.Grow(len(rest))
	for i, token := range strings.Split(rest, ".") {
		if i > 0 {
			b.WriteByte('/')
		}
		if err := readToken(&b, token); err != nil {
			return "", fmt.Errorf("bus: %q: %w: %v", subject, errBadSubject, err)
		}
	}
	name := b.String()
	if prefixOf(name) != prefix {
		return "", fmt.Errorf("bus: %q: %w: wrong prefix for the topic", subject, errBadSubject)
	}
	return name, nil
}

// readToken appends the MQTT level that token stands for.
func readToken(b *strings.Builder, token string) error {
	switch token {
	case emptyToken:
		return nil
	case "":
		return errors.New("empty token")
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if c != '%' {
			if escaped(c) {
				return fmt.Errorf("byte %#x is not escaped", c)
			}
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(token) {
			return fmt.Errorf("escape at %d is cut short", i)
		}
		hi, lo := strings.IndexByte(hexDigits, token[i+1]), strings.IndexByte(hexDigits, token[i+2])
		if hi < 0 || lo < 0 || !escaped(byte(hi<<4|lo)) {
			return fmt.Errorf("escape %q is not canonical", token[i:i+3])
		}
		b.WriteByte(byte(hi<<4 | lo))
		i += 2
	}
	return nil
}
