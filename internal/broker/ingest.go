package broker

import (
	"errors"

	"github.com/hob-iot/hob/internal/topic"
)

// Basic Ingest (rules-engine spec §12): a message published on
// $aws/rules/<ruleName>/<topic...> goes to that rule only, through the
// consumers, never to subscribers, and no client may subscribe there.
// The topic package knows the prefix and leaves it out of the size
// limits.

// isIngest reports whether name (a topic or a filter) is under the Basic
// Ingest prefix.
func isIngest(name string) bool { return hasPrefix(name, topic.IngestPrefix) }

// checkIngestTopic validates a Basic Ingest topic name: a rule name and
// the topic the rule sees, within the deployment's limits.
func (s *Server) checkIngestTopic(name string) error {
	if _, _, ok := topic.SplitIngest(name); !ok {
		return errors.New("a Basic Ingest topic is $aws/rules/<ruleName>/<topic> (rules-engine spec §12)")
	}
	return topic.ValidateName(name, s.cfg.Limits)
}
