package loadgen

import "time"

// Report is the outcome of one run. Durations are in milliseconds and
// rates in messages (or connections) per second; JSON field names say so.
type Report struct {
	Mode        Mode    `json:"mode"`
	URL         string  `json:"url"`
	MQTT        string  `json:"mqtt"`
	QoS         int     `json:"qos"`
	Size        int     `json:"size_bytes"`
	Publishers  int     `json:"publishers"`
	Subscribers int     `json:"subscribers"`
	Pacing      string  `json:"pacing"` // "flood", or the rate
	Duration    float64 `json:"duration_s"`
	Machine     Machine `json:"machine"`

	Connect  ConnectStats `json:"connect"`
	Messages *Messages    `json:"messages,omitempty"` // nil in conn mode
	Broker   *Broker      `json:"broker,omitempty"`   // with --broker-pid

	ErrorCount int      `json:"error_count"`
	Errors     []string `json:"errors,omitempty"` // the first few
}

// Machine is what the numbers were measured on, and how busy it was
// during the load, in percent of one core (so up to 100 × CPUs).
// IRQPercent is interrupt and softirq time, where Linux does much of
// the loopback TCP work of both sides, charged to no process. On a
// shared machine, OtherPercent is the task time of other processes: what
// they took from the broker and the benchmark; it is known only with a
// broker PID.
type Machine struct {
	CPUs         int      `json:"cpus"`    // available to hob bench
	LoadAvg      string   `json:"loadavg"` // /proc/loadavg's first three fields, at the start
	BusyPercent  float64  `json:"busy_percent"`
	IRQPercent   float64  `json:"irq_percent"`
	BenchPercent float64  `json:"bench_percent"`
	OtherPercent *float64 `json:"other_percent,omitempty"`
}

// ConnectStats describes the connection phase.
type ConnectStats struct {
	Attempted int          `json:"attempted"`
	Connected int64        `json:"connected"`
	Failed    int64        `json:"failed"`
	Seconds   float64      `json:"seconds"`
	PerSecond float64      `json:"per_second"`
	Latency   *Percentiles `json:"latency_ms,omitempty"` // dial to CONNACK (and SUBACK)
}

// Messages describes the load phase.
type Messages struct {
	Sent          uint64       `json:"sent"`
	SentPerSecond float64      `json:"sent_per_second"`
	Acked         uint64       `json:"acked,omitempty"`          // QoS 1: PUBACKs received
	AckFailures   uint64       `json:"ack_failures,omitempty"`   // PUBACKs with a failure code
	StrayAcks     uint64       `json:"stray_acks,omitempty"`     // PUBACKs for nothing in flight
	AckLatency    *Percentiles `json:"ack_latency_ms,omitempty"` // QoS 1: PUBLISH to PUBACK

	Expected uint64 `json:"expected"` // deliveries the topology implies; 0 = unknown (sub mode)
	Received uint64 `json:"received"` // including those that came while draining
	// RecvPerSecond is the steady rate: what arrived while publishers
	// published, over that time. A broker that queues a flood delivers
	// the rest while draining, faster than it could while also reading.
	ReceivedWhilePublishing uint64       `json:"received_while_publishing"`
	RecvPerSecond           float64      `json:"received_per_second"`
	Lost                    uint64       `json:"lost"`
	LossPercent             float64      `json:"loss_percent"`
	Late                    uint64       `json:"duplicate_or_reordered"`
	Foreign                 uint64       `json:"foreign"`              // payloads without hob bench's stamp
	Latency                 *Percentiles `json:"latency_ms,omitempty"` // end to end, from the payload's stamp
}

// Percentiles summarises a Histogram, in milliseconds.
type Percentiles struct {
	Count uint64  `json:"count"`
	Min   float64 `json:"min"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p99_9"`
	Max   float64 `json:"max"`
}

// Broker is what /proc said of the broker process: resident memory in
// KiB and CPU use.
type Broker struct {
	PID        int     `json:"pid"`
	Before     int64   `json:"rss_before_kib"`         // before the first connection
	Connected  int64   `json:"rss_connected_kib"`      // all connections open, no load yet
	After      int64   `json:"rss_after_kib"`          // at the end of the load, still connected
	Peak       int64   `json:"rss_peak_kib"`           // VmHWM at the end: the process's peak ever
	PerConnKiB float64 `json:"rss_per_connection_kib"` // (Connected - Before) / connections
	// EndPerConnKiB is (After - Before) / connections: in conn mode, what
	// an idle connection costs once the connection storm has settled
	// (a broker may give memory back meanwhile).
	EndPerConnKiB float64 `json:"rss_per_connection_at_end_kib"`
	// CPUPercent is the broker's CPU time during the load over the load's
	// wall time: 100 is one core busy.
	CPUPercent float64      `json:"cpu_percent"`
	Error      string       `json:"error,omitempty"`
	samples    []procSample // in order: before, connected, after
}

// percentiles summarises h; nil when it is empty.
func percentiles(h *Histogram) *Percentiles {
	if h.Count() == 0 {
		return nil
	}
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	return &Percentiles{
		Count: h.Count(), Min: ms(h.Min()), Mean: ms(h.Mean()),
		P50: ms(h.Percentile(50)), P90: ms(h.Percentile(90)), P99: ms(h.Percentile(99)),
		P999: ms(h.Percentile(99.9)), Max: ms(h.Max()),
	}
}

// newReport fills in what the configuration alone says.
func (r *run) newReport() *Report {
	c := &r.cfg
	rep := &Report{
		Mode: c.Mode, URL: c.URL, MQTT: r.d.v.String(), QoS: int(c.QoS), Size: c.Size,
		Publishers: len(r.pubs), Subscribers: len(r.subs), Pacing: "flood",
		Duration: c.Duration.Seconds(), Machine: newMachine(),
	}
	switch {
	case c.Rate > 0:
		rep.Pacing = formatRate(c.Rate) + " msg/s in total"
	case c.PubRate > 0:
		rep.Pacing = formatRate(c.PubRate) + " msg/s per publisher"
	}
	return rep
}

// connectStats summarises the connection phase, which took d.
func (r *run) connectStats(d time.Duration) ConnectStats {
	r.connectMu.Lock()
	defer r.connectMu.Unlock()
	s := ConnectStats{
		Attempted: r.topo.connections(), Connected: r.connected.Load(), Failed: r.connectFailed.Load(),
		Seconds: d.Seconds(), Latency: percentiles(&r.connectHist),
	}
	if d > 0 {
		s.PerSecond = float64(s.Connected) / d.Seconds()
	}
	return s
}

// sampleBroker adds a sample of the broker's process to b, creating b on
// the first call; nil without a broker PID.
func (r *run) sampleBroker(b *Broker) *Broker {
	if r.cfg.BrokerPID <= 0 {
		return nil
	}
	if b == nil {
		b = &Broker{PID: r.cfg.BrokerPID}
	}
	m, err := readProc(r.cfg.BrokerPID)
	if err != nil && b.Error == "" {
		b.Error = err.Error()
	}
	b.samples = append(b.samples, m)
	return b
}
