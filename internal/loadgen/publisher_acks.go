package loadgen

import (
	"context"
	"time"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// puback runs on the reader goroutine: it frees the slot of a written
// message, records the round trip and tells the publisher. A PUBACK for a
// free slot, or for a message not yet written, is stray: counted, and
// never taken for another message's acknowledgement.
func (p *publisher) puback(id uint16, code packet.ReasonCode) error {
	if code.IsFailure() {
		p.failed.Add(1)
	}
	slot := int(id) - 1
	if slot < 0 || slot >= len(p.slots) {
		p.stray.Add(1)
		return nil
	}
	sent := p.slots[slot].Load()
	if sent <= 0 || !p.slots[slot].CompareAndSwap(sent, 0) {
		p.stray.Add(1)
		return nil
	}
	p.ackHist.Record(time.Duration(p.c.in.last - sent))
	p.acked.Add(1)
	p.freed <- struct{}{} // never blocks: one token per slot, and the slot was taken
	return nil
}

// publish is a protocol error for a publisher: it subscribes to nothing.
func (p *publisher) publish(m *packet.Publish) error {
	return idleReceiver{}.publish(m)
}

// takeAcks counts the slots freed so far, without waiting.
func (p *publisher) takeAcks() {
	for {
		select {
		case <-p.freed:
			p.inflight--
		default:
			return
		}
	}
}

// waitSlot waits until slot is free, writing what is queued first so the
// broker can acknowledge it.
func (p *publisher) waitSlot(ctx context.Context, dead <-chan struct{}, slot int) error {
	for p.slots[slot].Load() != 0 {
		if err := p.flush(); err != nil {
			return err
		}
		select {
		case <-p.freed:
			p.inflight--
		case <-ctx.Done():
			return errStopped
		case <-dead:
			return errStopped // the reader reports why
		}
	}
	return nil
}

// waitAcks waits up to d for every message in flight to be acknowledged.
func (p *publisher) waitAcks(dead <-chan struct{}, d time.Duration) {
	if p.inflight == 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	for p.inflight > 0 {
		select {
		case <-p.freed:
			p.inflight--
		case <-timer.C:
			return
		case <-dead:
			return
		}
	}
}

var _ receiver = (*publisher)(nil)
