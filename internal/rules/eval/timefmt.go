package eval

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file translates the date patterns of Joda-Time (parse_time) and
// java.time's DateTimeFormatter (time_to_epoch) (spec §8.4). The letters
// they share, which are the ones rules use, are supported:
//
//	G era (AD)          y u Y year (yy: two digits)   M month (MM, MMM Jan, MMMM January)
//	d day of month      D day of year                 E day of week (EEE Mon, EEEE Monday)
//	a AM/PM             H hour 0-23   k hour 1-24     h hour 1-12   K hour 0-11
//	m minute            s second                      S fraction of second (SSS: millis)
//	z zone name (CST; when parsing also a zone id)    Z offset +0100 (ZZ +01:00, ZZZ zone id)
//	X x offset (X: Z for UTC)                         V zone id (VV: America/Los_Angeles, UTC+01:00)
//	'text' literal text ('' is a quote); any other character that is not a letter is literal.
//
// Other letters are an error, which the functions turn into Undefined.

type timeTok struct {
	letter byte // 0 for literal text
	n      int
	text   string
}

var errPattern = errors.New("eval: unsupported time pattern")

func tokenizeTime(p string) ([]timeTok, error) {
	var toks []timeTok
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			text, n, err := quotedText(p[i:])
			if err != nil {
				return nil, err
			}
			toks = append(toks, timeTok{text: text})
			i += n
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			if !strings.ContainsRune("GyuYMdDEaHkhKmsSzZXxV", rune(c)) {
				return nil, errPattern
			}
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			toks = append(toks, timeTok{letter: c, n: j - i})
			i = j
		default:
			toks = append(toks, timeTok{text: string(c)})
			i++
		}
	}
	return toks, nil
}

// quotedText reads 'text' at the start of p; ” inside or alone is a quote.
func quotedText(p string) (string, int, error) {
	if strings.HasPrefix(p, "''") {
		return "'", 2, nil
	}
	var sb strings.Builder
	for i := 1; i < len(p); i++ {
		if p[i] != '\'' {
			sb.WriteByte(p[i])
			continue
		}
		if i+1 < len(p) && p[i+1] == '\'' {
			sb.WriteByte('\'')
			i++
			continue
		}
		return sb.String(), i + 1, nil
	}
	return "", 0, errPattern
}

// formatTime renders t with a pattern's tokens.
func formatTime(t time.Time, toks []timeTok) string {
	var sb strings.Builder
	for _, tk := range toks {
		if tk.letter == 0 {
			sb.WriteString(tk.text)
			continue
		}
		sb.WriteString(formatField(t, tk))
	}
	return sb.String()
}

func pad(v, n int) string { return fmt.Sprintf("%0*d", n, v) }

func formatField(t time.Time, tk timeTok) string {
	switch tk.letter {
	case 'G':
		if t.Year() <= 0 {
			return "BC"
		}
		return "AD"
	case 'y', 'u', 'Y':
		if tk.n == 2 {
			return pad(t.Year()%100, 2)
		}
		return pad(t.Year(), tk.n)
	case 'M':
		switch {
		case tk.n >= 4:
			return t.Month().String()
		case tk.n == 3:
			return t.Month().String()[:3]
		}
		return pad(int(t.Month()), tk.n)
	case 'd':
		return pad(t.Day(), tk.n)
	case 'D':
		return pad(t.YearDay(), tk.n)
	case 'E':
		if tk.n >= 4 {
			return t.Weekday().String()
		}
		return t.Weekday().String()[:3]
	case 'a':
		if t.Hour() < 12 {
			return "AM"
		}
		return "PM"
	case 'H':
		return pad(t.Hour(), tk.n)
	case 'k':
		return pad((t.Hour()+23)%24+1, tk.n)
	case 'h':
		return pad((t.Hour()+11)%12+1, tk.n)
	case 'K':
		return pad(t.Hour()%12, tk.n)
	case 'm':
		return pad(t.Minute(), tk.n)
	case 's':
		return pad(t.Second(), tk.n)
	case 'S':
		frac := pad(t.Nanosecond(), 9)
		if tk.n <= 9 {
			return frac[:tk.n]
		}
		return frac + strings.Repeat("0", tk.n-9)
	}
	return formatZone(t, tk)
}

func formatZone(t time.Time, tk timeTok) string {
	name, off := t.Zone()
	switch tk.letter {
	case 'z':
		if tk.n >= 4 {
			return t.Location().String()
		}
		return name
	case 'V':
		return t.Location().String()
	case 'Z':
		switch tk.n {
		case 1:
			return formatOffset(off, false)
		case 2:
			return formatOffset(off, true)
		}
		return t.Location().String()
	case 'X':
		if off == 0 {
			return "Z"
		}
	}
	return formatOffset(off, tk.n >= 3)
}

func formatOffset(off int, colon bool) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	if colon {
		return fmt.Sprintf("%c%02d:%02d", sign, off/3600, off/60%60)
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off/60%60)
}

// loadZone resolves a zone id (America/Los_Angeles, UTC, Z), an offset
// (+01:00, -0800) or a prefixed offset (UTC+01:00, GMT-8), as java.time's
// ZoneId.of does.
func loadZone(id string) (*time.Location, error) {
	switch strings.ToUpper(id) {
	case "Z", "UTC", "GMT", "UT":
		return time.UTC, nil
	}
	for _, prefix := range []string{"UTC", "GMT", "UT"} {
		if rest, ok := strings.CutPrefix(id, prefix); ok && rest != "" && (rest[0] == '+' || rest[0] == '-') {
			return offsetZone(id, rest)
		}
	}
	if id != "" && (id[0] == '+' || id[0] == '-') {
		return offsetZone(id, id)
	}
	return time.LoadLocation(id)
}

// offsetZone parses ±H, ±HH, ±HHMM, ±HH:MM into a fixed zone named name.
func offsetZone(name, off string) (*time.Location, error) {
	sign := 1
	if off[0] == '-' {
		sign = -1
	}
	digits := strings.ReplaceAll(off[1:], ":", "")
	var h, m int
	var err error
	switch len(digits) {
	case 1, 2:
		h, err = strconv.Atoi(digits)
	case 4:
		if h, err = strconv.Atoi(digits[:2]); err == nil {
			m, err = strconv.Atoi(digits[2:])
		}
	default:
		err = errPattern
	}
	if err != nil || h > 18 || m > 59 {
		return nil, errPattern
	}
	return time.FixedZone(name, sign*(h*3600+m*60)), nil
}
