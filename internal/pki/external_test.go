package pki

import (
	"strings"
	"testing"
)

// These tests check hob's PEM files with the TLS stacks that devices and
// tools use: OpenSSL's command line and Python's ssl module. Outside CI
// they are skipped when a tool is missing.

func TestAuthority_DeviceCredentials_OpenSSL(t *testing.T) {
	openssl := requireTool(t, "openssl")
	a := sharedAuthority(t)
	dc, err := a.IssueKeysAndCertificate()
	if err != nil {
		t.Fatal(err)
	}
	cert := writeTemp(t, "device.pem", dc.CertificatePEM)
	key := writeTemp(t, "device.key", dc.PrivateKeyPEM)
	pub := writeTemp(t, "device.pub", dc.PublicKeyPEM)

	text := run(t, openssl, "x509", "-noout", "-text", "-in", cert)
	for _, want := range []string{"CN = AWS IoT Certificate", "CN = hob Root CA", "TLS Web Client Authentication",
		"Dec 31 23:59:59 2049 GMT", "Public-Key: (2048 bit)"} {
		if !strings.Contains(text, want) {
			t.Errorf("openssl x509 -text lacks %q:\n%s", want, text)
		}
	}
	if out := run(t, openssl, "rsa", "-check", "-noout", "-in", key); !strings.Contains(out, "RSA key ok") {
		t.Errorf("openssl rsa -check: %s", out)
	}
	if out := run(t, openssl, "verify", "-purpose", "sslclient", "-CAfile", a.CACertPath(), cert); !strings.Contains(out, ": OK") {
		t.Errorf("openssl verify: %s", out)
	}
	// The public key file is the certificate's key.
	fromCert := run(t, openssl, "x509", "-noout", "-pubkey", "-in", cert)
	fromFile := run(t, openssl, "pkey", "-pubin", "-in", pub)
	if fromCert != fromFile {
		t.Errorf("public key file differs from the certificate's key:\n%s\n%s", fromCert, fromFile)
	}
	fp := run(t, openssl, "x509", "-noout", "-fingerprint", "-sha256", "-in", cert)
	if got := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(fp[strings.Index(fp, "=")+1:]), ":", "")); got != dc.CertificateID {
		t.Errorf("openssl SHA-256 fingerprint %s, CertificateID %s", got, dc.CertificateID)
	}
}

func TestAuthority_ServerAndCA_OpenSSL(t *testing.T) {
	openssl := requireTool(t, "openssl")
	a, dir := newAuthority(t, "localhost", "127.0.0.1")
	ca := run(t, openssl, "x509", "-noout", "-text", "-in", a.CACertPath())
	for _, want := range []string{"CA:TRUE", "Certificate Sign, CRL Sign", "Subject Key Identifier", "CN = hob Root CA"} {
		if !strings.Contains(ca, want) {
			t.Errorf("CA lacks %q:\n%s", want, ca)
		}
	}
	server := dir + "/" + serverCertFile
	text := run(t, openssl, "x509", "-noout", "-text", "-in", server)
	for _, want := range []string{"DNS:localhost", "IP Address:127.0.0.1", "TLS Web Server Authentication"} {
		if !strings.Contains(text, want) {
			t.Errorf("server certificate lacks %q:\n%s", want, text)
		}
	}
	if out := run(t, openssl, "verify", "-purpose", "sslserver", "-CAfile", a.CACertPath(), server); !strings.Contains(out, ": OK") {
		t.Errorf("openssl verify: %s", out)
	}
	run(t, openssl, "rsa", "-check", "-noout", "-in", dir+"/"+serverKeyFile)
	run(t, openssl, "rsa", "-check", "-noout", "-in", dir+"/"+caKeyFile)
}

// pythonCheck loads a certificate chain and a CA bundle into an
// ssl.SSLContext, as the AWS IoT Device SDK for Python and boto3 do.
const pythonCheck = `
import ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
ctx.load_verify_locations(sys.argv[3])
srv = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
srv.load_cert_chain(sys.argv[4], sys.argv[5])
print("ok", len(ctx.get_ca_certs()))
`

func TestAuthority_Credentials_PythonSSL(t *testing.T) {
	python := requireTool(t, "python3")
	a := sharedAuthority(t)
	dc, err := a.IssueKeysAndCertificate()
	if err != nil {
		t.Fatal(err)
	}
	out := run(t, python, "-c", pythonCheck,
		writeTemp(t, "device.pem", dc.CertificatePEM), writeTemp(t, "device.key", dc.PrivateKeyPEM),
		a.CACertPath(), a.Dir()+"/"+serverCertFile, a.Dir()+"/"+serverKeyFile)
	if strings.TrimSpace(out) != "ok 1" {
		t.Fatalf("python ssl: %s", out)
	}
}

// pythonClient connects to hob's TLS server as a device: mutual TLS with
// the device certificate, verifying the server against hob's CA.
const pythonClient = `
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
ctx.load_verify_locations(sys.argv[3])
host, port = sys.argv[4].rsplit(":", 1)
with socket.create_connection((host, int(port)), timeout=10) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        s.sendall(b"hello")
        data = b""
        while len(data) < 5:
            chunk = s.recv(5 - len(data))
            if not chunk:
                break
            data += chunk
        print(data.decode(), s.version())
`

func TestAuthority_MutualTLS_PythonClient(t *testing.T) {
	python := requireTool(t, "python3")
	a := sharedAuthority(t)
	dc, err := a.IssueKeysAndCertificate()
	if err != nil {
		t.Fatal(err)
	}
	addr, result := serveOnce(t, a)
	out := run(t, python, "-c", pythonClient,
		writeTemp(t, "device.pem", dc.CertificatePEM), writeTemp(t, "device.key", dc.PrivateKeyPEM), a.CACertPath(), addr)
	if !strings.HasPrefix(out, "hello TLS") {
		t.Fatalf("python client: %s", out)
	}
	if err := <-result; err != nil {
		t.Fatalf("server: %v", err)
	}
}

// nodeClient connects to hob's TLS server as a Node.js device would (the
// AWS IoT Device SDK for JavaScript and MQTT.js load PEM files this way):
// mutual TLS with the device key and certificate, trusting hob's CA.
const nodeClient = `
const fs = require("fs"), tls = require("tls");
const [cert, key, ca, addr] = process.argv.slice(1);
const i = addr.lastIndexOf(":");
const s = tls.connect({host: addr.slice(0, i), port: +addr.slice(i + 1), servername: "localhost",
  cert: fs.readFileSync(cert), key: fs.readFileSync(key), ca: fs.readFileSync(ca)}, () => s.write("hello"));
let got = "";
s.on("data", d => { got += d; if (got.length >= 5) { console.log(got, s.getProtocol()); s.end(); } });
s.on("error", e => { console.error(e.message); process.exit(1); });
`

func TestAuthority_MutualTLS_NodeClient(t *testing.T) {
	node := requireTool(t, "node")
	a := sharedAuthority(t)
	dc, err := a.IssueKeysAndCertificate()
	if err != nil {
		t.Fatal(err)
	}
	addr, result := serveOnce(t, a)
	out := run(t, node, "-e", nodeClient,
		writeTemp(t, "device.pem", dc.CertificatePEM), writeTemp(t, "device.key", dc.PrivateKeyPEM), a.CACertPath(), addr)
	if !strings.HasPrefix(out, "hello TLS") {
		t.Fatalf("node client: %s", out)
	}
	if err := <-result; err != nil {
		t.Fatalf("server: %v", err)
	}
}
