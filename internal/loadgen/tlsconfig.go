package loadgen

import (
	"crypto/tls"
	"fmt"
	"net"
)

// tlsConfig builds the client side of mqtts from PEM files: the broker's
// CA (or the system roots) and the client certificate, if any.
func tlsConfig(f TLSFiles, addr string) (*tls.Config, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{ServerName: host, InsecureSkipVerify: f.Insecure, MinVersion: tls.VersionTLS12}
	if f.ServerName != "" {
		cfg.ServerName = f.ServerName
	}
	if f.CA != "" {
		if cfg.RootCAs, err = caPool(f.CA); err != nil {
			return nil, err
		}
	}
	if f.Cert != "" {
		cert, err := tls.LoadX509KeyPair(f.Cert, f.Key)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}
