package config

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestLoad_Cluster(t *testing.T) {
	pg := "postgres://hob@db/hob"
	c, err := Load([]string{"--store", pg, "--cluster-listen", "10.0.0.1:6222", "--cluster-routes",
		"nats://10.0.0.1:6222, nats://10.0.0.2:6222", "--node-id", "a-1"}, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Clustered() || c.ClusterListen != "10.0.0.1:6222" || len(c.ClusterRoutes) != 2 || c.NodeID != "a-1" {
		t.Fatalf("got %+v", c)
	}
	if c, err := Load([]string{"--store", pg, "--cluster", "nats://n1:4222", "--cluster-replicas", "3"}, nil, io.Discard); err != nil ||
		c.ClusterReplicas != 3 || c.Cluster[0] != "nats://n1:4222" {
		t.Fatalf("external NATS: %+v, %v", c, err)
	}
	if c, err := Load(nil, nil, io.Discard); err != nil || c.Clustered() {
		t.Fatalf("the default is one node: %v", err)
	}
}

func TestLoad_Cluster_Refusals(t *testing.T) {
	pg := "postgres://hob@db/hob"
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"sqlite store":       {[]string{"--cluster", "nats://n1:4222"}, "store: a cluster needs a shared postgres:// store"},
		"both kinds of NATS": {[]string{"--store", pg, "--cluster", "nats://n1:4222", "--cluster-listen", ":6222"}, "use either external NATS"},
		"routes, no listen":  {[]string{"--store", pg, "--cluster-routes", "nats://n1:6222"}, "cluster-routes: needs --cluster-listen"},
		"not a nats URL":     {[]string{"--store", pg, "--cluster", "http://n1:4222"}, `"http://n1:4222" is not a nats://host:port URL`},
		"bad node id":        {[]string{"--store", pg, "--cluster", "nats://n1:4222", "--node-id", "a.b"}, `node-id: "a.b" may hold only`},
		"too many replicas":  {[]string{"--store", pg, "--cluster", "nats://n1:4222", "--cluster-replicas", "7"}, "cluster-replicas: 7 must be from 0 to 5"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(tc.args, nil, io.Discard)
			var cerr *Error
			if !errors.As(err, &cerr) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a problem with %q", err, tc.want)
			}
		})
	}
}
