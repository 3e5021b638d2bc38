package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/hob-iot/hob/internal/testutil"
	"github.com/hob-iot/hob/internal/testutil/pgtest"
)

// Three nodes whose embedded NATS servers form a cluster over loopback
// routes, sharing one PostgreSQL database: the whole scale-out contract.
func TestCluster_EmbeddedRoutes(t *testing.T) {
	c := testutil.StartCluster(t, 3, testutil.ClusterNATS{})
	runClusterSuite(t, c)
}

// The same contract with the nodes connected to one external nats-server.
func TestCluster_ExternalNATS(t *testing.T) {
	url, stopNATS := testutil.StartNATS(t)
	c := testutil.StartCluster(t, 3, testutil.ClusterNATS{External: []string{url}})
	runClusterSuite(t, c)
	t.Run("NATSOutage", func(t *testing.T) { testClusterNATSOutage(t, c, stopNATS) })
}

// Cut from NATS, a node fails /healthz and refuses new connections
// instead of serving a split view.
func testClusterNATSOutage(t *testing.T, c *testutil.Cluster, stop func()) {
	d := provisionWithPolicy(t, c.Nodes[0], c.Nodes[0].IoT(t), "cl-outage", rulesPolicy)
	stop()
	node := c.Nodes[1]
	waitFor(t, "/healthz to fail without NATS", func() bool {
		code, body := node.Health(t)
		return code == 503 && strings.Contains(body, `"status":"unavailable"`)
	})
	if _, _, err := dialAddr(t, d, node.App.MQTTAddr().String(), "cl-outage", true); err == nil {
		t.Fatal("a node without NATS accepted a new connection")
	}
}

func runClusterSuite(t *testing.T, c *testutil.Cluster) {
	n1 := c.Nodes[0]
	client := n1.IoT(t)
	dev := provisionWithPolicy(t, n1, client, "cl-any", rulesPolicy) // allows every iot: action
	t.Run("CrossNodePubSub", func(t *testing.T) { testClusterPubSub(t, c, dev) })
	t.Run("Retained", func(t *testing.T) { testClusterRetained(t, c, dev) })
	t.Run("Takeover", func(t *testing.T) { testClusterTakeover(t, c, dev) })
	t.Run("ShadowFromTwoNodes", func(t *testing.T) { testClusterShadow(t, c) })
	t.Run("RuleFiresOnce", func(t *testing.T) { testClusterRule(t, c, dev) })
	t.Run("PolicyChangeOnAnotherNode", func(t *testing.T) { testClusterPolicy(t, c, client) })
	t.Run("Health", func(t *testing.T) { testClusterHealth(t, c, dev) })
}

// clusterClient is an MQTT 3.1.1 connection (paho) to one node, counting
// what it receives by topic and payload.
type clusterClient struct {
	mqtt.Client
	mu   sync.Mutex
	got  map[string]int // "topic payload" → deliveries
	lost chan error
}

func dialNode(t *testing.T, d device, node *testutil.Server, clientID string, clean bool) (*clusterClient, bool) {
	t.Helper()
	cc, present, err := dialAddr(t, d, node.App.MQTTAddr().String(), clientID, clean)
	if err != nil {
		t.Fatalf("connecting %s to %s: %v", clientID, node.URL, err)
	}
	return cc, present
}

// dialAddr connects clientID to the MQTT listener at addr; the client
// disconnects when the test ends.
func dialAddr(t *testing.T, d device, addr, clientID string, clean bool) (*clusterClient, bool, error) {
	t.Helper()
	cc := &clusterClient{got: map[string]int{}, lost: make(chan error, 1)}
	opts := mqtt.NewClientOptions().AddBroker("ssl://" + addr).SetClientID(clientID).
		SetTLSConfig(d.tls.Clone()).SetAutoReconnect(false).SetConnectTimeout(15 * time.Second).
		SetProtocolVersion(4).SetCleanSession(clean).SetOrderMatters(false).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			select {
			case cc.lost <- err:
			default:
			}
		}).
		SetDefaultPublishHandler(func(_ mqtt.Client, m mqtt.Message) { cc.record(m) })
	cc.Client = mqtt.NewClient(opts)
	tok := cc.Connect()
	if !tok.WaitTimeout(20 * time.Second) {
		return nil, false, fmt.Errorf("CONNECT timed out")
	}
	if tok.Error() != nil {
		return nil, false, tok.Error()
	}
	t.Cleanup(func() { cc.Disconnect(50) })
	return cc, tok.(*mqtt.ConnectToken).SessionPresent(), nil
}

func (cc *clusterClient) record(m mqtt.Message) {
	cc.mu.Lock()
	cc.got[m.Topic()+" "+string(m.Payload())]++
	cc.mu.Unlock()
}

