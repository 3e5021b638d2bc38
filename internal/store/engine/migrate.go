package engine

import (
	"errors"
	"fmt"
)

// Migration is one numbered step of an engine's schema. Versions start at 1
// and increase by 1; a step, once released, never changes: later changes
// append a new step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ErrSchemaTooNew reports a database written by a newer hob.
var ErrSchemaTooNew = errors.New("database schema is newer than this program")

// Apply runs, oldest first, the steps of ms (the whole schema, oldest first)
// after version current, which the database has already applied. run
// executes one step's SQL and records it, inside the caller's transaction.
// Apply wraps ErrSchemaTooNew when current is beyond ms, and stops at the
// first error of run, wrapped with the step's version and name.
func Apply(ms []Migration, current int, run func(Migration) error) error {
	if current > len(ms) {
		return fmt.Errorf("%w: version %d, known %d", ErrSchemaTooNew, current, len(ms))
	}
	for _, m := range ms[current:] {
		if err := run(m); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
		}
	}
	return nil
}
