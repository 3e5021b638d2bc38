// Command apicoverage writes docs/api-coverage.md: every operation of
// botocore's iot and iot-data models (as listed in internal/api's
// generated table) and whether hob serves it. Run it with
// `make api-coverage`; a test keeps the committed file current.
package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/hob-iot/hob/internal/api"
)

func main() {
	out := io.Writer(os.Stdout)
	if len(os.Args) > 1 {
		f, err := os.Create(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "apicoverage:", err)
			os.Exit(1)
		}
		defer f.Close()
		out = f
	}
	srv := api.New(api.Config{}, nil, api.Services{}, slog.New(slog.DiscardHandler))
	if _, err := io.WriteString(out, api.CoverageReport(srv.Operations())); err != nil {
		fmt.Fprintln(os.Stderr, "apicoverage:", err)
		os.Exit(1)
	}
}
