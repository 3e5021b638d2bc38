// Command elf is the ELF device client: create things with their own
// certificates, send and subscribe over MQTT, use their shadows, and clean
// up, against hob or AWS IoT. `elf --help` lists the commands and the exit
// codes; internal/elf holds the client.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/hob-iot/hob/internal/elf"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := elf.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
