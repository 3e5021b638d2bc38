package policy

import (
	"fmt"
	"strings"
)

// opKind is the family of a condition operator: how a policy value is
// compared with a request value.
type opKind uint8

const (
	kString     opKind = iota // exact, case-sensitive
	kStringFold               // exact, ignoring case
	kStringLike               // `*` and `?` wildcards
	kNumeric
	kDate
	kBool
	kBinary // base64 text, compared exactly
	kIP     // CIDR or single address
	kArn    // per-component match with wildcards
	kNull   // presence test
)

// cmpOp is the comparison of a Numeric* or Date* operator.
type cmpOp uint8

const (
	cmpEq cmpOp = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

// setQual is a ForAllValues: or ForAnyValue: prefix.
type setQual uint8

const (
	setNone setQual = iota
	setForAll
	setForAny
)

// baseOp is a condition operator without its prefix and IfExists suffix.
// A negated operator holds when its positive twin does not.
type baseOp struct {
	kind   opKind
	cmp    cmpOp
	negate bool
}

// baseOps are IAM's condition operators, the set AWS IoT policies use
// (spec §2.5).
var baseOps = map[string]baseOp{
	"StringEquals":              {kind: kString},
	"StringNotEquals":           {kind: kString, negate: true},
	"StringEqualsIgnoreCase":    {kind: kStringFold},
	"StringNotEqualsIgnoreCase": {kind: kStringFold, negate: true},
	"StringLike":                {kind: kStringLike},
	"StringNotLike":             {kind: kStringLike, negate: true},
	"NumericEquals":             {kind: kNumeric, cmp: cmpEq},
	"NumericNotEquals":          {kind: kNumeric, cmp: cmpEq, negate: true},
	"NumericLessThan":           {kind: kNumeric, cmp: cmpLt},
	"NumericLessThanEquals":     {kind: kNumeric, cmp: cmpLe},
	"NumericGreaterThan":        {kind: kNumeric, cmp: cmpGt},
	"NumericGreaterThanEquals":  {kind: kNumeric, cmp: cmpGe},
	"DateEquals":                {kind: kDate, cmp: cmpEq},
	"DateNotEquals":             {kind: kDate, cmp: cmpEq, negate: true},
	"DateLessThan":              {kind: kDate, cmp: cmpLt},
	"DateLessThanEquals":        {kind: kDate, cmp: cmpLe},
	"DateGreaterThan":           {kind: kDate, cmp: cmpGt},
	"DateGreaterThanEquals":     {kind: kDate, cmp: cmpGe},
	"Bool":                      {kind: kBool},
	"BinaryEquals":              {kind: kBinary},
	"IpAddress":                 {kind: kIP},
	"NotIpAddress":              {kind: kIP, negate: true},
	"ArnEquals":                 {kind: kArn},
	"ArnLike":                   {kind: kArn},
	"ArnNotEquals":              {kind: kArn, negate: true},
	"ArnNotLike":                {kind: kArn, negate: true},
	"Null":                      {kind: kNull},
}

// operator is a parsed condition operator such as
// "ForAnyValue:StringLikeIfExists".
type operator struct {
	baseOp
	set      setQual
	ifExists bool
}

// parseOperator splits name into prefix, base operator and IfExists
// suffix. Null takes neither a prefix nor the suffix, as in IAM.
func parseOperator(name string) (operator, error) {
	var op operator
	rest := name
	if r, ok := strings.CutPrefix(rest, "ForAllValues:"); ok {
		op.set, rest = setForAll, r
	} else if r, ok := strings.CutPrefix(rest, "ForAnyValue:"); ok {
		op.set, rest = setForAny, r
	}
	if r, ok := strings.CutSuffix(rest, "IfExists"); ok {
		op.ifExists, rest = true, r
	}
	b, ok := baseOps[rest]
	if !ok {
		return op, fmt.Errorf("unknown condition operator %q", name)
	}
	if b.kind == kNull && (op.ifExists || op.set != setNone) {
		return op, fmt.Errorf("condition operator %q is not allowed: Null takes no prefix or IfExists", name)
	}
	op.baseOp = b
	return op, nil
}
