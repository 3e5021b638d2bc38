package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/hob-iot/hob/internal/loadgen"
)

const benchUsage = `Usage: hob bench [options]

Measures an MQTT broker, hob or any other, through the wire: it opens
connections, publishes stamped messages and reports messages/s, losses,
end-to-end latency percentiles and, with --broker-pid, the broker's memory.
A progress line goes to stderr once a second; the report to stdout.

Modes (--mode); N is --clients, S is --subscribers (default N):
  conn      N idle connections, held for --duration: connect rate, RSS per connection
  pub       N publishers on TOPIC/i, no subscriber
  sub       S subscribers of TOPIC/+ (for a pub run in another process)
  fan-in    N publishers on TOPIC/i -> 1 subscriber of TOPIC/+
  fan-out   1 publisher on TOPIC/0 -> S subscribers
  p2p       N pairs: publisher i -> subscriber i on TOPIC/i

Examples:
  hob bench --mode fan-in --clients 4 --duration 10s
  hob bench --mode p2p --clients 8 --qos 1 --mqtt 5
  hob bench --mode fan-in --rate 20000 --broker-pid $(pidof mosquitto)
  hob bench --mode conn --clients 5000 --connect-rate 1000 --broker-pid PID
  hob bench --url mqtts://localhost:8883 --ca ca.pem --cert c.pem --key k.pem

The exit status is 1 when the run could not start or met errors.

Options:
`

// bench runs `hob bench`.
func bench(args []string, stdout, stderr io.Writer) int {
	cfg, asJSON, err := benchConfig(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "hob bench: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := loadgen.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "hob bench: %v\n", err)
		return 1
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil || rep.ErrorCount > 0 {
		return 1
	}
	return 0
}

// benchConfig parses the options into a loadgen.Config.
func benchConfig(args []string, stderr io.Writer) (loadgen.Config, bool, error) {
	c := loadgen.DefaultConfig()
	fs := flag.NewFlagSet("hob bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, benchUsage); fs.PrintDefaults() }
	mode, qos := string(c.Mode), uint(c.QoS)
	fs.StringVar(&c.URL, "url", c.URL, "broker: mqtt://host:port (TCP) or mqtts://host:port (TLS)")
	fs.StringVar(&mode, "mode", mode, "conn, pub, sub, fan-in, fan-out or p2p")
	fs.IntVar(&c.Clients, "clients", c.Clients, "connections (conn), publishers (pub, fan-in), pairs (p2p), subscribers (sub, fan-out)")
	fs.IntVar(&c.Subscribers, "subscribers", c.Subscribers, "subscribers in sub and fan-out (0: as --clients)")
	fs.UintVar(&qos, "qos", qos, "QoS of publishes and subscriptions: 0 or 1")
	fs.IntVar(&c.MQTT, "mqtt", c.MQTT, "protocol: 3 (3.1.1) or 5")
	fs.IntVar(&c.Size, "size", c.Size, "payload size in bytes (at least 24)")
	fs.Float64Var(&c.Rate, "rate", 0, "messages/s over all publishers (0 with --pub-rate 0: flood)")
	fs.Float64Var(&c.PubRate, "pub-rate", 0, "messages/s per publisher, instead of --rate")
	fs.DurationVar(&c.Duration, "duration", c.Duration, "how long to publish (conn: to hold the connections)")
	fs.StringVar(&c.Topic, "topic", c.Topic, "topic prefix")
	fs.IntVar(&c.Inflight, "inflight", c.Inflight, "QoS 1: unacknowledged messages per publisher")
	fs.Float64Var(&c.ConnectRate, "connect-rate", 0, "new connections per second (0: as fast as the broker accepts)")
	fs.DurationVar(&c.KeepAlive, "keepalive", c.KeepAlive, "MQTT keep-alive")
	fs.IntVar(&c.SendBuffer, "sndbuf", c.SendBuffer, "publishers' socket send buffer in bytes (0: the kernel's automatic size)")
	fs.DurationVar(&c.Drain, "drain", c.Drain, "after publishing, how long to wait for acknowledgements and deliveries")
	fs.IntVar(&c.BrokerPID, "broker-pid", 0, "the broker's process id, to read its memory from /proc")
	fs.StringVar(&c.ClientID, "client-id", c.ClientID, "client-id prefix (a run id and a number follow)")
	benchTLSFlags(fs, &c)
	prov := benchProvisionFlags(fs)
	asJSON := fs.Bool("json", false, "write the report as JSON")
	quiet := fs.Bool("quiet", false, "no progress line")
	if err := fs.Parse(args); err != nil {
		return c, false, err
	}
	if fs.NArg() > 0 {
		return c, false, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c.Mode, c.QoS = loadgen.Mode(mode), byte(min(qos, 255))
	c.Provision = prov()
	if !*quiet {
		c.Progress = func(line string) { fmt.Fprintln(stderr, line) }
	}
	return c, *asJSON, c.Validate()
}

// benchTLSFlags declares the mqtts options.
func benchTLSFlags(fs *flag.FlagSet, c *loadgen.Config) {
	fs.StringVar(&c.TLS.CA, "ca", "", "mqtts: PEM file of the CA that signed the broker's certificate")
	fs.StringVar(&c.TLS.Cert, "cert", "", "mqtts: client certificate PEM file")
	fs.StringVar(&c.TLS.Key, "key", "", "mqtts: client private key PEM file")
	fs.StringVar(&c.TLS.ServerName, "server-name", "", "mqtts: name to check in the broker's certificate (default: the URL's host)")
	fs.BoolVar(&c.TLS.Insecure, "insecure", false, "mqtts: do not check the broker's certificate")
}

// benchProvisionFlags declares the provisioning options and returns a
// function that builds the loadgen.Provision after parsing (nil without
// --provision).
func benchProvisionFlags(fs *flag.FlagSet) func() *loadgen.Provision {
	on := fs.Bool("provision", false, "hob: create a client certificate and policy through the iot API, delete them at the end")
	var p loadgen.Provision
	fs.StringVar(&p.Endpoint, "api-endpoint", "", "--provision: the iot API's URL (default: $AWS_ENDPOINT_URL)")
	fs.StringVar(&p.Region, "region", "", "--provision: AWS region (default: $AWS_REGION, else us-east-1)")
	return func() *loadgen.Provision {
		if !*on {
			return nil
		}
		return &p
	}
}
