// Package telemetry exposes hob's metrics in Prometheus's text format on
// the loopback metrics listener. Components keep their own counters
// (atomics on their hot paths, no Prometheus types there); telemetry reads
// them at scrape time through Source, so a scrape never slows the broker.
package telemetry

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Sample is one value of one metric at scrape time.
type Sample struct {
	Name   string            // e.g. "hob_mqtt_messages_in_total"
	Help   string            // one line
	Kind   Kind              // Counter or Gauge
	Labels map[string]string // may be nil
	Value  float64
}

// Kind says whether a sample only grows or goes up and down.
type Kind int

// Kinds of samples.
const (
	Counter Kind = iota
	Gauge
)

// Source is a component that reports samples when scraped. Samples must
// be cheap to produce and safe to call concurrently with the component's
// work.
type Source interface {
	Samples() []Sample
}

// SourceFunc adapts a function to Source.
type SourceFunc func() []Sample

// Samples implements Source.
func (f SourceFunc) Samples() []Sample { return f() }

// NewRegistry returns a registry with Go runtime and process metrics and
// the given sources.
func NewRegistry(sources ...Source) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, s := range sources {
		reg.MustRegister(sourceCollector{s})
	}
	return reg
}

// NewNodeRegistry is NewRegistry with the label node=id on every metric,
// for a node of a cluster (docs/cluster.md).
func NewNodeRegistry(id string, sources ...Source) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	wrapped := prometheus.WrapRegistererWith(prometheus.Labels{"node": id}, reg)
	wrapped.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, s := range sources {
		wrapped.MustRegister(sourceCollector{s})
	}
	return reg
}

// Handler serves reg in Prometheus's exposition format.
func Handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// sourceCollector turns a Source into an unchecked Prometheus collector:
// the set of metrics may change between scrapes (labels come and go).
type sourceCollector struct{ src Source }

// Describe sends nothing, which makes the collector unchecked.
func (sourceCollector) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector.
func (c sourceCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.src.Samples() {
		names := make([]string, 0, len(s.Labels))
		values := make([]string, 0, len(s.Labels))
		for k, v := range s.Labels {
			names = append(names, k)
			values = append(values, v)
		}
		vt := prometheus.CounterValue
		if s.Kind == Gauge {
			vt = prometheus.GaugeValue
		}
		desc := prometheus.NewDesc(s.Name, s.Help, names, nil)
		m, err := prometheus.NewConstMetric(desc, vt, s.Value, values...)
		if err != nil {
			m = prometheus.NewInvalidMetric(desc, err)
		}
		ch <- m
	}
}

var _ prometheus.Collector = sourceCollector{}
