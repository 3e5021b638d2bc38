package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/app"
	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/store/sqlite"
)

// acct is the account of the devices tests' ARNs.
var acct = iot.Account{Partition: "aws", Region: "us-east-1", ID: "123456789012"}

// arn is a resource ARN of acct, e.g. arn("topic", "a/b").
func arn(typ, name string) string { return acct.ARN(typ, name) }

// devFixture is hob's registry on a real SQLite store with the Devices
// that app wires to it, and a clock the test controls.
type devFixture struct {
	t    testing.TB
	st   store.Store
	reg  *registry.Registry
	devs *auth.Devices
	now  time.Time
}

func newDevFixture(t testing.TB) *devFixture {
	t.Helper()
	st, err := sqlite.Open(t.TempDir() + "/hob.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	f := &devFixture{t: t, st: st, now: time.Now()}
	f.reg, f.devs = app.NewRegistryAndDevices(st, acct, nil, nil, func() time.Time { return f.now })
	return f
}

func (f *devFixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// deviceCert is a registered certificate.
type deviceCert struct {
	x509 *x509.Certificate
	id   string
	arn  string
}

// cert registers a fresh self-signed certificate with the given subject
// (nil: CN=device) and status; "" means not registered at all.
func (f *devFixture) cert(status registry.CertificateStatus, tmpl *x509.Certificate) deviceCert {
	f.t.Helper()
	if tmpl == nil {
		tmpl = &x509.Certificate{Subject: pkix.Name{CommonName: "device"}}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	f.must(err)
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	}
	tmpl.NotBefore, tmpl.NotAfter = f.now.Add(-time.Hour), f.now.Add(24*time.Hour)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	f.must(err)
	c, err := x509.ParseCertificate(der)
	f.must(err)
	out := deviceCert{x509: c}
	if status == "" {
		return out
	}
	reg, err := f.reg.RegisterCertificateWithoutCA(context.Background(), registry.RegisterCertificateInput{
		CertificatePEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), Status: status})
	f.must(err)
	out.id, out.arn = reg.CertificateID, reg.CertificateARN
	return out
}

// policy creates a policy and attaches it to c.
func (f *devFixture) policy(c deviceCert, name, doc string) {
	f.t.Helper()
	ctx := context.Background()
	_, err := f.reg.CreatePolicy(ctx, registry.CreatePolicyInput{Name: name, Document: doc})
	f.must(err)
	f.must(f.reg.AttachPolicy(ctx, registry.PolicyTargetInput{PolicyName: name, Target: c.arn}))
}

// thing creates a thing, with a type when typ is set, and attaches it to c
// unless c is the zero deviceCert.
func (f *devFixture) thing(c deviceCert, name, typ string, attrs map[string]string) {
	f.t.Helper()
	ctx := context.Background()
	if typ != "" {
		_, err := f.reg.CreateThingType(ctx, registry.CreateThingTypeInput{Name: typ})
		if !iot.IsCode(err, iot.ResourceAlreadyExistsException) {
			f.must(err)
		}
	}
	_, err := f.reg.CreateThing(ctx, registry.CreateThingInput{Name: name, TypeName: typ, Attributes: attrs})
	f.must(err)
	if c.arn != "" {
		f.must(f.reg.AttachThingPrincipal(ctx, registry.ThingPrincipalInput{ThingName: name, Principal: c.arn}))
	}
}

// connect authenticates a client with c, which must succeed.
func (f *devFixture) connect(c deviceCert, req auth.ConnRequest) *auth.Device {
	f.t.Helper()
	req.Certificates = []*x509.Certificate{c.x509}
	d, err := f.devs.Authenticate(context.Background(), req)
	f.must(err)
	return d
}

// stmt is one policy statement as JSON; cond may be "".
func stmt(effect, action, resource, cond string) string {
	s := `{"Effect":"` + effect + `","Action":"` + action + `","Resource":"` + resource + `"`
	if cond != "" {
		s += `,"Condition":` + cond
	}
	return s + "}"
}

// doc is a 2012-10-17 policy document of the statements.
func doc(stmts ...string) string {
	out := `{"Version":"2012-10-17","Statement":[`
	for i, s := range stmts {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out + "]}"
}
