package app

import (
	"fmt"
	"io"
	"path/filepath"
)

// Banner is what a user needs to talk to hob: the endpoint, the CA to
// trust, and the admin key when it was created by this start.
type Banner struct {
	Endpoint    string
	MQTT        string // host:port of MQTT over TLS
	DevMQTT     string // host:port of --dev plain MQTT, or ""
	CAFile      string
	KeysFile    string
	Region      string
	AccessKeyID string // set only on the start that created the admin key
	SecretKey   string // idem: printed once, never logged
	Dev         bool
}

func (a *App) makeBanner() Banner {
	b := Banner{
		Endpoint: a.endpointURL(),
		MQTT:     a.endpointHostPort(a.mqttLn),
		CAFile:   absolute(a.ca.CACertPath()),
		KeysFile: absolute(filepath.Join(a.cfg.DataDir, "access-keys.json")),
		Region:   a.cfg.Region,
		Dev:      a.cfg.Dev,
	}
	if a.devMQTTLn != nil {
		b.DevMQTT = a.devMQTTLn.Addr().String()
	}
	if a.newAdmin != nil {
		b.AccessKeyID, b.SecretKey = a.newAdmin.ID, a.newAdmin.Secret
	}
	return b
}

// WriteTo prints the banner with the lines to paste into a shell.
func (b Banner) WriteTo(w io.Writer) (int64, error) {
	var n int
	p := func(format string, args ...any) {
		k, _ := fmt.Fprintf(w, format, args...)
		n += k
	}
	p("\nhob is serving the AWS IoT API at %s\n", b.Endpoint)
	p("MQTT over TLS (client certificates from aws iot create-keys-and-certificate): %s\n", b.MQTT)
	if b.DevMQTT != "" {
		p("MQTT without TLS (--dev, loopback only, every client is the dev principal): %s\n", b.DevMQTT)
	}
	if b.Dev {
		p("WARNING: --dev: loopback only, and ANY well-formed SigV4 signature is accepted. Never expose this.\n")
	}
	p("\nPaste these lines into a shell to use it with the aws CLI, boto3 or the AWS SDKs:\n\n")
	p("  export AWS_ENDPOINT_URL=%s\n", b.Endpoint)
	p("  export AWS_CA_BUNDLE=%s\n", b.CAFile)
	p("  export AWS_DEFAULT_REGION=%s\n", b.Region)
	if b.AccessKeyID != "" {
		p("  export AWS_ACCESS_KEY_ID=%s\n", b.AccessKeyID)
		p("  export AWS_SECRET_ACCESS_KEY=%s\n", b.SecretKey)
		p("\nThe admin key above is shown once; it is kept (mode 0600) in %s.\n", b.KeysFile)
	} else {
		p("  # and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from %s\n", b.KeysFile)
	}
	p("\nThen try:  aws iot create-thing --thing-name my-first-thing\n\n")
	return int64(n), nil
}

// absolute makes p absolute, so the lines work when pasted into a shell in
// another folder.
func absolute(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}
