package loadgen

import (
	"context"
	"testing"
	"time"
)

// TestRun_Mosquitto_Conn opens and holds idle connections, paced, and
// reads the broker's memory. (Mosquitto 2.0.11 does not close a client
// silent past its keep-alive, so the pinger is tested with a fake broker.)
func TestRun_Mosquitto_Conn(t *testing.T) {
	m := startMosquitto(t)
	cfg := DefaultConfig()
	cfg.URL, cfg.Mode, cfg.Clients, cfg.ConnectRate = m.url("mqtt"), ModeConn, 200, 2000
	cfg.Duration, cfg.BrokerPID = 2*time.Second, m.pid
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.ErrorCount != 0 || rep.Connect.Connected != 200 || rep.Connect.Failed != 0 {
		t.Errorf("connected %d, failed %d, errors %q", rep.Connect.Connected, rep.Connect.Failed, rep.Errors)
	}
	if rep.Connect.PerSecond <= 0 || rep.Connect.Latency == nil || rep.Connect.Latency.Count != 200 {
		t.Errorf("connect stats %+v", rep.Connect)
	}
	if b := rep.Broker; b == nil || b.Before <= 0 || b.Connected <= 0 || b.Peak < b.After {
		t.Errorf("broker memory %+v", b)
	}
	if rep.Messages != nil {
		t.Errorf("conn mode reported messages: %+v", rep.Messages)
	}
}

// TestRun_Mosquitto_SubAndPub runs a sub run and, once it listens, a pub
// run: the subscribers account for the other run's messages from their
// stamps alone.
func TestRun_Mosquitto_SubAndPub(t *testing.T) {
	m := startMosquitto(t)
	pubCfg := lightLoad(m.url("mqtt"), ModePub, 1, 5, "t/sub")
	pubCfg.Clients, pubCfg.Duration = 2, time.Second
	subCfg := lightLoad(m.url("mqtt"), ModeSub, 1, 3, "t/sub")
	subCfg.Subscribers, subCfg.Duration = 2, 3*time.Second
	pubDone := make(chan *Report, 1)
	subCfg.OnLoad = func() {
		go func() {
			rep, err := Run(context.Background(), pubCfg)
			if err != nil {
				t.Error(err)
			}
			pubDone <- rep
		}()
	}
	subRep, err := Run(context.Background(), subCfg)
	if err != nil {
		t.Fatal(err)
	}
	pubRep := <-pubDone
	if pubRep == nil {
		t.FailNow()
	}
	sent, s := pubRep.Messages.Sent, subRep.Messages
	if sent == 0 || s.Received != 2*sent || s.Lost != 0 || s.Expected != 0 || s.Latency == nil {
		t.Errorf("pub sent %d; sub: received %d (want %d), lost %d, expected %d, latency %+v",
			sent, s.Received, 2*sent, s.Lost, s.Expected, s.Latency)
	}
	if subRep.ErrorCount+pubRep.ErrorCount != 0 {
		t.Errorf("errors: %q %q", subRep.Errors, pubRep.Errors)
	}
}
