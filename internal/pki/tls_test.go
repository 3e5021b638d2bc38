package pki

import (
	"crypto/tls"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// serveOnce accepts one mutual-TLS connection on 127.0.0.1:0, echoes one
// line and reports the handshake result on the returned channel.
func serveOnce(t *testing.T, a *Authority) (string, <-chan error) {
	t.Helper()
	cfg := &tls.Config{
		Certificates: []tls.Certificate{a.ServerTLSCertificate()},
		ClientCAs:    a.CAPool(),
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS12,
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	result := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			result <- err
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if err := c.(*tls.Conn).Handshake(); err != nil {
			result <- err
			return
		}
		_, err = io.Copy(c, io.LimitReader(c, 5))
		result <- err
	}()
	return ln.Addr().String(), result
}

// dial connects as a device with the given credentials, trusting a's CA,
// and sends "hello".
func dial(a *Authority, addr, serverName string, dc DeviceCredentials, version uint16) error {
	pair, err := tls.X509KeyPair([]byte(dc.CertificatePEM), []byte(dc.PrivateKeyPEM))
	if err != nil {
		return err
	}
	cfg := &tls.Config{RootCAs: a.CAPool(), Certificates: []tls.Certificate{pair}, ServerName: serverName,
		MinVersion: version, MaxVersion: version}
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte("hello")); err != nil {
		return err
	}
	got, err := io.ReadAll(io.LimitReader(c, 5))
	if err == nil && string(got) != "hello" {
		err = io.ErrUnexpectedEOF
	}
	return err
}

func TestAuthority_MutualTLS_DeviceAccepted(t *testing.T) {
	a := sharedAuthority(t)
	dc, err := a.IssueKeysAndCertificate()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, serverName string
		version          uint16
	}{
		{"TLS 1.2 by name", "localhost", tls.VersionTLS12},
		{"TLS 1.3 by name", "localhost", tls.VersionTLS13},
		{"TLS 1.3 by IP", "127.0.0.1", tls.VersionTLS13},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, result := serveOnce(t, a)
			if err := dial(a, addr, tc.serverName, dc, tc.version); err != nil {
				t.Fatalf("client: %v", err)
			}
			if err := <-result; err != nil {
				t.Fatalf("server: %v", err)
			}
		})
	}
}

func TestAuthority_MutualTLS_OtherCARejected(t *testing.T) {
	a := sharedAuthority(t)
	other, _ := newAuthority(t, "localhost")
	stranger, err := other.IssueKeysAndCertificate()
	if err != nil {
		t.Fatal(err)
	}
	addr, result := serveOnce(t, a)
	if err := dial(a, addr, "localhost", stranger, tls.VersionTLS13); err == nil {
		t.Fatal("client with another CA's certificate got through")
	}
	err = <-result
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("server handshake error = %v, want a certificate error", err)
	}
}

func TestAuthority_MutualTLS_WrongServerNameRejected(t *testing.T) {
	a := sharedAuthority(t)
	dc, err := a.IssueKeysAndCertificate()
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := serveOnce(t, a)
	err = dial(a, addr, "not-covered.example", dc, tls.VersionTLS13)
	if err == nil || !strings.Contains(err.Error(), "not-covered.example") {
		t.Fatalf("dial = %v, want a host name mismatch", err)
	}
}
