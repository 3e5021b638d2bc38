package elf

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
)

// printer writes elf's output: the original's log lines on stdout, or with
// --json one JSON object per line; progress and errors go to stderr. It is
// safe for concurrent use by the things' goroutines.
type printer struct {
	mu     sync.Mutex // guards writes to out and errw
	out    io.Writer
	errw   io.Writer
	json   bool
	tty    bool // errw is a terminal: progress overwrites one line
	inProg bool // a progress line without newline is on the terminal
}

func newPrinter(out, errw io.Writer, asJSON bool) *printer {
	p := &printer{out: out, errw: errw, json: asJSON}
	if f, ok := errw.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// Event prints one event: text in text mode, or fields plus "event": kind
// as a JSON line.
func (p *printer) Event(kind, text string, fields map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endProgressLocked()
	if !p.json {
		fmt.Fprintln(p.out, text)
		return
	}
	m := map[string]any{"event": kind}
	for k, v := range fields {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	fmt.Fprintln(p.out, string(b))
}

// Progress shows how far a timed command is, on stderr.
func (p *printer) Progress(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := "elf: " + fmt.Sprintf(format, args...)
	if p.tty {
		fmt.Fprintf(p.errw, "\r\033[K%s", line)
		p.inProg = true
		return
	}
	fmt.Fprintln(p.errw, line)
}

// Warn prints a line on stderr that is not fatal.
func (p *printer) Warn(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endProgressLocked()
	fmt.Fprintf(p.errw, "elf: warning: "+format+"\n", args...)
}

// Fail prints the error that ends the command: one line on stderr, and an
// "error" event with --json.
func (p *printer) Fail(err error, code int) {
	p.mu.Lock()
	p.endProgressLocked()
	fmt.Fprintf(p.errw, "elf: %v\n", err)
	p.mu.Unlock()
	if p.json {
		p.Event("error", "", map[string]any{"error": err.Error(), "exit_code": code})
	}
}

// endProgressLocked ends a progress line on the terminal. p.mu must be held.
func (p *printer) endProgressLocked() {
	if p.inProg {
		fmt.Fprintln(p.errw)
		p.inProg = false
	}
}

// Summary is what send and subscribe report at the end.
type Summary struct {
	Sent     int64 `json:"sent"`
	Received int64 `json:"received"`
	Errors   int64 `json:"errors"`
}

// String is the summary's text line.
func (s Summary) String() string {
	return fmt.Sprintf("ELF summary: sent %d, received %d, errors %d", s.Sent, s.Received, s.Errors)
}

// postedLine is the original's publish log line.
func postedLine(thing string, payload []byte, topic string) string {
	return fmt.Sprintf("ELF %s posted a %d bytes message: %s on topic: %s", thing, len(payload), payload, topic)
}

// receivedLine is the original's receive log line.
func receivedLine(payload []byte, topic string) string {
	return fmt.Sprintf("Received message: %s from topic: %s", payload, topic)
}
