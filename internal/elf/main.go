package elf

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Main runs the elf command line args and returns the exit code (see
// Usage): 0 success, 1 failure, 2 usage.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := Parse(args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(stdout, Usage())
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "elf: %v\n", err)
		return ExitUsage
	}
	out := newPrinter(stdout, stderr, o.JSON)
	if err := Run(ctx, o, out); err != nil {
		code := ExitFailure
		if errors.As(err, new(usageError)) {
			code = ExitUsage
		}
		out.Fail(err, code)
		return code
	}
	return ExitOK
}

// Run runs one parsed command.
func Run(ctx context.Context, o *Options, out *printer) error {
	dir := o.StateDir
	if dir == "" {
		dir = "."
	}
	st, err := Init(dir)
	if err != nil {
		return err
	}
	s := &session{o: o, st: st, out: out}
	switch o.Command {
	case "create":
		return s.create(ctx)
	case "send":
		return s.send(ctx)
	case "subscribe":
		return s.subscribe(ctx)
	case "clean":
		return s.clean(ctx)
	case "shadow":
		return s.shadow(ctx)
	case "status":
		return s.status(ctx)
	}
	return usagef("unknown command %q", o.Command)
}
