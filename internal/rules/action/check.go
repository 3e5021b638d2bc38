package action

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hob-iot/hob/internal/iot"
)

// checker gathers the validation problems of one action object, with
// field paths in AWS's style (spec §1, "1 validation error detected:
// Value null at 's3.bucketName' failed to satisfy constraint: ...").
type checker struct {
	at   string
	errs []string
}

// path is the full name of field.
func (c *checker) path(field string) string { return c.at + "." + field }

// addf records one problem with field.
func (c *checker) addf(field, format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf("Value at '%s' failed to satisfy constraint: ", c.path(field))+fmt.Sprintf(format, args...))
}

// required records a missing (null or empty) field.
func (c *checker) required(field, v string) bool {
	if v == "" {
		c.errs = append(c.errs, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", c.path(field)))
		return false
	}
	return true
}

// maxLen records v longer than max characters.
func (c *checker) maxLen(field, v string, max int) {
	if len([]rune(v)) > max {
		c.addf(field, "Member must have length less than or equal to %d", max)
	}
}

// enum records v ("" allowed) outside allowed. Templated values are
// checked when rendered instead.
func (c *checker) enum(field, v string, allowed ...string) {
	if v == "" || isTemplate(v) {
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.addf(field, "Member must satisfy enum value set: [%s]", strings.Join(allowed, ", "))
}

// err is nil when nothing was recorded, or an InvalidRequestException
// listing every problem.
func (c *checker) err() error {
	switch len(c.errs) {
	case 0:
		return nil
	case 1:
		return iot.Errorf(iot.InvalidRequestException, "1 validation error detected: %s", c.errs[0])
	}
	return iot.Errorf(iot.InvalidRequestException, "%d validation errors detected: %s", len(c.errs), strings.Join(c.errs, "; "))
}

// isTemplate reports whether s holds a substitution template (spec §9).
func isTemplate(s string) bool { return strings.Contains(s, "${") }

// render evaluates the template text through inv.Render; text without
// "${" is returned as is.
func render(inv *Invocation, text string) (string, error) {
	if !isTemplate(text) || inv.Render == nil {
		return text, nil
	}
	return inv.Render(text)
}

// renderer renders several template fields of one invocation in turn and
// keeps the first error: after it, every field renders as "", and err
// says what failed.
type renderer struct {
	inv *Invocation
	err error
}

// get renders text, or returns "" once a field has failed.
func (r *renderer) get(text string) string {
	if r.err != nil {
		return ""
	}
	s, err := render(r.inv, text)
	r.err = err
	return s
}

// keyValue is the {key, value} shape of AWS's rule action lists: the
// republish action's userProperties and the kafka action's headers.
type keyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// isJSON reports whether b is one JSON value.
func isJSON(b []byte) bool { return json.Valid(b) }

// parseInt parses a rendered integer field.
func parseInt(field, s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not an integer", field, s)
	}
	return n, nil
}
