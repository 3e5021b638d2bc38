package broker

import (
	"errors"
	"strings"

	"github.com/hob-iot/hob/internal/topic"
)

// IngestPrefix starts the topics of AWS IoT's Basic Ingest
// (rules-engine spec §12): a message published on
// $aws/rules/<ruleName>/<topic...> goes to that rule only, through the
// consumers, never to subscribers, and no client may subscribe there.
const IngestPrefix = "$aws/rules/"

// isIngest reports whether name is a Basic Ingest topic.
func isIngest(name string) bool { return hasPrefix(name, IngestPrefix) }

// checkIngestTopic validates a Basic Ingest topic name: a rule name, then
// the topic the rule sees, to which alone AWS's size limits apply (the
// prefix does not count, spec §12).
func (s *Server) checkIngestTopic(name string) error {
	rule, rest, ok := strings.Cut(name[len(IngestPrefix):], "/")
	if !ok || rule == "" || rest == "" {
		return errors.New("a Basic Ingest topic is $aws/rules/<ruleName>/<topic> (rules-engine spec §12)")
	}
	if err := topic.ValidateName(name, topic.Limits{}); err != nil {
		return err
	}
	return topic.ValidateName(rest, s.cfg.Limits)
}
