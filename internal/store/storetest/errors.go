package storetest

import (
	"errors"
	"fmt"

	"github.com/hob-iot/hob/internal/store"
)

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// codeError is an error type that fn returns, so the suite can check that
// Update hands it back with errors.As.
type codeError struct{ code int }

func (e *codeError) Error() string { return fmt.Sprintf("storetest: failing on purpose (%d)", e.code) }

// errPurpose is a sentinel that fn returns wrapped.
var errPurpose = errors.New("storetest: sentinel")
