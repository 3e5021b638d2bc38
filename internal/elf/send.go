package elf

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// send makes every thing publish a message on its topic each interval for
// the duration (spec/elf.md §1.6), each connected with its own certificate
// as client id = thing name. It prints the original's line per message,
// progress on stderr and a summary, and fails if any message failed.
func (s *session) send(ctx context.Context) error {
	if s.o.JSONMessage != "" {
		if _, err := readJSONMessage(s.o.JSONMessage); err != nil {
			return err
		}
	}
	topic := func(t *Thing) string { return ThingTopic(s.o.Topic, t.Name, s.o.AppendThingName) }
	things, endpoint, err := s.prepare(ctx, func() ([]*Thing, error) { return s.st.Things, nil },
		func(t *Thing) []string { return []string{topic(t)} })
	if err != nil {
		return err
	}
	var sum counters
	publishing := func(t *Thing) string {
		return "while publishing on " + topic(t) + ": its policy may deny iot:Publish on that topic"
	}
	clients, err := s.dialAll(things, func(t *Thing) string { return t.Name }, endpoint, sum.lost(s.out, publishing))
	if err != nil {
		return err
	}
	defer disconnectAll(clients)

	n := int(s.o.Duration / s.o.Interval)
	if n < 1 {
		n = 1
	}
	stop := s.showProgress(&sum, n*len(things))
	var wg sync.WaitGroup
	for i, t := range things {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.post(ctx, clients[i], t, topic(t), n, &sum)
		}()
	}
	wg.Wait()
	stop()
	return sum.finish(s.out, "send")
}

// post publishes n messages as one thing, one per interval. It stops
// when the thing's connection is lost (the lost handler said why).
func (s *session) post(ctx context.Context, c mqtt.Client, t *Thing, topic string, n int, sum *counters) {
	tick := time.NewTicker(s.o.Interval)
	defer tick.Stop()
	for i := 0; i < n; i++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if !c.IsConnectionOpen() {
			return
		}
		payload, err := s.payload()
		if err == nil {
			err = wait(c.Publish(topic, byte(s.o.QoS), false, payload), t.Name+": publishing on "+topic)
		}
		if err != nil {
			sum.fail(s.out, err)
			continue
		}
		sum.sent.Add(1)
		s.out.Event("posted", postedLine(t.Name, payload, topic),
			map[string]any{"thing": t.Name, "topic": topic, "bytes": len(payload), "message": string(payload), "qos": s.o.QoS})
	}
}

// payload is {"msg": MESSAGE} with the original's spacing, or the
// --json-message file, read again for every message as the original did.
func (s *session) payload() ([]byte, error) {
	if s.o.JSONMessage != "" {
		return readJSONMessage(s.o.JSONMessage)
	}
	return MessagePayload(s.o.Message), nil
}

// MessagePayload is the default payload, {"msg": "IoT ELF Hello"}, spaced
// as Python's json.dumps(separators=(', ', ': ')).
func MessagePayload(msg string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(msg)
	return []byte(`{"msg": ` + string(bytes.TrimSpace(b.Bytes())) + `}`)
}

func readJSONMessage(file string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--json-message: %w", err)
	}
	b = bytes.TrimSpace(b)
	if !json.Valid(b) {
		return nil, fmt.Errorf("--json-message: %s is not valid JSON", file)
	}
	return b, nil
}

// showProgress prints, each second on stderr, how many messages went out;
// the returned func stops it.
func (s *session) showProgress(sum *counters, total int) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	start := time.Now()
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				s.out.Progress("%ds/%ds: sent %d of %d, errors %d", int(time.Since(start).Seconds()),
					int(s.o.Duration.Seconds()), sum.sent.Load(), total, sum.errors.Load())
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// counters are the numbers in the summary, shared by the things' goroutines.
type counters struct {
	sent, received, errors atomic.Int64
	mu                     sync.Mutex // guards first
	first                  error
}

// fail counts an error and shows it.
func (c *counters) fail(out *printer, err error) {
	c.errors.Add(1)
	c.mu.Lock()
	if c.first == nil {
		c.first = err
	}
	c.mu.Unlock()
	out.Warn("%v", err)
}

// lost is the connection-lost handler: AWS IoT (and hob) disconnect a
// client whose policy denies what it does. doing, if not nil, says what
// the thing was doing and what its policy may deny.
func (c *counters) lost(out *printer, doing func(*Thing) string) func(*Thing, error) {
	return func(t *Thing, err error) {
		what := "the thing's policy may deny what it did"
		if doing != nil {
			what = doing(t)
		}
		c.fail(out, fmt.Errorf("%s was disconnected (%v) %s (see `elf status`)", t.Name, err, what))
	}
}

// finish prints the summary and returns an error if anything failed.
func (c *counters) finish(out *printer, cmd string) error {
	sum := Summary{Sent: c.sent.Load(), Received: c.received.Load(), Errors: c.errors.Load()}
	out.Event("summary", sum.String(), map[string]any{"sent": sum.Sent, "received": sum.Received, "errors": sum.Errors})
	if sum.Errors > 0 {
		c.mu.Lock()
		defer c.mu.Unlock()
		if sum.Errors == 1 {
			return fmt.Errorf("%s: %v", cmd, c.first)
		}
		return fmt.Errorf("%s: %d errors, the first: %v", cmd, sum.Errors, c.first)
	}
	return nil
}
