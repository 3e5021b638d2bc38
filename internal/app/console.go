package app

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/hob-iot/hob/internal/broker"

	"github.com/hob-iot/hob/internal/console"
	"github.com/hob-iot/hob/web"
)

// consoleRouter sends the console's requests (console.Handles: /console/...,
// /assets/..., and a browser's GET /) to the console and everything else,
// /mqtt included, to next, so API clients see the API exactly as before.
type consoleRouter struct {
	console http.Handler
	next    http.Handler
}

// ServeHTTP implements http.Handler.
func (h consoleRouter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if console.Handles(r) {
		h.console.ServeHTTP(w, r)
		return
	}
	h.next.ServeHTTP(w, r)
}

// httpsRoutes is the HTTPS listener's handler: the console, MQTT over
// WebSocket and the API.
func (a *App) httpsRoutes() http.Handler {
	return consoleRouter{console: a.newConsole(), next: httpsHandler{api: a.api, ws: a.ws}}
}

// newConsole builds the web console over the access keys, calling the API
// through its own handler, with the front-end embedded from web/dist. When
// web/dist was not built (only its .gitkeep), the console serves its
// "not built" page at /.
func (a *App) newConsole() *console.Server {
	return console.New(console.Config{Keys: a.keys, API: a.api, Assets: web.Dist, Region: a.cfg.Region,
		MaxBodyBytes: a.cfg.MaxBodySize, Monitor: consoleMonitor{a}, CACertPEM: a.ca.CACertPEM(), Log: a.log})
}

// lifecycleFilter is what the console's event log keeps: AWS's lifecycle
// events (spec §4.10).
const lifecycleFilter = "$aws/events/#"

// openConsoleEvents has the console's event log record every lifecycle
// event the broker publishes.
func (a *App) openConsoleEvents() error {
	a.consoleEvents = &console.EventLog{}
	if _, err := a.broker.AddConsumer(lifecycleFilter, eventLogConsumer{a.consoleEvents}); err != nil {
		return fmt.Errorf("app: registering the console's event log with the broker: %w", err)
	}
	return nil
}

// eventLogConsumer records lifecycle events in the console's log. Events
// are few (one per connect, disconnect or subscribe), so copying each is
// fine.
type eventLogConsumer struct{ log *console.EventLog }

// Consume implements broker.Consumer.
func (c eventLogConsumer) Consume(m *broker.Message) { c.log.Add(m.Topic, m.Payload) }

// consoleMonitor answers the console's live figures from the broker, the
// rules engine and the event log.
type consoleMonitor struct{ a *App }

// Overview implements console.Monitor.
func (m consoleMonitor) Overview() console.Overview {
	o := console.Overview{Time: time.Now().UTC(), Events: m.a.consoleEvents.Newest()}
	o.Connections, o.MessagesIn, o.MessagesOut = m.a.broker.Traffic()
	if m.a.mqttLn != nil {
		if addr, ok := m.a.mqttLn.Addr().(*net.TCPAddr); ok {
			o.MQTTPort = addr.Port
		}
	}
	return o
}

// RuleCounters implements console.Monitor.
func (m consoleMonitor) RuleCounters() []console.RuleCounters {
	u := m.a.rules.Load()
	if u == nil {
		return nil
	}
	counters := u.engine.Counters()
	out := make([]console.RuleCounters, len(counters))
	for i, c := range counters {
		out[i] = console.RuleCounters(c)
	}
	return out
}

var (
	_ http.Handler    = consoleRouter{}
	_ console.Monitor = consoleMonitor{}
	_ broker.Consumer = eventLogConsumer{}
)
