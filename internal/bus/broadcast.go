package bus

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go"
)

// Retained tells every other node that topic's retained message is now
// data, or was removed when data is empty (nil); each calls its
// Handler.ApplyRetained, this node does not. Changes reach the other
// nodes in the order one node made them; nodes that were disconnected
// miss them (the store is the record). The message is published without
// waiting for the server.
func (n *Node) Retained(topic string, data []byte) error {
	if n.closed.Load() {
		return ErrClosed
	}
	if topic == "" {
		return errors.New("bus: retained: the topic is empty")
	}
	m := &nats.Msg{Subject: subjectRetained, Data: encodeRetained(topic, data), Header: n.originHeader()}
	if err := n.nc.PublishMsg(m); err != nil {
		return fmt.Errorf("bus: retained %.64q: %w", topic, err)
	}
	return nil
}

// Broadcast calls Handler.Invalidate(kind, data) on every other node, e.g.
// to drop a cached policy. kind is one or more of [A-Za-z0-9_-] (it is a
// subject token). Like Retained, it does not wait for the server, and a
// disconnected node misses it.
func (n *Node) Broadcast(kind string, data []byte) error {
	if n.closed.Load() {
		return ErrClosed
	}
	if !validName(kind) {
		return fmt.Errorf("bus: broadcast: kind %q must be one or more of [A-Za-z0-9_-]", kind)
	}
	m := &nats.Msg{Subject: subjectInvalidate + kind, Data: data, Header: n.originHeader()}
	if err := n.nc.PublishMsg(m); err != nil {
		return fmt.Errorf("bus: broadcast %s: %w", kind, err)
	}
	return nil
}

// originHeader returns a header naming this node as the origin.
func (n *Node) originHeader() nats.Header {
	return nats.Header{hdrOrigin: {n.cfg.NodeID}}
}

func (n *Node) onRetained(m *nats.Msg) {
	if n.fromSelf(m) {
		return
	}
	topic, data, err := decodeRetained(m.Data)
	if err != nil {
		n.log.Warn("bus: dropped a retained-message change", "origin", m.Header.Get(hdrOrigin), "err", err)
		return
	}
	n.cfg.Handler.ApplyRetained(topic, data)
}

func (n *Node) onInvalidate(m *nats.Msg) {
	if n.fromSelf(m) {
		return
	}
	n.cfg.Handler.Invalidate(strings.TrimPrefix(m.Subject, subjectInvalidate), m.Data)
}

// encodeRetained frames a retained change: the topic's length as a
// uvarint, the topic, then the data.
func encodeRetained(topic string, data []byte) []byte {
	b := make([]byte, 0, binary.MaxVarintLen64+len(topic)+len(data))
	b = binary.AppendUvarint(b, uint64(len(topic)))
	b = append(b, topic...)
	return append(b, data...)
}

// decodeRetained reverses encodeRetained; empty data comes back nil.
func decodeRetained(b []byte) (topic string, data []byte, err error) {
	size, k := binary.Uvarint(b)
	if k <= 0 || size == 0 || size > uint64(len(b)-k) {
		return "", nil, errors.New("bus: a retained-message change is malformed")
	}
	topic = string(b[k : k+int(size)])
	if rest := b[k+int(size):]; len(rest) > 0 {
		data = rest
	}
	return topic, data, nil
}
