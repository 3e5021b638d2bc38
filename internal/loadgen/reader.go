package loadgen

import (
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/hob-iot/hob/internal/mqtt/packet"
)

// receiver is what a connection's reader goroutine hands packets to.
// Both methods run on that goroutine only. The Publish and its Payload
// are valid only during the call.
type receiver interface {
	publish(p *packet.Publish) error
	puback(id uint16, code packet.ReasonCode) error
}

// readLoop reads packets until the connection ends, handing PUBLISH and
// PUBACK to r; it reuses one body buffer and one Publish per topic, so a
// message costs no allocation. It returns nil when we closed the
// connection.
func (c *conn) readLoop(r receiver) error {
	var (
		body []byte
		pubs publishes
		ack  packet.Ack
	)
	for {
		h, err := c.rd.ReadHeader()
		if err == nil {
			body, err = c.rd.ReadBody(h, body)
		}
		if err == nil {
			err = c.dispatch(r, h, body, &pubs, &ack)
		}
		if err != nil {
			return c.readError(err)
		}
	}
}

// dispatch decodes one packet and acts on it.
func (c *conn) dispatch(r receiver, h packet.FixedHeader, body []byte, pubs *publishes, ack *packet.Ack) error {
	switch h.Type {
	case packet.PUBLISH:
		pub, err := pubs.decode(h, body, c.v)
		if err != nil {
			return err
		}
		return r.publish(pub)
	case packet.PUBACK:
		if err := ack.Decode(h, body, c.v); err != nil {
			return err
		}
		return r.puback(ack.PacketID, ack.ReasonCode)
	case packet.PINGRESP:
		return nil
	case packet.DISCONNECT:
		var d packet.Disconnect
		if err := d.Decode(h, body, c.v); err != nil {
			return err
		}
		return fmt.Errorf("broker sent DISCONNECT: %w", d.ReasonCode)
	}
	return fmt.Errorf("unexpected %s from the broker", h.Type)
}

// maxTopics bounds the Publish kept per topic by one connection.
const maxTopics = 256

// publishes decodes PUBLISH packets into one Publish per topic, so that
// each keeps its topic string and decoding allocates nothing even when
// messages on several topics interleave (packet.Publish.Decode reuses the
// string only when the topic is the previous one).
type publishes struct {
	byTopic map[string]*packet.Publish
	other   packet.Publish // once maxTopics are known
}

// decode decodes body into the Publish of its topic.
func (ps *publishes) decode(h packet.FixedHeader, body []byte, v packet.Version) (*packet.Publish, error) {
	var topic []byte
	if len(body) >= 2 {
		n := int(body[0])<<8 | int(body[1])
		topic = body[2:min(2+n, len(body))]
	}
	p, known := ps.byTopic[string(topic)] // no allocation for the lookup
	if !known {
		p = &ps.other
		if len(ps.byTopic) < maxTopics {
			p = new(packet.Publish)
		}
	}
	if err := p.Decode(h, body, v); err != nil {
		return nil, err
	}
	if !known && p != &ps.other {
		if ps.byTopic == nil {
			ps.byTopic = make(map[string]*packet.Publish)
		}
		ps.byTopic[p.Topic] = p
	}
	return p, nil
}

// readError turns the error that ended readLoop into the run's view:
// nil when we were closing, a named error otherwise.
func (c *conn) readError(err error) error {
	if c.closing.Load() {
		return nil
	}
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		err = errBrokerClosed
	}
	return fmt.Errorf("%s: %w", c.id, err)
}

// idleReceiver is the receiver of connections that expect no messages:
// conn mode's, and publishers at QoS 0.
type idleReceiver struct{}

func (idleReceiver) publish(p *packet.Publish) error {
	return fmt.Errorf("unexpected PUBLISH on %q", p.Topic)
}

func (idleReceiver) puback(id uint16, _ packet.ReasonCode) error {
	return fmt.Errorf("unexpected PUBACK %d", id)
}
