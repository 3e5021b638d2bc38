// Command hob is a self-hosted IoT platform that speaks AWS IoT Core's
// protocols and APIs. Run `hob --help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/hob-iot/hob/internal/app"
	"github.com/hob-iot/hob/internal/config"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

const usage = `hob: a self-hosted AWS IoT Core, in one binary.

Devices made for AWS IoT and tools made for AWS (the aws CLI, boto3, the
AWS SDKs) work against hob by changing only the endpoint, the trusted CA
and the access keys.

Usage:
  hob serve [options]   start the server (see hob serve --help for options)
  hob bench [options]   measure an MQTT broker, hob or another (hob bench --help)
  hob version           print hob's version
  hob help              print this text

Quick start:
  hob serve --data-dir ./hob-data
  It creates its CA, server certificate and an admin access key on first
  start and prints the lines to paste into a shell, such as
  AWS_ENDPOINT_URL and AWS_CA_BUNDLE. Then: aws iot list-things

Every option can also be set in the environment (HOB_DATA_DIR=...) or in a
YAML or TOML file given with --config.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "bench":
		return bench(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "hob %s\n", buildVersion())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "hob: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func serve(args []string, stdout, stderr io.Writer) int {
	cfg, err := config.Load(args, os.Environ(), stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "hob serve: %v\n", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		log.Error("hob could not start", "err", err)
		return 1
	}
	defer a.Close()
	if cfg.Dev {
		log.Warn("--dev: listening on loopback only and accepting ANY well-formed SigV4 signature; never use this outside local testing")
	}
	_, _ = a.Banner().WriteTo(stdout)
	log.Info("hob started", "version", buildVersion(), "https", a.HTTPSAddr().String(),
		"metrics", a.MetricsAddr().String(), "store", storeKind(cfg.Store))
	if err := a.Run(ctx); err != nil {
		log.Error("hob stopped with an error", "err", err)
		return 1
	}
	return 0
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// storeKind names the store engine without its URL, which may carry a password.
func storeKind(s string) string {
	if len(s) >= 6 && s[:6] == "sqlite" {
		return "sqlite"
	}
	return "postgres"
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}
