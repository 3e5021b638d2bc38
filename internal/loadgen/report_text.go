package loadgen

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteText writes the report as a table for people.
func (rep *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "hob bench %s: MQTT %s, QoS %d, %d-byte payloads, %d publishers, %d subscribers, %s, %gs, %s\n",
		rep.Mode, rep.MQTT, rep.QoS, rep.Size, rep.Publishers, rep.Subscribers, rep.Pacing, rep.Duration, rep.URL)
	mc := rep.Machine
	fmt.Fprintf(&b, "machine        %d CPUs, load average %s at the start; during the load: %.0f%% busy, irq %.0f%%, hob bench %.0f%%",
		mc.CPUs, mc.LoadAvg, mc.BusyPercent, mc.IRQPercent, mc.BenchPercent)
	if mc.OtherPercent != nil {
		fmt.Fprintf(&b, ", others %.0f%%", *mc.OtherPercent)
	}
	b.WriteString("\n")
	c := rep.Connect
	fmt.Fprintf(&b, "connections    %s of %s in %.2fs (%s/s), %d failed\n",
		count(uint64(c.Connected)), count(uint64(c.Attempted)), c.Seconds, formatRate(c.PerSecond), c.Failed)
	row(&b, "connect time", c.Latency)
	if m := rep.Messages; m != nil {
		m.writeText(&b, rep.QoS, rep.Subscribers > 0)
	}
	rep.Broker.writeText(&b)
	fmt.Fprintf(&b, "errors         %d\n", rep.ErrorCount)
	for _, e := range rep.Errors {
		fmt.Fprintf(&b, "  %s\n", e)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeText writes the message rows; the receiving ones only when the
// run had subscribers.
func (m *Messages) writeText(b *strings.Builder, qos int, subscribers bool) {
	fmt.Fprintf(b, "sent           %s msgs, %s msg/s\n", count(m.Sent), formatRate(m.SentPerSecond))
	if qos > 0 {
		fmt.Fprintf(b, "acknowledged   %s (%d failure codes, %d stray)\n", count(m.Acked), m.AckFailures, m.StrayAcks)
		row(b, "ack latency", m.AckLatency)
	}
	if !subscribers {
		return
	}
	fmt.Fprintf(b, "received       %s msgs, %s msg/s while publishing (%s then, %s while draining)\n",
		count(m.Received), formatRate(m.RecvPerSecond), count(m.ReceivedWhilePublishing), count(m.Received-m.ReceivedWhilePublishing))
	if m.Expected > 0 {
		fmt.Fprintf(b, "lost           %s of %s expected (%.3f%%)", count(m.Lost), count(m.Expected), m.LossPercent)
	} else {
		fmt.Fprintf(b, "lost           %s (sequence gaps; sent count unknown)", count(m.Lost))
	}
	fmt.Fprintf(b, ", %s duplicate or reordered, %s foreign\n", count(m.Late), count(m.Foreign))
	row(b, "latency", m.Latency)
}

// writeText writes the broker's rows, if measured.
func (br *Broker) writeText(b *strings.Builder) {
	if br == nil {
		return
	}
	if br.Error != "" {
		fmt.Fprintf(b, "broker         %s\n", br.Error)
		return
	}
	fmt.Fprintf(b, "broker rss     pid %d: %s before, %s connected, %s after (peak %s); %.2f KiB per connection when connected, %.2f at the end\n",
		br.PID, kib(br.Before), kib(br.Connected), kib(br.After), kib(br.Peak), br.PerConnKiB, br.EndPerConnKiB)
	fmt.Fprintf(b, "broker cpu     %.0f%% of one core during the load\n", br.CPUPercent)
}

// row writes one line of percentiles, or nothing when p is nil.
func row(b *strings.Builder, name string, p *Percentiles) {
	if p == nil {
		return
	}
	fmt.Fprintf(b, "%-14s p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (mean %s, n=%s)\n", name,
		ms(p.P50), ms(p.P90), ms(p.P99), ms(p.P999), ms(p.Max), ms(p.Mean), count(p.Count))
}

// ms formats milliseconds with three significant digits or so.
func ms(v float64) string {
	switch {
	case v < 1:
		return strconv.FormatFloat(v, 'f', 3, 64) + "ms"
	case v < 100:
		return strconv.FormatFloat(v, 'f', 2, 64) + "ms"
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + "ms"
}

// count formats n with thousands separators.
func count(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return b.String()
}

// formatRate formats a rate rounded to a whole number, with separators.
func formatRate(v float64) string {
	if v < 10 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return count(uint64(v + 0.5))
}

// kib formats a size given in KiB.
func kib(n int64) string {
	if n >= 10<<10 {
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " KiB"
}
