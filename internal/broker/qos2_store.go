package broker

import (
	"fmt"

	"github.com/hob-iot/hob/internal/mqtt/packet"
	"github.com/hob-iot/hob/internal/store"
)

// QoS 2 state of persistent sessions is durable, so that a restart (or
// kill -9) keeps exactly-once delivery (5.0 §4.3.3, §4.4):
//
//   - Inbound, the packet identifiers PUBREC'd and awaiting PUBREL are
//     records in tableQoS2In, written before PUBREC is sent and deleted
//     before PUBCOMP is: a PUBLISH resent after a restart is
//     acknowledged without being routed again, and a released identifier
//     is free for a new message.
//   - Outbound, a QoS 2 delivery in flight keeps its tableQueue record
//     (written before its publisher was acknowledged) and gets a record
//     in tableQoS2Out under the same key with its packet identifier and
//     whether PUBREC came: it is restored in flight with that identifier,
//     and resent as PUBLISH with DUP, or as PUBREL [MQTT-4.4.0-1]. The
//     PUBREC step is durable before PUBREL is sent; the identifier of a
//     first send is written without waiting (the writer may not wait),
//     so a crash within the store's latency of a first send resends the
//     message with a new identifier.
const (
	tableQoS2In  = "broker.qos2in"  // clientId\x00id (4 hex) → "1"
	tableQoS2Out = "broker.qos2out" // queueKey(clientId, seq) → id (2 bytes) and PUBREC received (1 byte)
)

func qos2InKey(clientID string, id uint16) string {
	return fmt.Sprintf("%s\x00%04x", clientID, id)
}

func encodeQoS2Out(id uint16, rel bool) []byte {
	b := []byte{byte(id >> 8), byte(id), 0}
	if rel {
		b[2] = 1
	}
	return b
}

func decodeQoS2Out(b []byte) (id uint16, rel bool, err error) {
	if len(b) != 3 || b[2] > 1 {
		return 0, false, fmt.Errorf("QoS 2 state of %d bytes", len(b))
	}
	id = uint16(b[0])<<8 | uint16(b[1])
	if id == 0 {
		return 0, false, fmt.Errorf("packet identifier 0")
	}
	return id, b[2] == 1, nil
}

// durableQoS2Locked reports whether the session's QoS 2 state goes to
// the store.
func (ss *session) durableQoS2Locked() bool {
	return ss.expiry > 0 && ss.srv.persist.enabled()
}

// storeInboundLocked records that inbound id awaits its PUBREL; d
// collects the write, which PUBREC waits for. It reports whether it was
// written.
func (ss *session) storeInboundLocked(id uint16, d *durable) bool {
	if !ss.durableQoS2Locked() {
		return false
	}
	ss.srv.persist.put(tableQoS2In, qos2InKey(ss.clientID, id), []byte("1"), d.add())
	return true
}

// storeOutboundLocked writes the state of outbound QoS 2 delivery id; d,
// if not nil, collects the write. Deliveries without a queue record
// (sessions that are not persistent) have no state to write.
func (ss *session) storeOutboundLocked(id uint16, e *qentry, d *durable) {
	if e.qos != packet.QoS2 || e.seq == 0 || !ss.durableQoS2Locked() {
		return
	}
	ss.srv.persist.put(tableQoS2Out, queueKey(ss.clientID, e.seq), encodeQoS2Out(id, e.rel), d.add())
}

// unstoreOutboundLocked deletes the state of a QoS 2 delivery that ended.
// The caller deletes its queue record first, so a crash in between
// leaves only a state without a message, which restore discards.
func (ss *session) unstoreOutboundLocked(e *qentry) {
	if e.qos == packet.QoS2 && e.seq != 0 {
		ss.srv.persist.delete(tableQoS2Out, queueKey(ss.clientID, e.seq), nil)
	}
}

// qos2Out is a restored outbound QoS 2 state, by queue key.
type qos2Out struct {
	id  uint16
	rel bool
}

// restoreQoS2Out reads a tableQoS2Out record into states.
func restoreQoS2Out(r store.Record, states map[string]qos2Out, stale *[]persistOp) error {
	id, rel, err := decodeQoS2Out(r.Value)
	if err != nil {
		*stale = append(*stale, persistOp{kind: opDelete, table: tableQoS2Out, key: r.Key})
		return err
	}
	states[r.Key] = qos2Out{id: id, rel: rel}
	return nil
}

// restoreInflightLocked puts a restored queued delivery back in flight
// when its QoS 2 state says it was, and reports whether it did.
func (ss *session) restoreInflightLocked(e qentry, st qos2Out) bool {
	if e.qos != packet.QoS2 {
		return false
	}
	if _, used := ss.inflight[st.id]; used {
		return false
	}
	e.rel, e.check, e.order = st.rel, false, e.seq
	ss.inflight[st.id] = e
	ss.sent = max(ss.sent, e.seq)
	return true
}

// restoreQoS2In reads a tableQoS2In record into its session.
func (s *Server) restoreQoS2In(r store.Record, stale *[]persistOp) error {
	clientID, ok := splitQueueKey(r.Key)
	ss := s.sessions[clientID]
	if !ok || ss == nil {
		*stale = append(*stale, persistOp{kind: opDelete, table: tableQoS2In, key: r.Key})
		return nil
	}
	var id uint16
	if _, err := fmt.Sscanf(r.Key[len(clientID)+1:], "%x", &id); err != nil || id == 0 {
		*stale = append(*stale, persistOp{kind: opDelete, table: tableQoS2In, key: r.Key})
		return fmt.Errorf("packet identifier %q", r.Key[len(clientID)+1:])
	}
	if ss.qos2in == nil {
		ss.qos2in = map[uint16]bool{}
	}
	ss.qos2in[id] = true
	return nil
}
