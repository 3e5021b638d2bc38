package policy

import (
	"cmp"
	"net/netip"
	"strings"
)

// holds reports whether c is true of req, following IAM (spec §2.5):
//   - a key absent from the request (or with no values) makes IfExists
//     operators and ForAllValues: true, ForAnyValue: false, negated
//     operators true and the rest false;
//   - without a prefix, the request's values match if any of them matches
//     any policy value; a negated operator holds when none does;
//   - ForAllValues: needs every request value to match (for a negated
//     operator: to match none of the policy values), ForAnyValue: one.
func (c *Condition) holds(req *Request) bool {
	vals, present := req.conditionValues(c.Key)
	absent := !present || len(vals) == 0
	if c.op.kind == kNull {
		return c.nullHolds(absent, req)
	}
	if absent {
		switch {
		case c.op.ifExists, c.op.set == setForAll:
			return true
		case c.op.set == setForAny:
			return false
		}
		return c.op.negate
	}
	switch c.op.set {
	case setForAll:
		for _, v := range vals {
			if c.matchesOne(v, req) == c.op.negate {
				return false
			}
		}
		return true
	case setForAny:
		for _, v := range vals {
			if c.matchesOne(v, req) != c.op.negate {
				return true
			}
		}
		return false
	}
	for _, v := range vals {
		if c.matchesOne(v, req) {
			return !c.op.negate
		}
	}
	return c.op.negate
}

// nullHolds: Null with "true" holds when the key is absent, with "false"
// when it is present.
func (c *Condition) nullHolds(absent bool, req *Request) bool {
	for i := range c.values {
		tv, ok := c.values[i].resolved(kNull, req)
		if ok && tv.truth == absent {
			return true
		}
	}
	return false
}

// matchesOne reports whether request value v matches any policy value.
func (c *Condition) matchesOne(v string, req *Request) bool {
	for i := range c.values {
		if c.values[i].matches(c.op.baseOp, v, req) {
			return true
		}
	}
	return false
}

// matches compares one policy value with one request value v under op,
// ignoring op.negate.
func (pv *condValue) matches(op baseOp, v string, req *Request) bool {
	switch op.kind {
	case kString, kBinary, kStringLike:
		return pv.pat.match(v, req, false)
	case kStringFold:
		return pv.pat.match(v, req, true)
	case kArn:
		if pv.arn == nil {
			return pv.pat.match(v, req, false)
		}
		return matchARN(pv.arn, v, req)
	}
	tv, ok := pv.resolved(op.kind, req)
	if !ok {
		return false
	}
	switch op.kind {
	case kNumeric:
		x, ok := parseNumber(v)
		return ok && compares(cmp.Compare(x, tv.num), op.cmp)
	case kDate:
		t, ok := parseDate(v)
		return ok && compares(t.Compare(tv.when), op.cmp)
	case kBool:
		b, ok := parseBool(v)
		return ok && b == tv.truth
	case kIP:
		a, err := netip.ParseAddr(v)
		return err == nil && tv.net.Contains(a.Unmap())
	}
	return false
}

// resolved returns pv with its typed fields valid, substituting variables
// first when the value has them; ok is false if the result does not parse.
func (pv *condValue) resolved(k opKind, req *Request) (condValue, bool) {
	if pv.typed {
		return *pv, true
	}
	tv := *pv
	return tv, tv.parseTyped(k, pv.pat.expand(req)) == nil
}

// compares reports whether a three-way comparison result c satisfies op.
func compares(c int, op cmpOp) bool {
	switch op {
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	case cmpGe:
		return c >= 0
	}
	return c == 0
}

// matchARN matches the six colon-separated components of v, the last
// taking any further colons, against parts (IAM's ArnLike/ArnEquals).
func matchARN(parts []pattern, v string, req *Request) bool {
	rest := v
	for i := range parts {
		comp := rest
		if i < len(parts)-1 {
			j := strings.IndexByte(rest, ':')
			if j < 0 {
				return false
			}
			comp, rest = rest[:j], rest[j+1:]
		}
		if !parts[i].match(comp, req, false) {
			return false
		}
	}
	return true
}
