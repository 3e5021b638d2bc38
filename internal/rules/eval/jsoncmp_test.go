package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ordered is a JSON value decoded with encoding/json (independently of
// the package's own decoder) that keeps object key order.
type ordered struct {
	kind  byte // 'o' object, 'a' array, 'n' number, 's' string, 'b' bool, 'z' null
	keys  []string
	vals  []ordered
	num   json.Number
	str   string
	truth bool
}

func decodeOrdered(data []byte) (ordered, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	v, err := readOrdered(d)
	if err == nil && d.More() {
		err = errTrailing
	}
	return v, err
}

func readOrdered(d *json.Decoder) (ordered, error) {
	tok, err := d.Token()
	if err != nil {
		return ordered{}, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		v := ordered{kind: 'a'}
		if tok == '{' {
			v.kind = 'o'
		}
		for d.More() {
			if v.kind == 'o' {
				k, err := d.Token()
				if err != nil {
					return v, err
				}
				v.keys = append(v.keys, k.(string))
			}
			item, err := readOrdered(d)
			if err != nil {
				return v, err
			}
			v.vals = append(v.vals, item)
		}
		_, err := d.Token()
		return v, err
	case json.Number:
		return ordered{kind: 'n', num: tok}, nil
	case string:
		return ordered{kind: 's', str: tok}, nil
	case bool:
		return ordered{kind: 'b', truth: tok}, nil
	}
	return ordered{kind: 'z'}, nil
}

// jsonComparer compares output with an expected value: keys in the same
// order, numbers numerically (spec §14). ignore lists top-level keys whose
// values are not compared. printedPrecision compares a number only to the
// decimals the expected value prints, for documentation cases that show
// rounded values (aws-doc-doubtful: the SET clause page prints 23.888… as
// 23.89).
type jsonComparer struct {
	ignore           []string
	printedPrecision bool
}

func (c jsonComparer) diff(path string, got, want ordered) string {
	if got.kind != want.kind {
		return fmt.Sprintf("%s: got kind %c, want %c", path, got.kind, want.kind)
	}
	switch want.kind {
	case 'o':
		if strings.Join(got.keys, ",") != strings.Join(want.keys, ",") {
			return fmt.Sprintf("%s: keys %v, want %v", path, got.keys, want.keys)
		}
		for i, k := range want.keys {
			if path == "$" && contains(c.ignore, k) {
				continue
			}
			if msg := c.diff(path+"."+k, got.vals[i], want.vals[i]); msg != "" {
				return msg
			}
		}
	case 'a':
		if len(got.vals) != len(want.vals) {
			return fmt.Sprintf("%s: %d items, want %d", path, len(got.vals), len(want.vals))
		}
		for i := range want.vals {
			if msg := c.diff(fmt.Sprintf("%s[%d]", path, i), got.vals[i], want.vals[i]); msg != "" {
				return msg
			}
		}
	case 'n':
		if !c.sameNumber(got.num, want.num) {
			return fmt.Sprintf("%s: %s, want %s", path, got.num, want.num)
		}
	case 's':
		if got.str != want.str {
			return fmt.Sprintf("%s: %q, want %q", path, got.str, want.str)
		}
	case 'b':
		if got.truth != want.truth {
			return fmt.Sprintf("%s: %v, want %v", path, got.truth, want.truth)
		}
	}
	return ""
}

func (c jsonComparer) sameNumber(got, want json.Number) bool {
	g, err1 := strconv.ParseFloat(string(got), 64)
	w, err2 := strconv.ParseFloat(string(want), 64)
	if err1 != nil || err2 != nil {
		return false
	}
	if g == w {
		return true
	}
	_, frac, dot := strings.Cut(string(want), ".")
	if !c.printedPrecision || !dot {
		return false
	}
	scale := math.Pow(10, float64(len(frac)))
	return math.Round(g*scale) == math.Round(w*scale)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
