package loadgen

import "sync"

// keptErrors is how many error messages a run keeps; the rest are counted.
const keptErrors = 10

// errorLog collects the errors of a run's goroutines. It is safe for
// concurrent use.
type errorLog struct {
	mu    sync.Mutex // guards the fields below
	first []string
	n     int
}

// add records err.
func (l *errorLog) add(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	if len(l.first) < keptErrors {
		l.first = append(l.first, err.Error())
	}
}

// count returns how many errors were recorded.
func (l *errorLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// snapshot returns the count and the first messages.
func (l *errorLog) snapshot() (int, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n, append([]string(nil), l.first...)
}
