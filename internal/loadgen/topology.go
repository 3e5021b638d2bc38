package loadgen

import "strconv"

// topology is who publishes where and who subscribes to what, worked out
// from a Config.
type topology struct {
	idle        int      // conn mode: connections that only hold
	pubTopics   []string // publisher i publishes to pubTopics[i]
	subFilters  []string // subscriber j subscribes to subFilters[j]
	listenersOf []int    // listenersOf[i]: subscribers that receive publisher i
}

// topologyOf lays out c's mode.
func topologyOf(c *Config) topology {
	n, s := c.Clients, c.Subscribers
	if s == 0 {
		s = n
	}
	var t topology
	all := c.Topic + "/+"
	switch c.Mode {
	case ModeConn:
		t.idle = n
	case ModePub:
		t.pubTopics = numbered(c.Topic, n)
	case ModeSub:
		t.subFilters = repeat(all, s)
	case ModeFanIn:
		t.pubTopics, t.subFilters = numbered(c.Topic, n), []string{all}
	case ModeFanOut:
		t.pubTopics, t.subFilters = numbered(c.Topic, 1), repeat(c.Topic+"/0", s)
	case ModeP2P:
		t.pubTopics = numbered(c.Topic, n)
		t.subFilters = t.pubTopics
	}
	t.listenersOf = make([]int, len(t.pubTopics))
	for i := range t.listenersOf {
		switch c.Mode {
		case ModeFanIn, ModeP2P:
			t.listenersOf[i] = 1
		case ModeFanOut:
			t.listenersOf[i] = s
		}
	}
	return t
}

// connections returns how many connections the run opens.
func (t *topology) connections() int {
	return t.idle + len(t.pubTopics) + len(t.subFilters)
}

// expected returns how many deliveries subscribers should see when
// publisher i sent sent[i] messages; 0 when no publisher is ours.
func (t *topology) expected(sent []uint64) uint64 {
	var n uint64
	for i, s := range sent {
		n += s * uint64(t.listenersOf[i])
	}
	return n
}

func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + "/" + strconv.Itoa(i)
	}
	return out
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
