package topic

import "strings"

// MaxMQTTBytes is the longest topic name or filter MQTT can carry: it
// travels as a UTF-8 string with a two-byte length [MQTT-4.7.3-3].
const MaxMQTTBytes = 65535

// Limits are the size limits a deployment applies to topic names and
// filters on top of MQTT's own rules. A zero field means "no limit beyond
// MQTT's": the zero Limits checks the protocol only.
type Limits struct {
	// MaxBytes caps the length in bytes of a topic name, or of the topic
	// filter inside a shared subscription (without `$share/{name}/`); a
	// Basic Ingest topic's `$aws/rules/{ruleName}/` does not count (rules
	// spec §12). MQTT's own cap, MaxMQTTBytes, always applies.
	MaxBytes int
	// MaxSlashes caps the number of `/` characters, counted as AWS counts
	// them: the first three of `$aws/rules/{ruleName}/` and the two of
	// `$share/{ShareName}/` are free (spec §4.7). Seven slashes make
	// eight levels.
	MaxSlashes int
	// MaxShareNameBytes caps the ShareName of a shared subscription.
	MaxShareNameBytes int
}

// DefaultLimits returns AWS IoT Core's default limits (spec §4.7, §4.8,
// §4.11): topic names and filters of at most 256 bytes and 7 slashes,
// ShareNames of at most 128 bytes.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 256, MaxSlashes: 7, MaxShareNameBytes: 128}
}

// countedSlashes counts the slashes of a topic name or of a filter that is
// not shared, leaving out the ones AWS does not count.
func countedSlashes(s string) int {
	n := strings.Count(s, "/")
	if strings.HasPrefix(s, IngestPrefix) {
		n -= min(n, basicIngestFreeSlashes)
	}
	return n
}

// checkSize applies lim's MaxBytes and MaxSlashes, and MQTT's length cap,
// to s, which is a name or a filter without its `$share/{name}/` prefix;
// base is the offset of s in the string the caller validates, for errors.
func checkSize(s string, base int, lim Limits) *Error {
	if len(s) > MaxMQTTBytes {
		return sizeError(ErrTooLong, base+MaxMQTTBytes, len(s), MaxMQTTBytes, "bytes")
	}
	if head := ingestHead(s); lim.MaxBytes > 0 && len(s)-head > lim.MaxBytes {
		return sizeError(ErrTooLong, base+head+lim.MaxBytes, len(s)-head, lim.MaxBytes, "bytes")
	}
	if lim.MaxSlashes > 0 {
		if n := countedSlashes(s); n > lim.MaxSlashes {
			return sizeError(ErrTooManySlashes, base+nthSlash(s, n-lim.MaxSlashes), n, lim.MaxSlashes, "counted slashes")
		}
	}
	return nil
}

// nthSlash returns the offset of the slash that took the count over the
// limit: the k-th slash counted from the end of s.
func nthSlash(s string, k int) int {
	i := len(s)
	for ; k > 0; k-- {
		i = strings.LastIndexByte(s[:i], '/')
	}
	return i
}
