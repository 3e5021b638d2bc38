package elf

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
)

// hobDataCA is where `hob serve` keeps its root CA by default: ca.pem in
// its data folder (hob-data, or $HOB_DATA_DIR).
func hobDataCA() string {
	dir := os.Getenv("HOB_DATA_DIR")
	if dir == "" {
		dir = "hob-data"
	}
	return filepath.Join(dir, "ca.pem")
}

// trustPool returns the CAs elf trusts for the API and MQTT: exactly the
// --ca file when given; otherwise the system roots (Amazon's among them),
// plus AWS_CA_BUNDLE and hob's data-folder CA when they exist.
func trustPool(caFile string) (*x509.CertPool, error) {
	if caFile != "" {
		pool := x509.NewCertPool()
		if err := appendPEMFile(pool, caFile); err != nil {
			return nil, err
		}
		return pool, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, f := range []string{os.Getenv("AWS_CA_BUNDLE"), hobDataCA()} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			continue
		}
		if err := appendPEMFile(pool, f); err != nil {
			return nil, err
		}
	}
	return pool, nil
}

func appendPEMFile(pool *x509.CertPool, file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("reading the CA file: %w", err)
	}
	if !pool.AppendCertsFromPEM(b) {
		return fmt.Errorf("the CA file %s holds no PEM certificate", file)
	}
	return nil
}

// thingTLS is the TLS configuration of a thing's MQTT connection: its own
// certificate and key, and the trusted CAs.
func thingTLS(pool *x509.CertPool, certFile, keyFile, serverName string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("loading the thing's certificate: %w (run `elf clean` and `elf create` to make new ones)", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		RootCAs:      pool,
		ServerName:   serverName,
		MinVersion:   tls.VersionTLS12,
	}, nil
}
