package shadow

import "strings"

// op is a shadow operation.
type op int

const (
	opGet op = iota
	opUpdate
	opDelete
)

func (o op) String() string { return [...]string{"get", "update", "delete"}[o] }

// opOf returns the operation a topic's last level names.
func opOf(s string) (op, bool) {
	switch s {
	case "get":
		return opGet, true
	case "update":
		return opUpdate, true
	case "delete":
		return opDelete, true
	}
	return 0, false
}

// requestTopic is a parsed request topic.
type requestTopic struct {
	Thing, Name string // Name "" is the classic shadow
	Op          op
}

// parseRequestTopic recognises the request topics of spec §1.2:
// $aws/things/T/shadow/{get|update|delete} and
// $aws/things/T/shadow/name/N/{get|update|delete}. Every other topic under
// RequestFilter (the service's own replies among them) is not a request,
// and ok is false. Names are not validated here.
func parseRequestTopic(topic string) (t requestTopic, ok bool) {
	rest, ok := strings.CutPrefix(topic, "$aws/things/")
	if !ok {
		return t, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 3 || parts[1] != "shadow" {
		return t, false
	}
	t.Thing = parts[0]
	switch {
	case len(parts) == 3:
	case len(parts) == 5 && parts[2] == "name":
		t.Name = parts[3]
		if t.Name == "" {
			return t, false
		}
	default:
		return t, false
	}
	t.Op, ok = opOf(parts[len(parts)-1])
	return t, ok
}
