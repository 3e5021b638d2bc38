package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/bus"
	"github.com/hob-iot/hob/internal/registry"
	"github.com/hob-iot/hob/internal/telemetry"
)

// Invalidation kinds broadcast to the other nodes of a cluster.
const (
	// invRegistry carries a registry.Change as JSON: what a device may do
	// or which rules exist changed on the node that served the request.
	invRegistry = "registry"
)

// openCluster joins the cluster cfg names, if any, before the broker
// starts: the broker forwards through the node from its first message.
// Without cluster settings hob is one node and NATS stays off.
func (a *App) openCluster(ctx context.Context) error {
	if !a.cfg.Clustered() {
		return nil
	}
	id := a.cfg.NodeID
	if id == "" {
		id = deriveNodeID(a.cfg.MQTTAddr)
	}
	bc := bus.Config{NodeID: id, URLs: a.cfg.Cluster, ClusterAddr: a.cfg.ClusterListen, Routes: a.cfg.ClusterRoutes,
		Replicas: a.cfg.ClusterReplicas, Log: a.log, Handler: clusterHandler{a}}
	if len(bc.URLs) == 0 {
		bc.DataDir = filepath.Join(a.cfg.DataDir, "nats") // the embedded server's JetStream
	}
	node, err := bus.Start(ctx, bc)
	if err != nil {
		return fmt.Errorf("app: joining the cluster as node %s: %w", id, err)
	}
	a.node = node
	a.metricSources = append(a.metricSources, clusterMetrics{node})
	a.log.Info("joined the cluster", "node", id, "members", node.Members())
	return nil
}

// nodeIDUnsafe is what a derived node id may not hold.
var nodeIDUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// deriveNodeID names a node that was given no --node-id: its host name and
// MQTT port, which differ between the nodes of one cluster.
func deriveNodeID(mqttAddr string) string {
	host, _ := os.Hostname()
	_, port, _ := net.SplitHostPort(mqttAddr)
	id := strings.Trim(nodeIDUnsafe.ReplaceAllString(host, "-"), "-")
	if id == "" {
		id = "hob"
	}
	if port != "" && port != "0" {
		id += "-" + port
	}
	return id
}

// nodeID is this node's id, or "" for a single node.
func (a *App) nodeID() string {
	if a.node == nil {
		return ""
	}
	return a.node.ID()
}

// broadcastChange tells the other nodes about a committed registry
// change, so they refresh their caches as this node did.
func (a *App) broadcastChange(c registry.Change) {
	if a.node == nil {
		return
	}
	data, err := json.Marshal(c)
	if err == nil {
		err = a.node.Broadcast(invRegistry, data)
	}
	if err != nil {
		a.log.Warn("telling the cluster about a registry change failed", "kind", c.Kind, "err", err)
	}
}

// clusterHandler is what this node does for the others (bus.Handler).
type clusterHandler struct{ a *App }

// DeliverRemote implements bus.Handler.
func (h clusterHandler) DeliverRemote(topic string, data []byte) {
	if b := h.a.clusterBroker.Load(); b != nil {
		b.DeliverRemote(topic, data)
	}
}

// ApplyRetained implements bus.Handler.
func (h clusterHandler) ApplyRetained(topic string, data []byte) {
	if b := h.a.clusterBroker.Load(); b != nil {
		b.ApplyRetained(topic, data)
	}
}

// Surrender implements bus.Handler.
func (h clusterHandler) Surrender(ctx context.Context, clientID string) error {
	if b := h.a.clusterBroker.Load(); b != nil {
		return b.Surrender(ctx, clientID)
	}
	return nil
}

// Invalidate implements bus.Handler: another node committed a change.
func (h clusterHandler) Invalidate(kind string, data []byte) {
	if kind != invRegistry {
		h.a.log.Warn("a cluster invalidation of an unknown kind was ignored", "kind", kind)
		return
	}
	var c registry.Change
	if err := json.Unmarshal(data, &c); err != nil {
		h.a.log.Warn("a registry change from the cluster does not decode", "err", err)
		return
	}
	if c.Kind == registry.ChangeTopicRules {
		h.a.reloadRules()
		return
	}
	if h.a.devices != nil {
		invalidate(h.a.devices, c)
	}
}

// clusterLink is the broker's view of the bus (broker.Cluster).
type clusterLink struct{ *bus.Node }

// Forward implements broker.Cluster: the broker forwards only QoS 0
// messages this way; QoS 1 and 2 go durably through ForwardAsync.
func (l clusterLink) Forward(topic string, data []byte) error {
	return l.Node.Forward(topic, data, false)
}

// Claim implements broker.Cluster.
func (l clusterLink) Claim(ctx context.Context, clientID string) (broker.Claim, error) {
	c, err := l.Node.Claim(ctx, clientID)
	return broker.Claim{Previous: c.Previous, Lost: c.Lost, LastAlive: c.LastAlive}, err
}

var (
	_ bus.Handler    = clusterHandler{}
	_ broker.Cluster = clusterLink{}
)

// clusterHealth is /healthz's answer on a node of a cluster.
type clusterHealth struct {
	Status  string   `json:"status"` // "ok" or "unavailable"
	Node    string   `json:"node"`
	Members []string `json:"members"` // nodes heard from lately, this one included
	Error   string   `json:"error,omitempty"`
}

// serveClusterHealth answers /healthz with the cluster's membership: 503
// when this node has lost NATS, so a load balancer sends no new clients
// to a node that would serve a split view.
func (a *App) serveClusterHealth(w http.ResponseWriter) {
	h := clusterHealth{Status: "ok", Node: a.node.ID(), Members: a.node.Members()}
	status := http.StatusOK
	if err := a.node.Healthy(); err != nil {
		h.Status, h.Error, status = "unavailable", err.Error(), http.StatusServiceUnavailable
	}
	body, _ := json.Marshal(h)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// clusterMetrics reports the bus's counters to /metrics.
type clusterMetrics struct{ n *bus.Node }

// Samples implements telemetry.Source.
func (m clusterMetrics) Samples() []telemetry.Sample {
	s := m.n.Stats()
	out := []telemetry.Sample{gauge("hob_cluster_members", "nodes of the cluster heard from lately, this one included", float64(len(m.n.Members())))}
	for kind, v := range map[string]uint64{"forwarded": s.Forwarded, "durable": s.Durable, "replayed": s.Replayed,
		"received": s.Received, "duplicate": s.Duplicates, "dropped": s.Dropped} {
		out = append(out, counter("hob_cluster_messages_total", "messages between nodes, by what happened to them", map[string]string{"kind": kind}, float64(v)))
	}
	return out
}
