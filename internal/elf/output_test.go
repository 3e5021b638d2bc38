package elf

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestMessagePayload_OriginalSpacing(t *testing.T) {
	if got := string(MessagePayload("IoT ELF Hello")); got != `{"msg": "IoT ELF Hello"}` {
		t.Errorf("payload %s", got)
	}
	if got := string(MessagePayload(`a "<b>"`)); got != `{"msg": "a \"<b>\""}` {
		t.Errorf("payload %s", got)
	}
}

func TestLines_Original(t *testing.T) {
	p := MessagePayload("IoT ELF Hello")
	if got, want := postedLine("thing_0", p, "elf/thing_0"),
		`ELF thing_0 posted a 24 bytes message: {"msg": "IoT ELF Hello"} on topic: elf/thing_0`; got != want {
		t.Errorf("posted line\n got %s\nwant %s", got, want)
	}
	if got, want := receivedLine(p, "elf/thing_0"), `Received message: {"msg": "IoT ELF Hello"} from topic: elf/thing_0`; got != want {
		t.Errorf("received line %s", got)
	}
	if got := (Summary{Sent: 3, Received: 2, Errors: 1}).String(); got != "ELF summary: sent 3, received 2, errors 1" {
		t.Errorf("summary %s", got)
	}
}

func TestPrinter_JSON(t *testing.T) {
	var out, errb bytes.Buffer
	p := newPrinter(&out, &errb, true)
	p.Event("posted", "ignored in JSON", map[string]any{"thing": "thing_0", "bytes": 24})
	p.Fail(errors.New("boom"), ExitFailure)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want two JSON lines, got %q", out.String())
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &ev); err != nil || ev["event"] != "posted" || ev["thing"] != "thing_0" {
		t.Errorf("event %s: %v", lines[0], err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &ev); err != nil || ev["error"] != "boom" || ev["exit_code"] != float64(1) {
		t.Errorf("error event %s", lines[1])
	}
	if errb.String() != "elf: boom\n" {
		t.Errorf("stderr %q", errb.String())
	}
}

func TestPrinter_Text(t *testing.T) {
	var out, errb bytes.Buffer
	p := newPrinter(&out, &errb, false)
	p.Event("received", "Received message: x from topic: y", nil)
	p.Progress("1s/10s")
	if out.String() != "Received message: x from topic: y\n" || errb.String() != "elf: 1s/10s\n" {
		t.Errorf("stdout %q stderr %q", out.String(), errb.String())
	}
}
