// Package topic validates MQTT topic names and filters with AWS IoT Core's
// limits, matches filters against names, and keeps the broker's
// subscription index. It uses only the standard library.
//
// # Basics
//
// ValidateName checks the topic of a PUBLISH, ValidateFilter a filter of a
// SUBSCRIBE; both return an *Error that wraps one of the Err* sentinels and
// gives the byte offset of the fault. Limits holds the deployment's size
// limits; DefaultLimits returns AWS's (256 bytes, 7 slashes, ShareNames of
// 128 bytes), and the zero Limits applies MQTT's rules only. ParseShared
// splits a shared subscription `$share/{ShareName}/{filter}`.
//
// Match (and Mode.Match) tells whether one filter matches one name.
// Index[K, V] holds many: Subscribe and Unsubscribe maintain it, and
// Match or AppendMatches report every subscription whose filter matches a
// name, without allocating per subscriber. A shared group is reported once,
// as a *Group, and the broker delivers to one member, usually chosen by
// Group.Pick. See Index for the concurrency scheme.
//
// # AWS IoT and the MQTT specification
//
// hob follows AWS IoT Core where it differs from MQTT (spec aws-iot.md):
//
//   - `sensor/#` does not match `sensor` on AWS IoT (§4.2, §6 gotcha 7),
//     while MQTT says it does (MQTT 3.1.1 and 5.0 §4.7.1.2). Mode AWS, the
//     zero Mode, is the default; Mode MQTT gives the specification's
//     behaviour, for a deployment that wants it. Both modes agree that `#`
//     alone matches every name not starting with `$`, and that `sensor/#`
//     matches `sensor/`.
//   - Names and filters are limited to 256 bytes and 7 slashes; the first
//     three slashes of `$aws/rules/{ruleName}/` (Basic Ingest) and the two
//     of `$share/{ShareName}/` are not counted (§4.7, §4.11). A ShareName
//     is limited to 128 bytes, and a shared subscription's 256 bytes apply
//     to its inner filter (§4.8).
//   - Shared subscriptions use MQTT 5's syntax on MQTT 3.1.1 too (§4.8).
//   - AWS delivers stored retained messages only to a subscription whose
//     filter equals the topic exactly (§4.5, §6 gotcha 6). That is not
//     matching: the broker looks retained messages up by the filter itself,
//     and does not use Match for them.
//
// As MQTT requires, filters starting with `+` or `#` do not match names
// starting with `$` [MQTT-4.7.2-1], so `#` does not see `$aws/...` traffic,
// while `$aws/things/+/shadow/#` does.
//
// # Caveats
//
//   - Control characters (U+0001 to U+001F, U+007F to U+009F) and Unicode
//     non-characters are accepted: MQTT only says they SHOULD NOT be used
//     (§1.5.4), and AWS documents no rule.
//   - Which `$...` topics a client may use is not checked here: the broker
//     and the policy engine decide that (§4.7).
//   - Group.Pick is round robin; AWS picks a random online member (§4.8).
//     Either satisfies "one member per group per message".
package topic
