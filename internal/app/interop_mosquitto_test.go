package app_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/hob-iot/hob/internal/config"
	"github.com/hob-iot/hob/internal/testutil"
)

// The tests in this file drive hob with mosquitto_pub and mosquitto_sub
// (Debian mosquitto-clients 2.0), independent MQTT clients written in C
// on OpenSSL, over TLS with the device certificates hob issued.

// mosqWait bounds every mosquitto client: -W for mosquitto_sub, the
// process deadline for mosquitto_pub, which has no -W.
const mosqWait = 10 * time.Second

// senderPolicy lets a device connect as its own thing and publish, retained
// too, to the elf topic of thing rx, and nothing else.
func senderPolicy(rx string) string {
	return `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"},
 {"Effect":"Allow","Action":["iot:Publish","iot:RetainPublish"],"Resource":"arn:aws:iot:us-east-1:123456789012:topic/elf/` + rx + `"}]}`
}

// mosqPeer is how a mosquitto client reaches hob: connection arguments
// (host, port, TLS files, client id).
type mosqPeer []string

// mosqTLSPeer connects to localhost:port as d over TLS with d's
// certificate, checking hob's certificate against its CA and the name
// localhost.
func mosqTLSPeer(t *testing.T, srv *testutil.Server, port string, d device) mosqPeer {
	t.Helper()
	cert, key := d.files(t)
	return mosqPeer{"-h", "localhost", "-p", port, "--cafile", srv.CAFile, "--cert", cert, "--key", key, "-i", d.name}
}

// mosqMsg is one message mosquitto_sub printed.
type mosqMsg struct {
	Topic, QoS, Retain, Payload string
}

// mosqSub is a running mosquitto_sub.
type mosqSub struct {
	cmd    *exec.Cmd
	cancel context.CancelFunc
	msgs   chan mosqMsg
	debug  chan string
	stderr *bytes.Buffer
}

// startMosqSub starts mosquitto_sub with peer and args, waits until hob
// has answered its SUBSCRIBE, and returns it. It asks for -d (debug lines
// tell us about the SUBACK) and prints messages as MSG|topic|qos|retain|payload,
// under stdbuf -oL: into a pipe, its stdio would hold those lines back
// until it exits.
func startMosqSub(t *testing.T, peer mosqPeer, args ...string) *mosqSub {
	t.Helper()
	bin := testutil.RequireTool(t, "mosquitto_sub")
	stdbuf := testutil.RequireTool(t, "stdbuf")
	ctx, cancel := context.WithTimeout(context.Background(), mosqWait+5*time.Second)
	all := append(append([]string{"-oL", bin, "-d", "-W", fmt.Sprint(int(mosqWait.Seconds())), "-F", "MSG|%t|%q|%r|%p"}, peer...), args...)
	cmd := exec.CommandContext(ctx, stdbuf, all...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &mosqSub{cmd: cmd, cancel: cancel, msgs: make(chan mosqMsg, 16), debug: make(chan string, 64), stderr: &bytes.Buffer{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	go s.read(out)
	for line := range s.debug {
		if strings.Contains(line, "received SUBACK") {
			return s
		}
	}
	t.Fatalf("mosquitto_sub %v exited before its SUBACK; stderr: %s", args, s.stderr)
	return nil
}

// read sorts mosquitto_sub's output lines into messages and debug lines,
// closing both channels when the output ends.
func (s *mosqSub) read(out interface{ Read([]byte) (int, error) }) {
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "MSG|"); ok {
			f := strings.SplitN(rest, "|", 4)
			if len(f) == 4 {
				s.msgs <- mosqMsg{f[0], f[1], f[2], f[3]}
				continue
			}
		}
		select {
		case s.debug <- line:
		default:
		}
	}
	close(s.msgs)
	close(s.debug)
}

// wait returns the messages mosquitto_sub printed and its exit code, once
// it has exited (-C count reached, or -W seconds passed).
func (s *mosqSub) wait(t *testing.T) ([]mosqMsg, int) {
	t.Helper()
	var got []mosqMsg
	for m := range s.msgs {
		got = append(got, m)
	}
	err := s.cmd.Wait()
	s.cancel()
	if err != nil {
		t.Logf("mosquitto_sub: %v; stderr: %s", err, s.stderr)
	}
	return got, s.cmd.ProcessState.ExitCode()
}

// mosqPub runs mosquitto_pub with peer and args and returns how it ended.
func mosqPub(t *testing.T, peer mosqPeer, args ...string) toolRun {
	t.Helper()
	bin := testutil.RequireTool(t, "mosquitto_pub")
	return runTool(t, mosqWait, "", bin, append(append([]string{}, peer...), args...)...)
}

// mosqVersions are the protocol versions mosquitto clients speak to hob.
var mosqVersions = []string{"mqttv311", "mqttv5"}

// qos2Modes are the two configurations the interop tests run hob in: QoS 2
// off, as AWS and by default, and on (`qos2` option), where the highest
// QoS a client is granted is 2.
var qos2Modes = []struct {
	name string
	on   bool
	top  int // the highest QoS granted
}{{"qos2=off", false, 1}, {"qos2=on", true, 2}}

// startQoS2 starts hob with QoS 2 on or off.
func startQoS2(t *testing.T, on bool) *testutil.Server {
	t.Helper()
	return testutil.StartServer(t, testutil.WithConfig(func(c *config.Config) { c.QoS2 = on }))
}

func TestMosquitto_PubSubOverTLSWithClientCertificates(t *testing.T) {
	testutil.RequireTool(t, "mosquitto_sub")
	for _, mode := range qos2Modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := startQoS2(t, mode.on)
			client := srv.IoT(t)
			port := portOf(srv.App.MQTTAddr().String())
			for _, v := range mosqVersions {
				t.Run(v, func(t *testing.T) { mosqPubSub(t, srv, client, port, v, mode.top) })
			}
		})
	}
}

