package action

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// siteWisePutEntry is one entry of the BatchPutAssetPropertyValue body,
// rendered and converted.
type siteWisePutEntry struct {
	EntryID        string             `json:"entryId"`
	AssetID        string             `json:"assetId,omitempty"`
	PropertyID     string             `json:"propertyId,omitempty"`
	PropertyAlias  string             `json:"propertyAlias,omitempty"`
	PropertyValues []siteWisePutValue `json:"propertyValues"`
}

// siteWisePutValue is one converted value (TQV) of an entry.
type siteWisePutValue struct {
	Value struct {
		StringValue  *string  `json:"stringValue,omitempty"`
		IntegerValue *int64   `json:"integerValue,omitempty"`
		DoubleValue  *float64 `json:"doubleValue,omitempty"`
		BooleanValue *bool    `json:"booleanValue,omitempty"`
	} `json:"value"`
	Timestamp struct {
		TimeInSeconds int64 `json:"timeInSeconds"`
		OffsetInNanos int64 `json:"offsetInNanos"`
	} `json:"timestamp"`
	Quality string `json:"quality,omitempty"`
}

// entries renders and converts every entry of one firing. Errors name the
// field the way validation does.
func (a *siteWiseAction) entries(inv *Invocation) ([]siteWisePutEntry, error) {
	out := make([]siteWisePutEntry, len(a.p.Entries))
	for i, e := range a.p.Entries {
		f := fmt.Sprintf("putAssetPropertyValueEntries.%d.member.", i+1)
		r := renderer{inv: inv}
		out[i] = siteWisePutEntry{EntryID: r.get(e.EntryID), AssetID: r.get(e.AssetID),
			PropertyID: r.get(e.PropertyID), PropertyAlias: r.get(e.PropertyAlias)}
		if r.err != nil {
			return nil, r.err
		}
		if out[i].EntryID == "" {
			out[i].EntryID = uuid.NewString()
		}
		if out[i].PropertyAlias == "" && (out[i].AssetID == "" || out[i].PropertyID == "") {
			return nil, fmt.Errorf("%s names no property: propertyAlias and assetId or propertyId rendered empty", strings.TrimSuffix(f, "."))
		}
		for j, v := range e.PropertyValues {
			pv, err := convertSiteWiseValue(inv, fmt.Sprintf("%spropertyValues.%d.member.", f, j+1), v)
			if err != nil {
				return nil, err
			}
			out[i].PropertyValues = append(out[i].PropertyValues, pv)
		}
	}
	return out, nil
}

// convertSiteWiseValue renders one value and converts its text: an
// integerValue to a 32-bit integer (AWS's type), a doubleValue to a
// finite number, a booleanValue from "true" or "false" (in any case),
// timeInSeconds to a positive integer and offsetInNanos (0 when absent)
// to 0..999999999. f prefixes the field names.
func convertSiteWiseValue(inv *Invocation, f string, v siteWiseValue) (siteWisePutValue, error) {
	var out siteWisePutValue
	r := renderer{inv: inv}
	sv, iv, dv, bv := renderOpt(&r, v.Value.StringValue), renderOpt(&r, v.Value.IntegerValue),
		renderOpt(&r, v.Value.DoubleValue), renderOpt(&r, v.Value.BooleanValue)
	secs, nanos, quality := r.get(v.Timestamp.TimeInSeconds), r.get(v.Timestamp.OffsetInNanos), r.get(v.Quality)
	if r.err != nil {
		return out, r.err
	}
	out.Value.StringValue = sv
	var err error
	switch {
	case iv != nil:
		n, perr := strconv.ParseInt(strings.TrimSpace(*iv), 10, 32)
		out.Value.IntegerValue, err = &n, convErr(perr, f+"value.integerValue", *iv, "a 32-bit integer")
	case dv != nil:
		x, perr := strconv.ParseFloat(strings.TrimSpace(*dv), 64)
		if perr == nil && (math.IsNaN(x) || math.IsInf(x, 0)) {
			perr = strconv.ErrRange
		}
		out.Value.DoubleValue, err = &x, convErr(perr, f+"value.doubleValue", *dv, "a finite number")
	case bv != nil:
		t := strings.ToLower(strings.TrimSpace(*bv))
		var perr error
		if t != "true" && t != "false" {
			perr = strconv.ErrSyntax
		}
		b := t == "true"
		out.Value.BooleanValue, err = &b, convErr(perr, f+"value.booleanValue", *bv, "true or false")
	}
	if err != nil {
		return out, err
	}
	if out.Timestamp.TimeInSeconds, err = parseRange(f+"timestamp.timeInSeconds", secs, 1, math.MaxInt64); err != nil {
		return out, err
	}
	if nanos != "" {
		if out.Timestamp.OffsetInNanos, err = parseRange(f+"timestamp.offsetInNanos", nanos, 0, 999999999); err != nil {
			return out, err
		}
	}
	if quality != "" && !slices.Contains(siteWiseQualities, quality) {
		return out, fmt.Errorf("%squality %q is not one of %s", f, quality, strings.Join(siteWiseQualities, ", "))
	}
	out.Quality = quality
	return out, nil
}

// renderOpt renders an optional template field; nil stays nil.
func renderOpt(r *renderer, text *string) *string {
	if text == nil {
		return nil
	}
	s := r.get(*text)
	return &s
}

// convErr is the error of a rendered field s that is not what it must be.
func convErr(err error, field, s, want string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %q is not %s", field, s, want)
}

// parseRange parses a rendered integer field that must lie in [lo, hi].
func parseRange(field, s string, lo, hi int64) (int64, error) {
	n, err := parseInt(field, s)
	if err == nil && (n < lo || n > hi) {
		err = fmt.Errorf("%s %d is outside %d..%d", field, n, lo, hi)
	}
	return n, err
}
