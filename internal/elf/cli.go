package elf

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Options is a parsed elf command line.
type Options struct {
	// Global options.
	Profile      string
	Region       string
	EndpointURL  string // the AWS IoT API, beating AWS_ENDPOINT_URL_IOT
	MQTTEndpoint string // host:port, beating DescribeEndpoint's host and port 8883
	CA           string // PEM file: the only CAs trusted, for the API and MQTT
	StateDir     string // holds misc/
	JSON         bool

	Command string // create, send, subscribe, clean, shadow, status

	Count           int           // create
	Message         string        // send; shadow update document
	JSONMessage     string        // send, shadow update: file
	Topic           string        // send, subscribe
	AppendThingName bool          // send, subscribe
	Duration        time.Duration // send, subscribe, shadow watch
	QoS             int           // send, subscribe
	Interval        time.Duration // send
	OnlyLocal       bool          // clean
	ShadowOp        string        // get, update, delete, watch
	ShadowName      string        // named shadow, or "" for the classic one
	Thing           string        // shadow: which thing
}

// errHelp asks for the usage text on stdout and exit code 0.
var errHelp = errors.New("help requested")

// commands lists elf's commands and what each does.
var commands = []struct{ name, args, about string }{
	{"create", "[N]", "make N things (default 1), each with its own certificate, in AWS IoT and misc/"},
	{"send", "[MESSAGE] [--json-message FILE] [--topic elf] [--append-thing-name] [--duration 10] [--qos 0|1] [--interval 1s]",
		"every thing publishes {\"msg\": MESSAGE} on TOPIC/THING each interval for the duration"},
	{"subscribe", "[--topic elf] [--append-thing-name] [--duration 10] [--qos 0|1]", "every thing listens on TOPIC/THING for the duration"},
	{"clean", "[--only-local]", "delete what create and send made, in AWS IoT and misc/; safe to re-run"},
	{"shadow", "get|update|delete|watch [--thing thing_0] [--name N] [DOCUMENT | --json-message FILE] [--duration 10]",
		"use a thing's classic (or --name'd) shadow over MQTT"},
	{"status", "", "show the local state and, if reachable, what AWS IoT holds for each thing"},
}

// Usage is the text of `elf --help`.
func Usage() string {
	var b strings.Builder
	b.WriteString("elf: the ELF device client for AWS IoT and hob.\n\nUsage: elf [global options] COMMAND [options]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-10s %s\n  %-10s   %s\n", c.name, c.args, "", c.about)
	}
	b.WriteString(`
Global options (before or after the command):
  --profile P          AWS shared config profile (default: AWS_PROFILE or "default")
  --region R           AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's)
  --endpoint-url URL   AWS IoT API endpoint (default: AWS_ENDPOINT_URL_IOT, AWS_ENDPOINT_URL, or AWS's)
  --mqtt-endpoint H:P  MQTT endpoint (default: ELF_MQTT_ENDPOINT, or DescribeEndpoint
                       iot:Data-ATS on port 8883)
  --ca FILE            trust only this PEM CA, for the API and MQTT (default: the system
                       roots, which hold Amazon's, plus AWS_CA_BUNDLE and hob-data/ca.pem
                       when they exist)
  --state-dir DIR      folder that holds misc/ (default: the current folder)
  --json               print one JSON object per line, for scripts
  -h, --help           show this help

Each thing connects with its own certificate, as client id THING (send,
shadow) or THING-listener (subscribe, shadow watch), under a policy that
send/subscribe/shadow make (policy-THING) and that allows only those client
ids, the thing's own topics and its shadows. --append-thing-name is on by
default, as in the seed (elf/thing_0); --append-thing-name=false uses
--topic as given. --duration takes seconds (10) or a Go duration (1m30s).

Exit codes:
  0  success
  1  failure: one line on stderr says what failed and how to fix it
     (send: also when any message failed)
  2  usage: the command line is wrong
`)
	return b.String()
}

// Parse parses an elf command line. Global options may come before or
// after the command; options and positional arguments may mix.
func Parse(args []string) (*Options, error) {
	o := &Options{Count: 1, Message: "IoT ELF Hello", Topic: "elf", AppendThingName: true,
		Duration: 10 * time.Second, Interval: time.Second, Thing: "thing_0"}
	at := commandIndex(args)
	if at < 0 {
		for _, a := range args {
			if a == "-h" || a == "-help" || a == "--help" {
				return nil, errHelp
			}
		}
		return nil, usagef("no command given: one of create, send, subscribe, clean, shadow, status (see elf --help)")
	}
	o.Command = args[at]
	fs := flag.NewFlagSet(o.Command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	registerGlobal(fs, o)
	if err := registerCommand(fs, o); err != nil {
		return nil, err
	}
	rest := append(append([]string{}, args[:at]...), args[at+1:]...)
	pos, err := parseMixed(fs, rest)
	if err != nil {
		return nil, err
	}
	return o, positional(o, pos)
}

// commandIndex finds the command: the first argument that is neither an
// option nor the value of a global option. It returns -1 if there is none.
func commandIndex(args []string) int {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			if i+1 < len(args) {
				return i + 1
			}
			return -1
		case strings.HasPrefix(a, "-") && len(a) > 1:
			if globalTakesValue(a) {
				i++
			}
		default:
			return i
		}
	}
	return -1
}

