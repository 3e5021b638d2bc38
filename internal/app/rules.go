package app

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
	"github.com/hob-iot/hob/internal/rules"
)

// rulesFilters are the broker consumer filters of the rules engine: `#`
// does not match topics that start with `$` [MQTT-4.7.2-1], so rules on
// AWS's reserved topics ($aws/things/.../shadow/update/accepted, $aws/events/...)
// and Basic Ingest ($aws/rules/..., which the broker hands to consumers
// only) need `$aws/#` too. The two never match the same topic.
var rulesFilters = []string{"#", "$aws/#"}

// rulesUnit is the rules engine wired to the broker: its consumer
// registrations, and the resources its actions share (database pools,
// Kafka clients). Close removes the consumers, closes the engine (which
// drops what is queued and closes the actions), then the shared
// resources; it is idempotent.
type rulesUnit struct {
	engine    *rules.Engine
	deps      *actionDeps
	removes   []func()
	closeOnce sync.Once
	closeErr  error
}

// openRules builds the rules engine on the registry's topic rules, with
// actions that publish through the broker and lookups served by the
// shadow service and the registry, and registers it with the broker.
func (a *App) openRules(reg *registry.Registry, account iot.Account) error {
	deps, err := newActionDeps(a.cfg, a.broker, reg, a.endpointURL, a.log)
	if err != nil {
		return err
	}
	e, err := rules.New(rules.Options{
		Rules:         reg,
		Actions:       deps.deps(),
		Lookups:       rulesLookups{shadows: a.shadow.svc, things: reg},
		AccountID:     account.ID,
		Workers:       a.cfg.RulesWorkers,
		QueueLength:   a.cfg.RulesQueueLength,
		MaxHops:       a.cfg.RulesMaxHops,
		ActionTimeout: a.cfg.RulesActionTimeout,
		Logger:        a.log,
	})
	if err != nil {
		deps.Close()
		return fmt.Errorf("app: starting the rules engine: %w", err)
	}
	u := &rulesUnit{engine: e, deps: deps}
	for _, f := range rulesFilters {
		remove, err := a.broker.AddConsumer(f, rulesConsumer{e})
		if err != nil {
			_ = u.Close()
			return fmt.Errorf("app: registering the rules engine with the broker: %w", err)
		}
		u.removes = append(u.removes, remove)
	}
	a.rules.Store(u)
	a.metricSources = append(a.metricSources, e)
	return nil
}

// reloadRules has the rules engine reload the topic rules; the registry
// calls it after each committed topic-rule change, so that the request
// returns with the change in force. Before the engine exists it does
// nothing: the engine loads every rule when it starts.
func (a *App) reloadRules() {
	if u := a.rules.Load(); u != nil {
		u.engine.Reload()
	}
}

// Close implements io.Closer.
func (u *rulesUnit) Close() error {
	if u == nil {
		return nil
	}
	u.closeOnce.Do(func() {
		for _, remove := range u.removes {
			remove()
		}
		u.closeErr = errors.Join(u.engine.Close(), u.deps.Close())
	})
	return u.closeErr
}

// closeRules closes the rules unit, if any.
func closeRules(p *atomic.Pointer[rulesUnit]) error { return p.Load().Close() }

// rulesConsumer hands every message of the broker to the engine, which
// matches it against the rules' FROM filters and queues what matches.
type rulesConsumer struct{ e *rules.Engine }

// Consume implements broker.Consumer. It runs on the publisher's
// goroutine for every message, so it allocates nothing: Handle only
// matches and queues, and converts what a matching rule needs.
func (c rulesConsumer) Consume(m *broker.Message) {
	rm := rules.Message{Topic: m.Topic, Payload: m.Payload, ClientID: m.ClientID, Principal: m.PrincipalID,
		SourceIP: m.SourceIP, Received: m.Received, Hops: m.Hops,
		ContentType: m.Properties.ContentType, ResponseTopic: m.Properties.ResponseTopic,
		CorrelationData: m.Properties.CorrelationData, PayloadFormatUTF8: m.Properties.PayloadFormatIndicator == 1,
		UserProperties: m.Properties.UserProperties}
	c.e.Handle(rm)
}

var (
	_ broker.Consumer  = rulesConsumer{}
	_ rules.RuleSource = (*registry.Registry)(nil)
)
