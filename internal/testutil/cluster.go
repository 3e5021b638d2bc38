package testutil

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hob-iot/hob/internal/app"
	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/pki"
	"github.com/hob-iot/hob/internal/testutil/pgtest"
)

// Cluster is several hob nodes of one cluster, in this process, sharing
// one throwaway PostgreSQL database, one CA and one admin key.
type Cluster struct {
	Nodes []*Server
	// Store is the nodes' PostgreSQL URL.
	Store string
}

// ClusterNATS says how the nodes reach each other: External lists NATS
// server URLs they all connect to; empty means each node's embedded NATS
// server joins the others over routes on loopback.
type ClusterNATS struct {
	External []string
}

// StartCluster starts n nodes at once (an embedded NATS cluster needs
// its peers to elect a JetStream leader) and stops them when the test
// ends. Node i (from 1) is named "n<i>". The nodes share the data
// folder's CA and access keys, as docs/cluster.md tells users to.
func StartCluster(t testing.TB, n int, nats ClusterNATS, opts ...Option) *Cluster {
	t.Helper()
	return StartClusterOn(t, pgtest.Start(t), n, nats, opts...)
}

// StartClusterOn is StartCluster on the PostgreSQL database store (a DSN
// or URL), for tests that need their own PostgreSQL server.
func StartClusterOn(t testing.TB, store string, n int, nats ClusterNATS, opts ...Option) *Cluster {
	t.Helper()
	shared := seedSharedState(t)
	routes := make([]string, n)
	listen := make([]string, n)
	for i := range n {
		listen[i] = freeLoopbackAddr(t)
		routes[i] = "nats://" + listen[i]
	}
	cfgs := make([]config.Config, n)
	for i := range n {
		cfg := testConfig(t)
		cfg.Store, cfg.NodeID = store, fmt.Sprintf("n%d", i+1)
		if len(nats.External) > 0 {
			cfg.Cluster = nats.External
		} else {
			cfg.ClusterListen, cfg.ClusterRoutes = listen[i], routes
		}
		for _, o := range opts {
			o(&cfg, t)
		}
		copySharedState(t, shared.dir, cfg.DataDir)
		cfgs[i] = cfg
	}
	apps := make([]*app.App, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
			apps[i], errs[i] = app.New(context.Background(), cfgs[i], log.With("node", cfgs[i].NodeID))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			for _, a := range apps {
				if a != nil {
					a.Close()
				}
			}
			t.Fatalf("testutil: starting node n%d: %v", i+1, err)
		}
	}
	c := &Cluster{Store: store}
	for i, a := range apps {
		s := runApp(t, a, cfgs[i])
		s.AccessKeyID, s.SecretAccessKey = shared.key.ID, shared.key.Secret
		c.Nodes = append(c.Nodes, s)
	}
	return c
}

// sharedState is a data folder holding only what every node of a cluster
// must share: the CA and the access keys.
type sharedState struct {
	dir string
	key auth.AccessKey
}

func seedSharedState(t testing.TB) sharedState {
	t.Helper()
	dir := t.TempDir()
	ca, err := pki.LoadOrCreate(pki.Config{Dir: dir})
	if err != nil {
		t.Fatalf("testutil: creating the cluster's CA: %v", err)
	}
	_ = ca.Close()
	keys, err := auth.LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := keys.EnsureAdmin()
	if err != nil {
		t.Fatal(err)
	}
	return sharedState{dir: dir, key: key}
}

// sharedFiles are the files of a data folder the nodes of a cluster share.
var sharedFiles = []string{"ca.pem", "ca.key", auth.KeysFile}

func copySharedState(t testing.TB, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range sharedFiles {
		src, err := os.Open(filepath.Join(from, name))
		if err != nil {
			t.Fatalf("testutil: the shared state lacks %s: %v", name, err)
		}
		dst, err := os.OpenFile(filepath.Join(to, name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.Copy(dst, src)
		src.Close()
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// freeLoopbackAddr returns a loopback address with a port that was free a
// moment ago, for listeners that must be known before they start (NATS
// routes name each other, and a killed node's clients come back to known
// ports). The port is drawn below the kernel's ephemeral range
// (ip_local_port_range starts at 32768 by default), so the source port of
// some other connection cannot take it before its listener binds.
func freeLoopbackAddr(t testing.TB) string {
	t.Helper()
	for range 1000 {
		port := 20000 + rand.IntN(12000)
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue // taken
		}
		addr := ln.Addr().String()
		ln.Close()
		return addr
	}
	t.Fatal("testutil: no free loopback port below the ephemeral range")
	return ""
}
