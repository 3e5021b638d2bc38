package iot

import (
	"regexp"
	"unicode/utf8"
)

// NamePattern is a name constraint from the botocore iot model: a regular
// expression and a length range in characters.
type NamePattern struct {
	What     string // what the name names, for messages: "thingName"
	Re       *regexp.Regexp
	Min, Max int
}

// Name patterns of the control plane (spec §3.1, §3.4, §3.6).
var (
	ThingName       = NamePattern{"thingName", regexp.MustCompile(`^[a-zA-Z0-9:_-]+$`), 1, 128}
	ThingTypeName   = NamePattern{"thingTypeName", regexp.MustCompile(`^[a-zA-Z0-9:_-]+$`), 1, 128}
	PolicyName      = NamePattern{"policyName", regexp.MustCompile(`^[\w+=,.@-]+$`), 1, 128}
	RuleName        = NamePattern{"ruleName", regexp.MustCompile(`^[a-zA-Z0-9_]+$`), 1, 128}
	AttributeName   = NamePattern{"attributeName", regexp.MustCompile(`^[a-zA-Z0-9_.,@/:#-]+$`), 1, 128}
	AttributeValue  = NamePattern{"attributeValue", regexp.MustCompile(`^[a-zA-Z0-9_.,@/:#=\[\]-]*$`), 0, 800}
	CertificateID   = NamePattern{"certificateId", regexp.MustCompile(`^(0x)?[a-fA-F0-9]+$`), 64, 64}
	PolicyVersionID = NamePattern{"policyVersionId", regexp.MustCompile(`^[0-9]+$`), 1, 10}
)

// Check returns an InvalidRequestException naming the field and the rule
// when s does not fit p, and nil when it does.
func (p NamePattern) Check(s string) *Error {
	n := utf8.RuneCountInString(s)
	if n < p.Min || n > p.Max {
		return Errorf(InvalidRequestException, "%s %q must be %d to %d characters long", p.What, s, p.Min, p.Max)
	}
	if !p.Re.MatchString(s) {
		return Errorf(InvalidRequestException, "%s %q does not match the pattern %s", p.What, s, p.Re)
	}
	return nil
}
