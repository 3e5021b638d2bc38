//go:build !linux

package broker

import (
	"errors"
	"time"
)

// poller is Linux-only (epoll); elsewhere connections never park.
type poller struct{}

func newPoller(time.Duration, func()) (*poller, error) {
	return nil, errors.New("parking idle connections needs epoll (Linux)")
}

func (p *poller) watch(*conn) error { return errors.New("no poller") }
func (p *poller) forget(*conn)      {}
func (p *poller) close()            {}
func (p *poller) count() int        { return 0 }