// mosqPubSub has mosquitto_pub publish at every QoS up to top, and once
// retained at top, to a mosquitto_sub subscribed at top, then checks that
// a new subscription gets the retained message.
func mosqPubSub(t *testing.T, srv *testutil.Server, client *iot.Client, port, v string, top int) {
	rx := provision(t, srv, client, "mosq_rx_"+v)
	tx := provisionWithPolicy(t, srv, client, "mosq_tx_"+v, senderPolicy(rx.name))
	topic := "elf/" + rx.name
	q := fmt.Sprint(top)
	sub := startMosqSub(t, mosqTLSPeer(t, srv, port, rx), "-V", v, "-t", topic, "-q", q, "-C", fmt.Sprint(top+2))
	txPeer := mosqTLSPeer(t, srv, port, tx)
	var want []mosqMsg
	for qos := range top + 1 {
		want = append(want, mosqMsg{topic, fmt.Sprint(qos), "0", fmt.Sprint("qos", qos)})
	}
	want = append(want, mosqMsg{topic, q, "0", "retained"}) // [MQTT-3.3.1-9] RETAIN 0 to a live subscription
	for _, m := range want {
		args := []string{"-V", v, "-t", topic, "-q", m.QoS, "-m", m.Payload}
		if m.Payload == "retained" {
			args = append(args, "-r")
		}
		if r := mosqPub(t, txPeer, args...); r.code != 0 {
			t.Fatalf("mosquitto_pub %v: exit %d, stderr %s", args, r.code, r.stderr)
		}
	}
	got, code := sub.wait(t)
	slices.SortFunc(got, func(a, b mosqMsg) int { return strings.Compare(a.Payload, b.Payload) })
	slices.SortFunc(want, func(a, b mosqMsg) int { return strings.Compare(a.Payload, b.Payload) })
	if code != 0 || !slices.Equal(got, want) {
		t.Fatalf("mosquitto_sub got %v (exit %d), want %v", got, code, want)
	}
	// [MQTT-3.3.1-6] A new subscription gets the retained message, flagged retained.
	late := startMosqSub(t, mosqTLSPeer(t, srv, port, rx), "-V", v, "-t", topic, "-q", q, "-C", "1")
	got, code = late.wait(t)
	if want := []mosqMsg{{topic, q, "1", "retained"}}; code != 0 || !slices.Equal(got, want) {
		t.Fatalf("late mosquitto_sub got %v (exit %d), want %v", got, code, want)
	}
}

// portOf returns the port of a host:port address.
func portOf(addr string) string {
	return addr[strings.LastIndexByte(addr, ':')+1:]
}

func TestMosquitto_PublishToOtherThingsTopicDenied(t *testing.T) {
	testutil.RequireTool(t, "mosquitto_pub")
	srv := testutil.StartServer(t)
	client := srv.IoT(t)
	port := portOf(srv.App.MQTTAddr().String())
	d := provision(t, srv, client, "mosq_deny")
	peer := mosqTLSPeer(t, srv, port, d)
	// AWS closes a 3.1.1 connection on a denied PUBLISH (spec §2.6), so
	// mosquitto_pub never gets its PUBACK.
	r := mosqPub(t, peer, "-V", "mqttv311", "-t", "elf/someone_else", "-q", "1", "-m", "x")
	if r.code == 0 {
		t.Fatalf("3.1.1: mosquitto_pub to another thing's topic exited 0; stdout %q stderr %q", r.stdout, r.stderr)
	}
	// MQTT 5: PUBACK with reason code 0x87 Not authorized [MQTT-3.4.2.1].
	r = mosqPub(t, peer, "-V", "mqttv5", "-t", "elf/someone_else", "-q", "1", "-m", "x")
	// mosquitto_pub 2.0.11 reports a failed PUBACK as a warning and exits 0.
	if out := r.stdout + r.stderr; !strings.Contains(out, "Publish 1 failed: Not authorized") {
		t.Fatalf("5: mosquitto_pub to another thing's topic: exit %d, output %q; want its PUBACK to fail with Not authorized", r.code, out)
	}
}

