package app

import (
	"strconv"

	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/telemetry"
)

// brokerMetrics reports the broker's counters to /metrics.
type brokerMetrics struct{ b *broker.Server }

// Samples implements telemetry.Source.
func (m brokerMetrics) Samples() []telemetry.Sample {
	s := m.b.Stats()
	out := []telemetry.Sample{
		gauge("hob_mqtt_connections", "MQTT connections with a session now", float64(s.Connections)),
		counter("hob_mqtt_connections_total", "MQTT connections accepted", nil, float64(s.ConnectionsTotal)),
		counter("hob_mqtt_connects_refused_total", "CONNECTs refused or closed", nil, float64(s.ConnectsRefused)),
		gauge("hob_mqtt_sessions", "MQTT sessions, online or not", float64(s.Sessions)),
		gauge("hob_mqtt_retained_messages", "retained messages stored", float64(s.Retained)),
		gauge("hob_mqtt_queued_messages", "QoS 1 messages waiting in sessions", float64(s.Queued)),
		gauge("hob_mqtt_inflight_messages", "QoS 1 and 2 messages sent and not yet acknowledged", float64(s.Inflight)),
		gauge("hob_mqtt_parked_connections", "idle MQTT connections holding no goroutine now", float64(s.Parked)),
	}
	for q := range 3 {
		l := map[string]string{"qos": strconv.Itoa(q)}
		out = append(out,
			counter("hob_mqtt_messages_in_total", "PUBLISH packets received", l, float64(s.MessagesIn[q])),
			counter("hob_mqtt_bytes_in_total", "bytes of PUBLISH packets received", l, float64(s.BytesIn[q])),
			counter("hob_mqtt_messages_out_total", "PUBLISH packets sent", l, float64(s.MessagesOut[q])),
			counter("hob_mqtt_bytes_out_total", "bytes of PUBLISH packets sent", l, float64(s.BytesOut[q])))
	}
	for reason, v := range map[string]uint64{"queue_full": s.DroppedQueueFull, "session_full": s.DroppedSessionFull,
		"expired": s.DroppedExpired, "too_large": s.DroppedTooLarge, "offline": s.DroppedOffline} {
		out = append(out, counter("hob_mqtt_dropped_total", "messages not delivered, by reason", map[string]string{"reason": reason}, float64(v)))
	}
	for action, v := range map[string]uint64{"connect": s.DeniedConnect, "publish": s.DeniedPublish,
		"subscribe": s.DeniedSubscribe, "receive": s.DeniedReceive} {
		out = append(out, counter("hob_mqtt_policy_denials_total", "requests an IoT policy denied, by action", map[string]string{"action": action}, float64(v)))
	}
	return append(out,
		counter("hob_mqtt_auth_failures_total", "clients refused before a policy was asked (certificate unknown, inactive or missing)", nil, float64(s.AuthFailures)),
		counter("hob_mqtt_protocol_errors_total", "malformed packets and protocol violations", nil, float64(s.ProtocolErrors)),
		counter("hob_mqtt_keepalive_timeouts_total", "connections closed for missing keep-alive", nil, float64(s.KeepAliveTimeout)),
		counter("hob_mqtt_takeovers_total", "connections closed by a newer one with their client id", nil, float64(s.Takeovers)),
		counter("hob_mqtt_store_errors_total", "durable writes that failed", nil, float64(s.StoreErrors)),
		counter("hob_mqtt_refused_total", "PUBLISHes and CONNECTs refused by payload format or rate limits, by reason",
			map[string]string{"reason": "payload_format"}, float64(s.PayloadFormatInvalid)),
		counter("hob_mqtt_refused_total", "PUBLISHes and CONNECTs refused by payload format or rate limits, by reason",
			map[string]string{"reason": "throttled_connect"}, float64(s.ThrottledConnects)),
		counter("hob_mqtt_refused_total", "PUBLISHes and CONNECTs refused by payload format or rate limits, by reason",
			map[string]string{"reason": "throttled_publish"}, float64(s.ThrottledPublishes)))
}

func counter(name, help string, labels map[string]string, v float64) telemetry.Sample {
	return telemetry.Sample{Name: name, Help: help, Kind: telemetry.Counter, Labels: labels, Value: v}
}

func gauge(name, help string, v float64) telemetry.Sample {
	return telemetry.Sample{Name: name, Help: help, Kind: telemetry.Gauge, Value: v}
}

var _ telemetry.Source = brokerMetrics{}
