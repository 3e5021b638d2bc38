package eval

import (
	"strings"
	"time"
)

// parsedTime gathers the fields of a text as parseTime reads them; absent
// fields default to 1970-01-01T00:00:00 in UTC (spec §8.4: no zone in the
// text means UTC).
type parsedTime struct {
	year, month, day, yday int
	hour, min, sec, nanos  int
	pm, hasAmPm, bc        bool
	loc                    *time.Location
}

// shortZones are the zone names Java's parser knows for 'z' that
// time.LoadLocation does not.
var shortZones = map[string]string{
	"PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "MST": "America/Denver",
	"MDT": "America/Denver", "CST": "America/Chicago", "CDT": "America/Chicago",
	"EST": "America/New_York", "EDT": "America/New_York", "CET": "Europe/Paris",
	"CEST": "Europe/Paris", "BST": "Europe/London", "JST": "Asia/Tokyo",
}

// parseTime reads text with a pattern's tokens (time_to_epoch).
func parseTime(text string, toks []timeTok) (time.Time, error) {
	p := parsedTime{year: 1970, month: 1, day: 1, loc: time.UTC}
	rest := text
	for i, tk := range toks {
		var err error
		if tk.letter == 0 {
			if !strings.HasPrefix(rest, tk.text) {
				return time.Time{}, errPattern
			}
			rest = rest[len(tk.text):]
			continue
		}
		fixed := tk.n >= 2 && i+1 < len(toks) && isNumericLetter(toks[i+1].letter)
		if rest, err = p.field(rest, tk, fixed); err != nil {
			return time.Time{}, err
		}
	}
	if rest != "" {
		return time.Time{}, errPattern
	}
	return p.time(), nil
}

func isNumericLetter(c byte) bool { return c != 0 && strings.IndexByte("yuYMdDHkhKmsS", c) >= 0 }

func (p *parsedTime) time() time.Time {
	h := p.hour
	if p.hasAmPm {
		h = h % 12
		if p.pm {
			h += 12
		}
	}
	y := p.year
	if p.bc {
		y = 1 - y
	}
	if p.yday > 0 {
		return time.Date(y, 1, p.yday, h, p.min, p.sec, p.nanos, p.loc)
	}
	return time.Date(y, time.Month(p.month), p.day, h, p.min, p.sec, p.nanos, p.loc)
}

// digits reads up to max digits (exactly max when fixed).
func digits(s string, maxN int, fixed bool) (int, string, error) {
	n, v := 0, 0
	for n < len(s) && n < maxN && s[n] >= '0' && s[n] <= '9' {
		v = v*10 + int(s[n]-'0')
		n++
	}
	if n == 0 || (fixed && n != maxN) {
		return 0, s, errPattern
	}
	return v, s[n:], nil
}

func (p *parsedTime) field(s string, tk timeTok, fixed bool) (string, error) {
	maxN := 9
	if fixed {
		maxN = tk.n
	}
	var err error
	switch tk.letter {
	case 'y', 'u', 'Y':
		if p.year, s, err = digits(s, maxN, fixed); err == nil && tk.n == 2 {
			p.year += 2000 // java.time's base year for yy
		}
	case 'M':
		if tk.n >= 3 {
			return p.monthName(s)
		}
		p.month, s, err = digits(s, maxN, fixed)
	case 'd':
		p.day, s, err = digits(s, maxN, fixed)
	case 'D':
		p.yday, s, err = digits(s, maxN, fixed)
	case 'H', 'k', 'h', 'K':
		p.hour, s, err = digits(s, maxN, fixed)
		if tk.letter == 'k' && p.hour == 24 {
			p.hour = 0
		}
	case 'm':
		p.min, s, err = digits(s, maxN, fixed)
	case 's':
		p.sec, s, err = digits(s, maxN, fixed)
	case 'S':
		return p.fraction(s, maxN, fixed)
	default:
		return p.word(s, tk)
	}
	return s, err
}

func (p *parsedTime) fraction(s string, maxN int, fixed bool) (string, error) {
	v, rest, err := digits(s, maxN, fixed)
	if err != nil {
		return s, err
	}
	for n := len(s) - len(rest); n < 9; n++ {
		v *= 10
	}
	p.nanos = v
	return rest, nil
}

func (p *parsedTime) monthName(s string) (string, error) {
	for m := time.January; m <= time.December; m++ {
		for _, name := range []string{m.String(), m.String()[:3]} {
			if len(s) >= len(name) && strings.EqualFold(s[:len(name)], name) {
				p.month = int(m)
				return s[len(name):], nil
			}
		}
	}
	return s, errPattern
}

// word reads the text fields: era, weekday, AM/PM and zones.
func (p *parsedTime) word(s string, tk timeTok) (string, error) {
	switch tk.letter {
	case 'G':
		return p.oneOf(s, []string{"AD", "BC"}, func(i int) { p.bc = i == 1 })
	case 'E':
		var days []string
		for d := time.Sunday; d <= time.Saturday; d++ {
			days = append(days, d.String(), d.String()[:3])
		}
		return p.oneOf(s, days, func(int) {})
	case 'a':
		return p.oneOf(s, []string{"AM", "PM"}, func(i int) { p.hasAmPm, p.pm = true, i == 1 })
	}
	n := 0
	for n < len(s) && strings.IndexByte(" ,;", s[n]) < 0 {
		n++
	}
	id := s[:n]
	if full, ok := shortZones[strings.ToUpper(id)]; ok && tk.letter == 'z' {
		id = full
	}
	loc, err := loadZone(id)
	if err != nil {
		return s, errPattern
	}
	p.loc = loc
	return s[n:], nil
}

func (p *parsedTime) oneOf(s string, words []string, set func(int)) (string, error) {
	for i, w := range words {
		if len(s) >= len(w) && strings.EqualFold(s[:len(w)], w) {
			set(i)
			return s[len(w):], nil
		}
	}
	return s, errPattern
}
