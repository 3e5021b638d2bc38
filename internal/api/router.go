package api

import (
	"net/url"
	"strings"
)

// route is one operation: its AWS name, method, path template (segments
// like "things", "{thingName}" or a greedy "{arn+}"), the query parameters
// it defines, the signing names it accepts, and its handler.
type route struct {
	op       string
	method   string
	segments []string
	query    []string
	services []string
	// certificates lets a request without a signature authenticate with
	// its TLS client certificate (data-plane routes, spec §4.12).
	certificates bool
	handle       handlerFunc
}

// iotRoute makes a control-plane route. path is the botocore requestUri.
func iotRoute(op, method, path string, query []string, h handlerFunc) route {
	return route{op: op, method: method, segments: splitPath(path), query: query,
		services: controlPlane, handle: h}
}

// dataRoute makes an iot-data route: signed for "iotdata" or
// "iotdevicegateway", or authenticated by a client certificate.
func dataRoute(op, method, path string, query []string, h handlerFunc) route {
	return route{op: op, method: method, segments: splitPath(path), query: query,
		services: dataPlane, certificates: true, handle: h}
}

// router finds routes by method and raw path.
type router struct {
	routes []route
}

func (rr *router) add(rs ...route) { rr.routes = append(rr.routes, rs...) }

// match returns the route for method and the raw (escaped) path, with its
// labels percent-decoded, or nil. Among matching routes the one with the
// most literal segments wins, so "/certificates/by-ca/{id}" beats
// "/certificates/{id}/x" style overlaps.
func (rr *router) match(method, rawPath string) (*route, map[string]string) {
	segs := splitPath(rawPath)
	var best *route
	var bestLabels map[string]string
	bestScore := -1
	for i := range rr.routes {
		rt := &rr.routes[i]
		if rt.method != method {
			continue
		}
		labels, score, ok := matchSegments(rt.segments, segs)
		if ok && score > bestScore {
			best, bestLabels, bestScore = rt, labels, score
		}
	}
	return best, bestLabels
}

// matchSegments matches raw path segments against a template and returns
// the decoded labels and the number of literal segments matched.
func matchSegments(tmpl, segs []string) (map[string]string, int, bool) {
	labels := map[string]string{}
	literals := 0
	for i, t := range tmpl {
		name, isLabel := strings.CutPrefix(t, "{")
		if !isLabel {
			if i >= len(segs) || segs[i] != t {
				return nil, 0, false
			}
			literals++
			continue
		}
		name = strings.TrimSuffix(name, "}")
		if greedy, ok := strings.CutSuffix(name, "+"); ok {
			if i >= len(segs) {
				return nil, 0, false
			}
			v, err := url.PathUnescape(strings.Join(segs[i:], "/"))
			if err != nil || v == "" {
				return nil, 0, false
			}
			labels[greedy] = v
			return labels, literals, true
		}
		if i >= len(segs) || segs[i] == "" {
			return nil, 0, false
		}
		v, err := url.PathUnescape(segs[i])
		if err != nil {
			return nil, 0, false
		}
		labels[name] = v
	}
	return labels, literals, len(tmpl) == len(segs)
}

// splitPath splits "/a/b" into ["a", "b"]; "/" gives no segments.
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