func globalTakesValue(a string) bool {
	switch strings.TrimLeft(a, "-") {
	case "profile", "region", "endpoint-url", "mqtt-endpoint", "ca", "state-dir":
		return true
	}
	return false
}

// parseMixed parses fs over args where options and positional arguments
// mix, returning the positional ones.
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func registerGlobal(fs *flag.FlagSet, o *Options) {
	fs.StringVar(&o.Profile, "profile", o.Profile, "")
	fs.StringVar(&o.Region, "region", o.Region, "")
	fs.StringVar(&o.EndpointURL, "endpoint-url", o.EndpointURL, "")
	fs.StringVar(&o.MQTTEndpoint, "mqtt-endpoint", o.MQTTEndpoint, "")
	fs.StringVar(&o.CA, "ca", o.CA, "")
	fs.StringVar(&o.StateDir, "state-dir", o.StateDir, "")
	fs.BoolVar(&o.JSON, "json", o.JSON, "")
}

func registerCommand(fs *flag.FlagSet, o *Options) error {
	switch o.Command {
	case "create", "status":
	case "send":
		fs.StringVar(&o.JSONMessage, "json-message", "", "")
		fs.DurationVar(&o.Interval, "interval", o.Interval, "")
		registerTopic(fs, o)
	case "subscribe":
		registerTopic(fs, o)
	case "clean":
		fs.BoolVar(&o.OnlyLocal, "only-local", false, "")
		fs.BoolVar(&o.OnlyLocal, "force", false, "")
	case "shadow":
		fs.StringVar(&o.ShadowName, "name", "", "")
		fs.StringVar(&o.Thing, "thing", o.Thing, "")
		fs.StringVar(&o.JSONMessage, "json-message", "", "")
		fs.Var((*seconds)(&o.Duration), "duration", "")
	default:
		return usagef("unknown command %q: one of create, send, subscribe, clean, shadow, status", o.Command)
	}
	return nil
}

func registerTopic(fs *flag.FlagSet, o *Options) {
	fs.StringVar(&o.Topic, "topic", o.Topic, "")
	fs.BoolVar(&o.AppendThingName, "append-thing-name", o.AppendThingName, "")
	fs.Var((*seconds)(&o.Duration), "duration", "")
	fs.IntVar(&o.QoS, "qos", 0, "")
}

// positional checks and stores a command's positional arguments and the
// ranges of its options.
func positional(o *Options, pos []string) error {
	max := map[string]int{"create": 1, "send": 1, "subscribe": 0, "clean": 0, "status": 0, "shadow": 2}[o.Command]
	if len(pos) > max {
		return usagef("%s: unexpected argument %q", o.Command, pos[max])
	}
	if o.QoS != 0 && o.QoS != 1 {
		return usagef("%s: --qos %d: AWS IoT supports QoS 0 and 1", o.Command, o.QoS)
	}
	if o.Duration <= 0 || o.Interval <= 0 {
		return usagef("%s: --duration and --interval must be positive", o.Command)
	}
	if o.Topic == "" || strings.ContainsAny(o.Topic, "#+") {
		return usagef("%s: --topic %q: give a topic name without wildcards", o.Command, o.Topic)
	}
	switch o.Command {
	case "create":
		if len(pos) == 1 {
			n, err := strconv.Atoi(pos[0])
			if err != nil || n < 1 || n > 100 {
				return usagef("create: %q is not a number of things from 1 to 100", pos[0])
			}
			o.Count = n
		}
	case "send":
		if len(pos) == 1 {
			o.Message = pos[0]
		}
	case "shadow":
		return shadowArgs(o, pos)
	}
	return nil
}

func shadowArgs(o *Options, pos []string) error {
	if len(pos) == 0 {
		return usagef("shadow: say get, update, delete or watch")
	}
	o.ShadowOp = pos[0]
	switch o.ShadowOp {
	case "update":
		o.Message = ""
		if len(pos) == 2 {
			o.Message = pos[1]
		}
		if (o.Message == "") == (o.JSONMessage == "") {
			return usagef(`shadow update: give the document, e.g. '{"state":{"reported":{"on":true}}}', or --json-message FILE`)
		}
	case "get", "delete", "watch":
		if len(pos) > 1 {
			return usagef("shadow %s: unexpected argument %q", o.ShadowOp, pos[1])
		}
	default:
		return usagef("shadow: %q is not one of get, update, delete, watch", o.ShadowOp)
	}
	return nil
}

// seconds is a duration flag that also takes a plain number of seconds,
// as the original's --duration.
type seconds time.Duration

func (s *seconds) String() string { return time.Duration(*s).String() }

func (s *seconds) Set(v string) error {
	if n, err := strconv.Atoi(v); err == nil {
		*s = seconds(time.Duration(n) * time.Second)
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is neither seconds nor a duration like 1m30s", v)
	}
	*s = seconds(d)
	return nil
}
