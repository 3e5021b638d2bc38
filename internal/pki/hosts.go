package pki

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
)

// DefaultHosts are the names hob's server certificate covers when none are
// configured: localhost, 127.0.0.1, ::1 and the machine's host name (when
// it has one).
func DefaultHosts() []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if h, err := os.Hostname(); err == nil && h != "" {
		hosts = append(hosts, strings.ToLower(h))
	}
	hs, _ := normalizeHosts(hosts)
	return hs
}

// normalizeHosts trims each host, strips the brackets of "[::1]", writes IP
// addresses canonically and DNS names in lower case without a final dot,
// and drops empty entries and duplicates. A host with a port, a path or
// white space inside is an error.
func normalizeHosts(in []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, h := range in {
		h = strings.TrimSpace(h)
		if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
			h = h[1 : len(h)-1]
		}
		if ip := net.ParseIP(h); ip != nil {
			h = ip.String()
		} else {
			h = strings.TrimSuffix(strings.ToLower(h), ".")
			if strings.ContainsAny(h, ":/ \t\n@") {
				return nil, fmt.Errorf("pki: host %q is not a DNS name or IP address", h)
			}
		}
		if h != "" && !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out, nil
}

// splitHosts sorts hosts into the certificate's DNS and IP SANs.
func splitHosts(hosts []string) (dns []string, ips []net.IP) {
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			ips = append(ips, ip)
		} else {
			dns = append(dns, h)
		}
	}
	return dns, ips
}

// uncovered returns the first of hosts that cert's SANs do not name
// exactly (an IP address by value, a DNS name without regard to case), or
// "" when it covers them all.
func uncovered(cert *x509.Certificate, hosts []string) string {
	for _, h := range hosts {
		if !covers(cert, h) {
			return h
		}
	}
	return ""
}

func covers(cert *x509.Certificate, host string) bool {
	if ip := net.ParseIP(host); ip != nil {
		for _, c := range cert.IPAddresses {
			if c.Equal(ip) {
				return true
			}
		}
		return false
	}
	for _, d := range cert.DNSNames {
		if strings.EqualFold(d, host) {
			return true
		}
	}
	return false
}