func (cc *clusterClient) count(topic, payload string) int {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.got[topic+" "+payload]
}

func (cc *clusterClient) subscribe(t *testing.T, filter string, qos byte) {
	t.Helper()
	tok := cc.Subscribe(filter, qos, func(_ mqtt.Client, m mqtt.Message) { cc.record(m) })
	if !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribing to %s: %v", filter, tok.Error())
	}
}

func (cc *clusterClient) publish(t *testing.T, topic string, qos byte, retain bool, payload string) {
	t.Helper()
	tok := cc.Publish(topic, qos, retain, payload)
	if !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
		t.Fatalf("publishing to %s: %v", topic, tok.Error())
	}
}

// waitFor polls cond until it holds, failing after 20 s with what.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitUntil polls cond for at most d and reports whether it held.
func waitUntil(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// awaitRoute publishes probes on topic from pub until sub receives one:
// a new subscription reaches the other NATS servers of a cluster a moment
// after SUBACK (docs/cluster.md).
func awaitRoute(t *testing.T, pub, sub *clusterClient, topic string) {
	t.Helper()
	for i := 0; ; i++ {
		probe := fmt.Sprintf("probe-%d", i)
		pub.publish(t, topic, 0, false, probe)
		deadline := time.Now().Add(200 * time.Millisecond)
		for time.Now().Before(deadline) {
			if sub.count(topic, probe) > 0 {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		if i == 100 {
			t.Fatalf("no probe on %s crossed the cluster", topic)
		}
	}
}

// A message published on one node reaches subscribers on the others once
// each, at QoS 0 and 1.
func testClusterPubSub(t *testing.T, c *testutil.Cluster, d device) {
	sub, _ := dialNode(t, d, c.Nodes[1], "ps-sub", true)
	other, _ := dialNode(t, d, c.Nodes[0], "ps-other", true)
	pub, _ := dialNode(t, d, c.Nodes[2], "ps-pub", true)
	for _, s := range []*clusterClient{sub, other} {
		s.subscribe(t, "ps/q1", 1)
		s.subscribe(t, "ps/q0", 0)
		awaitRoute(t, pub, s, "ps/q1")
		awaitRoute(t, pub, s, "ps/q0")
	}
	const n = 50
	for i := range n {
		pub.publish(t, "ps/q1", 1, false, fmt.Sprint(i))
		pub.publish(t, "ps/q0", 0, false, fmt.Sprint(i))
	}
	for _, s := range []*clusterClient{sub, other} {
		waitFor(t, "every QoS 1 message on both subscribers", func() bool {
			for i := range n {
				if s.count("ps/q1", fmt.Sprint(i)) == 0 {
					return false
				}
			}
			return true
		})
		pub.publish(t, "ps/q0", 1, false, "end") // after the QoS 0 ones on the same path
		waitFor(t, "the end marker", func() bool { return s.count("ps/q0", "end") > 0 })
		for i := range n {
			if got := s.count("ps/q1", fmt.Sprint(i)); got != 1 {
				t.Errorf("QoS 1 message %d delivered %d times", i, got)
			}
			if got := s.count("ps/q0", fmt.Sprint(i)); got != 1 {
				t.Errorf("QoS 0 message %d delivered %d times on loopback", i, got)
			}
		}
	}
}

// A retained message set on one node is delivered on subscribing at
// another.
func testClusterRetained(t *testing.T, c *testutil.Cluster, d device) {
	pub, _ := dialNode(t, d, c.Nodes[0], "ret-pub", true)
	pub.publish(t, "ret/a", 1, true, "kept")
	waitFor(t, "the retained message on node n3", func() bool {
		s, _ := dialNode(t, d, c.Nodes[2], "ret-sub", true)
		defer s.Disconnect(0)
		s.subscribe(t, "ret/a", 1)
		deadline := time.Now().Add(500 * time.Millisecond)
		for time.Now().Before(deadline) {
			if s.count("ret/a", "kept") == 1 {
				return true
			}
			time.Sleep(5 * time.Millisecond)
		}
		return false
	})
}

// A client id connected on one node moves to another: the old connection
// is closed, the persistent session resumes on the new node with its
// subscriptions, and messages queued while it was offline follow it.
func testClusterTakeover(t *testing.T, c *testutil.Cluster, d device) {
	first, _ := dialNode(t, d, c.Nodes[0], "mover", false)
	first.subscribe(t, "mv/t", 1)
	second, present := dialNode(t, d, c.Nodes[1], "mover", false)
	select {
	case <-first.lost:
	case <-time.After(20 * time.Second):
		t.Fatal("the connection on n1 was not closed when the client id connected to n2")
	}
	if !present {
		t.Error("CONNACK on n2 did not say Session Present for the session taken from n1")
	}
	pub, _ := dialNode(t, d, c.Nodes[2], "mv-pub", true)
	awaitRoute(t, pub, second, "mv/t")
	second.Disconnect(100) // the session stays on n2, offline
	for i := range 5 {
		pub.publish(t, "mv/t", 1, false, fmt.Sprintf("queued-%d", i))
	}
	third, present := dialNode(t, d, c.Nodes[0], "mover", false)
	if !present {
		t.Error("CONNACK on n1 did not say Session Present for the session taken back from n2")
	}
	waitFor(t, "the messages queued on n2 arriving on n1", func() bool {
		for i := range 5 {
			if third.count("mv/t", fmt.Sprintf("queued-%d", i)) == 0 {
				return false
			}
		}
		return true
	})
}

// Shadow updates for one shadow arrive at different nodes and serialise
// through the version check.
func testClusterShadow(t *testing.T, c *testutil.Cluster) {
	if _, errOut, code := c.Nodes[0].AWSCLI(t, "iot", "create-thing", "--thing-name", "cl-shadow"); code != 0 {
		t.Fatalf("create-thing: %s", errOut)
	}
	n1, n2, n3 := newShadowCLI(t, c.Nodes[0]), newShadowCLI(t, c.Nodes[1]), newShadowCLI(t, c.Nodes[2])
	if d := n1.doc("update-thing-shadow", "--thing-name", "cl-shadow", "--payload", `{"state":{"reported":{"a":1}}}`); at(d, "version") != 1.0 {
		t.Fatalf("update on n1: %v", d)
	}
	if d := n2.doc("update-thing-shadow", "--thing-name", "cl-shadow", "--payload", `{"state":{"reported":{"b":2}},"version":1}`); at(d, "version") != 2.0 {
		t.Fatalf("update on n2 with version 1: %v", d)
	}
	n3.fail("ConflictException", "update-thing-shadow", "--thing-name", "cl-shadow", "--payload", `{"state":{"reported":{"c":3}},"version":1}`)
	if d := n3.doc("get-thing-shadow", "--thing-name", "cl-shadow"); at(d, "version") != 2.0 || !jsonEq(at(d, "state", "reported"), `{"a":1,"b":2}`) {
		t.Fatalf("get on n3: %v", d)
	}
}

// A topic rule runs once per message in the cluster, though the message
// reaches every node (each has a subscriber on its topic).
func testClusterRule(t *testing.T, c *testutil.Cluster, d device) {
	rule := `{"sql":"SELECT * FROM 'src/+'","ruleDisabled":false,"awsIotSqlVersion":"2016-03-23",
	 "actions":[{"republish":{"topic":"dst/${topic(2)}","qos":1,"roleArn":"arn:aws:iam::123456789012:role/r"}}]}`
	if _, errOut, code := c.Nodes[0].AWSCLI(t, "iot", "create-topic-rule", "--rule-name", "cl_once", "--topic-rule-payload", rule); code != 0 {
		t.Fatalf("create-topic-rule: %s", errOut)
	}
	sink, _ := dialNode(t, d, c.Nodes[1], "rule-sink", true)
	sink.subscribe(t, "dst/#", 1)
	for i, node := range c.Nodes[:2] {
		w, _ := dialNode(t, d, node, fmt.Sprintf("rule-watch-%d", i), true)
		w.subscribe(t, "src/#", 1)
	}
	pub, _ := dialNode(t, d, c.Nodes[2], "rule-pub", true)
	// Until every node has the rule and every route exists, probes may be
	// lost or fire on fewer nodes; they never fire twice.
	for i := 0; ; i++ {
		probe := fmt.Sprintf("p%d", i)
		pub.publish(t, "src/"+probe, 1, false, "{}")
		deadline := time.Now().Add(300 * time.Millisecond)
		for time.Now().Before(deadline) && sink.count("dst/"+probe, "{}") == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		if sink.count("dst/"+probe, "{}") > 0 {
			break
		}
		if i == 60 {
			t.Fatal("the rule never fired across the cluster")
		}
	}
	pub.publish(t, "src/once", 1, false, `{"n":1}`)
	pub.publish(t, "src/marker", 1, false, `{"n":2}`)
	waitFor(t, "the marker's republish", func() bool { return sink.count("dst/marker", `{"n":2}`) > 0 })
	waitFor(t, "the message's republish", func() bool { return sink.count("dst/once", `{"n":1}`) > 0 })
	if got := sink.count("dst/once", `{"n":1}`); got != 1 {
		t.Fatalf("the rule fired %d times for one message", got)
	}
}

// A policy changed through one node governs a connection at another.
func testClusterPolicy(t *testing.T, c *testutil.Cluster, client *iot.Client) {
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect","iot:Publish"],"Resource":"*"}]}`
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}`
	d := provisionWithPolicy(t, c.Nodes[0], client, "cl-pol", allow)
	conn, _ := dialNode(t, d, c.Nodes[2], "cl-pol", true)
	conn.publish(t, "pol/x", 1, false, "allowed")
	if _, err := client.CreatePolicyVersion(context.Background(), &iot.CreatePolicyVersionInput{
		PolicyName: aws.String("p-cl-pol"), PolicyDocument: aws.String(deny), SetAsDefault: true}); err != nil {
		t.Fatal(err)
	}
	// AWS closes a 3.1.1 connection whose publish is denied (spec §2.6).
	waitFor(t, "n3 to enforce the policy changed on n1", func() bool {
		select {
		case <-conn.lost:
			return true
		default:
		}
		tok := conn.Publish("pol/x", 1, false, "denied?")
		tok.WaitTimeout(500 * time.Millisecond)
		return !conn.IsConnectionOpen()
	})
}

// Every node's /healthz names the cluster's members, and its metrics and
// lifecycle events name the node.
func testClusterHealth(t *testing.T, c *testutil.Cluster, d device) {
	events, _ := dialNode(t, d, c.Nodes[0], "ev-watch", true)
	events.subscribe(t, "$aws/events/presence/connected/+", 1)
	for i := 0; ; i++ {
		id := fmt.Sprintf("ev-%d", i)
		cc, _ := dialNode(t, d, c.Nodes[2], id, true)
		cc.Disconnect(0)
		seen := false
		waitUntil(500*time.Millisecond, func() bool {
			events.mu.Lock()
			defer events.mu.Unlock()
			for k := range events.got {
				if strings.HasPrefix(k, "$aws/events/presence/connected/"+id+" ") {
					seen = true
					if !strings.Contains(k, `"nodeId":"n3"`) {
						t.Fatalf("a connected event from n3 does not name its node: %s", k)
					}
				}
			}
			return seen
		})
		if seen {
			break
		}
		if i == 40 {
			t.Fatal("no lifecycle event from n3 reached a subscriber on n1")
		}
	}
	resp, err := http.Get("http://" + c.Nodes[1].App.MetricsAddr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `hob_cluster_members{node="n2"} 3`) ||
		!strings.Contains(string(body), `hob_mqtt_connections{node="n2"}`) {
		t.Errorf("n2's /metrics lacks the node label or the member count:\n%.2000s", body)
	}
	for _, node := range c.Nodes {
		waitFor(t, "all three members in "+node.URL+"'s /healthz", func() bool {
			code, body := node.Health(t)
			var h struct {
				Status  string
				Members []string
			}
			return code == 200 && json.Unmarshal([]byte(body), &h) == nil && h.Status == "ok" &&
				strings.Join(h.Members, ",") == "n1,n2,n3"
		})
	}
}

// PostgreSQL crashes and comes back: the nodes recover without being
// restarted, and messages between clients never needed it.
func TestCluster_PostgresRestart(t *testing.T) {
	pg := pgtest.NewServer(t)
	url, _ := testutil.StartNATS(t)
	c := testutil.StartClusterOn(t, pg.CreateDB(t), 2, testutil.ClusterNATS{External: []string{url}})
	n1, n2 := c.Nodes[0], c.Nodes[1]
	client := n1.IoT(t)
	d := provisionWithPolicy(t, n1, client, "pg-dev", rulesPolicy)
	sub, _ := dialNode(t, d, n2, "pg-sub", true)
	sub.subscribe(t, "pg/t", 1)
	pub, _ := dialNode(t, d, n1, "pg-pub", true)
	awaitRoute(t, pub, sub, "pg/t")

	pg.Crash(t)
	ctx := context.Background()
	waitFor(t, "the API on n1 to work again after PostgreSQL restarted", func() bool {
		_, err := client.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("pg-after")})
		return err == nil
	})
	if _, err := n2.IoT(t).DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("pg-after")}); err != nil {
		t.Fatalf("n2 after the restart: %v", err)
	}
	pub.publish(t, "pg/t", 1, false, "after")
	waitFor(t, "a message across nodes after the restart", func() bool { return sub.count("pg/t", "after") == 1 })
	if _, _, err := dialAddr(t, d, n2.App.MQTTAddr().String(), "pg-new", false); err != nil {
		t.Fatalf("a new persistent session on n2 after the restart: %v", err)
	}
}