func TestMosquitto_UnregisteredCertificateCannotConnect(t *testing.T) {
	testutil.RequireTool(t, "mosquitto_pub")
	srv := testutil.StartServer(t)
	port := portOf(srv.App.MQTTAddr().String())
	known := provision(t, srv, srv.IoT(t), "mosq_known")
	knownCert, knownKey := known.files(t)
	strangerCert, strangerKey := unregisteredFiles(t)
	for _, v := range mosqVersions {
		for _, tc := range []struct {
			name, cert, key string
			ok              bool
		}{{"registered", knownCert, knownKey, true}, {"unregistered", strangerCert, strangerKey, false}} {
			peer := mosqPeer{"-h", "localhost", "-p", port, "--cafile", srv.CAFile, "--cert", tc.cert, "--key", tc.key, "-i", known.name}
			r := mosqPub(t, peer, "-V", v, "-t", "elf/"+known.name, "-q", "1", "-m", "x")
			if (r.code == 0) != tc.ok {
				t.Errorf("%s, %s certificate: mosquitto_pub exit %d (stderr %q), want success %v", v, tc.name, r.code, r.stderr, tc.ok)
			}
		}
	}
}

func TestMosquitto_DevListenerWithoutTLS(t *testing.T) {
	testutil.RequireTool(t, "mosquitto_sub")
	srv := testutil.StartServer(t, testutil.WithConfig(func(c *config.Config) { c.Dev = true }))
	port := portOf(srv.App.DevMQTTAddr().String())
	for _, v := range mosqVersions {
		t.Run(v, func(t *testing.T) {
			topic := "dev/" + v
			sub := startMosqSub(t, mosqPeer{"-h", "127.0.0.1", "-p", port, "-i", "dev_rx"}, "-V", v, "-t", topic, "-q", "1", "-C", "1")
			if r := mosqPub(t, mosqPeer{"-h", "127.0.0.1", "-p", port, "-i", "dev_tx"}, "-V", v, "-t", topic, "-q", "1", "-m", "plain"); r.code != 0 {
				t.Fatalf("mosquitto_pub: exit %d, stderr %s", r.code, r.stderr)
			}
			got, code := sub.wait(t)
			if want := []mosqMsg{{topic, "1", "0", "plain"}}; code != 0 || !slices.Equal(got, want) {
				t.Fatalf("mosquitto_sub got %v (exit %d), want %v", got, code, want)
			}
		})
	}
}

func TestMosquitto_QoS2RefusedByDefault(t *testing.T) {
	testutil.RequireTool(t, "mosquitto_pub")
	srv := testutil.StartServer(t)
	client := srv.IoT(t)
	port := portOf(srv.App.MQTTAddr().String())
	d := provision(t, srv, client, "mosq_noq2")
	peer := mosqTLSPeer(t, srv, port, d)
	// 3.1.1 has no way to refuse a QoS 2 PUBLISH but closing the connection
	// (AWS does the same), so mosquitto_pub loses it before its PUBCOMP.
	r := mosqPub(t, peer, "-V", "mqttv311", "-t", "elf/"+d.name, "-q", "2", "-m", "x")
	if r.code == 0 {
		t.Fatalf("3.1.1: mosquitto_pub -q 2 exited 0 against a hob without QoS 2; stdout %q stderr %q", r.stdout, r.stderr)
	}
	// 5: CONNACK carries Maximum QoS 1 [MQTT-3.2.2-9], and mosquitto_pub
	// then refuses to send QoS 2 itself (printing an error, exiting 0).
	r = mosqPub(t, peer, "-V", "mqttv5", "-t", "elf/"+d.name, "-q", "2", "-m", "x")
	if out := r.stdout + r.stderr; !strings.Contains(out, "QoS not supported on broker") {
		t.Fatalf("5: mosquitto_pub -q 2: exit %d, output %q; want it to see hob's Maximum QoS 1", r.code, out)
	}
}
