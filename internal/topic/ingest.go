package topic

import "strings"

// IngestPrefix starts the topics of AWS IoT Basic Ingest,
// `$aws/rules/{ruleName}/{topic}` (rules-engine spec §12): a message
// published there goes to that rule only, and the prefix does not count
// against the size limits (spec §4.7).
const IngestPrefix = "$aws/rules/"

// basicIngestFreeSlashes is how many slashes of a Basic Ingest topic AWS
// leaves out of the count.
const basicIngestFreeSlashes = 3

// SplitIngest splits a Basic Ingest topic into the rule's name and the
// topic the rule sees. ok is false for any other topic, and for one with
// no rule name or nothing after it.
func SplitIngest(name string) (rule, rest string, ok bool) {
	after, found := strings.CutPrefix(name, IngestPrefix)
	if !found {
		return "", "", false
	}
	rule, rest, found = strings.Cut(after, "/")
	if !found || rule == "" || rest == "" {
		return "", "", false
	}
	return rule, rest, true
}

// ingestHead is the length of s's `$aws/rules/{ruleName}/` prefix, which
// AWS does not count against the byte limit; 0 for other topics.
func ingestHead(s string) int {
	if _, rest, ok := SplitIngest(s); ok {
		return len(s) - len(rest)
	}
	return 0
}
