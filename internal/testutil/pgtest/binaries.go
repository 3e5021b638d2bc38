package pgtest

import (
	"os"
	"path/filepath"
	"testing"
)

// defaultBin is where Debian's postgresql-15 package puts the server.
const defaultBin = "/usr/lib/postgresql/15/bin"

// binDir returns the folder of initdb and postgres.
func binDir() string {
	if d := os.Getenv("HOB_PG_BIN"); d != "" {
		return d
	}
	return defaultBin
}

// requireBinaries skips tb when the server binaries are missing, or fails
// it when CI is "true": CI must test against a real server.
func requireBinaries(tb testing.TB) {
	tb.Helper()
	for _, name := range []string{"initdb", "postgres"} {
		p := filepath.Join(binDir(), name)
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") == "true" {
				tb.Fatalf("pgtest: %s missing (%v); `make test` installs postgresql-15", p, err)
			}
			tb.Skipf("pgtest: %s missing; install postgresql-15 (as `make test` does) to run this test", p)
		}
	}
}
