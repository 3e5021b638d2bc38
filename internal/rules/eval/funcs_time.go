package eval

import (
	"time"
)

// timeFuncs are the time functions of spec §8.4.
var timeFuncs = map[string]*funcDef{
	"timestamp":     {min: 0, max: 0, fn: fnTimestamp},
	"parse_time":    {min: 2, max: 3, v2: true, fn: fnParseTime},
	"time_to_epoch": {min: 2, max: 2, v2: true, fn: fnTimeToEpoch},
}

// fnTimestamp is the time the message was received, in ms since the epoch.
func fnTimestamp(c *evalCtx, _ []Value) Value {
	t := c.env.Received
	if t.IsZero() {
		t = time.Now()
	}
	return Int(t.UnixMilli())
}

// fnParseTime is parse_time(pattern, epochMillis[, zone]): the time
// formatted with a Joda-Time pattern in zone (default UTC):
// parse_time("yyyy.MM.dd G 'at' HH:mm:ss z", 100000000, 'America/Belize')
// = "1970.01.01 AD at 21:46:40 CST".
func fnParseTime(c *evalCtx, a []Value) Value {
	pattern, ok := toString(a[0])
	ms, ok2 := toInt64(a[1])
	if !ok || !ok2 {
		return Undefined
	}
	loc := time.UTC
	if len(a) == 3 {
		zone, ok := toString(a[2])
		if !ok {
			return Undefined
		}
		var err error
		if loc, err = loadZone(zone); err != nil {
			return Undefined
		}
	}
	toks, err := tokenizeTime(pattern)
	if err != nil {
		return Undefined
	}
	return String(formatTime(time.UnixMilli(ms).In(loc), toks))
}

// fnTimeToEpoch is time_to_epoch(text, pattern): text read with a
// java.time pattern, in ms since the epoch; a text without a zone is UTC.
func fnTimeToEpoch(c *evalCtx, a []Value) Value {
	text, ok := toString(a[0])
	pattern, ok2 := toString(a[1])
	if !ok || !ok2 {
		return Undefined
	}
	toks, err := tokenizeTime(pattern)
	if err != nil {
		return Undefined
	}
	t, err := parseTime(text, toks)
	if err != nil {
		return Undefined
	}
	return Int(t.UnixMilli())
}
