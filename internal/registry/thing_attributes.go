package registry

import (
	"crypto/rand"
	"fmt"
	"maps"
	"slices"

	"github.com/hob-iot/hob/internal/iot"
)

// checkAttributes validates attribute names and values against the model's
// patterns, in name order so the first bad one is always the one reported.
func checkAttributes(attrs map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		if err := iot.AttributeName.Check(k); err != nil {
			return err
		}
		if err := iot.AttributeValue.Check(attrs[k]); err != nil {
			return err
		}
	}
	return nil
}

// checkAttributeCount enforces the attribute limit of a thing with
// (typed) or without a thing type.
func checkAttributeCount(attrs map[string]string, typed bool) error {
	limit, kind := maxAttributesUntyped, "without"
	if typed {
		limit, kind = maxAttributesTyped, "with"
	}
	if len(attrs) > limit {
		return iot.Errorf(iot.InvalidRequestException,
			"a thing %s a thing type can have at most %d attributes, this one would have %d", kind, limit, len(attrs))
	}
	return nil
}

// withoutEmptyValues returns attrs without the attributes whose value is
// empty (AWS: an empty value removes an attribute); nil for none.
func withoutEmptyValues(attrs map[string]string) map[string]string {
	var out map[string]string
	for k, v := range attrs {
		if v == "" {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out
}

// newResourceID returns a random (version 4) UUID for thing and thing type
// ids.
func newResourceID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
