// Package policy parses and evaluates AWS IoT Core policy documents (spec
// §2): the IAM-style JSON language that CreatePolicy accepts and that the
// broker consults on every connect, publish, subscribe and delivery.
//
// # Basics
//
// Parse validates a document the way CreatePolicy does and returns a
// *Document whose patterns are compiled once; every failure is an
// *iot.Error with code iot.MalformedPolicyException whose message names the
// element at fault, e.g. `Statement[1].Effect must be Allow or Deny, got
// "Permit"`. Evaluate takes the documents attached to a principal and one
// Request (action, resource ARN, policy variables, condition keys) and
// returns a Decision: an explicit Deny in any statement wins, then any
// Allow, else the request is implicitly denied (spec §2.6).
//
// # Matching
//
// Resources are matched case-sensitively; `*` matches any run of
// characters, including `/`, and `?` exactly one character; MQTT's `+` and
// `#` are plain characters (spec §2.3). Action names are matched without
// regard to case, as IAM does. In documents of Version 2012-10-17, policy
// variables such as ${iot:ClientId} are replaced by their value, taken
// literally (a value's own `*` is not a wildcard); a variable without a
// value stays as the literal text ${...}, so the statement normally fails to
// match (spec §2.4). ${*}, ${?} and ${$} stand for a literal `*`, `?`, `$`.
// Documents of Version 2008-10-17 have no variables, as in IAM.
//
// # Caveats
//
//   - Version is required (AWS IoT's documentation always shows it; IAM's
//     managed policies require it). hob does not know whether AWS IoT's
//     CreatePolicy accepts a document without it.
//   - Besides `iot:` actions, `greengrass:` action patterns are accepted
//     without checking their names, because AWS's Greengrass guides put
//     them in IoT policies. No other service prefix is accepted.
//   - Resources must be `*` or start with `arn:`; AWS's exact rule is not
//     documented.
//   - Condition values may be JSON strings, numbers or booleans, as in IAM.
//     Values of Bool, Null, Numeric*, Date* and IpAddress operators are
//     checked for their type unless they contain a policy variable.
package policy
