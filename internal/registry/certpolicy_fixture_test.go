package registry

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/pki"
	"github.com/hob-iot/hob/internal/store"
	"github.com/hob-iot/hob/internal/testutil/certtest"
)

// certTestAccount is the account the certificate, principal and policy
// tests name their ARNs in.
var certTestAccount = iot.Account{Partition: "aws", Region: "us-east-1", ID: "111122223333"}

// certFixture is a Registry on a real SQLite store in a temp dir, with a
// clock the test advances and, from newCAFixture, hob's real CA.
type certFixture struct {
	t   *testing.T
	r   *Registry
	st  store.Store
	ca  *pki.Authority
	now time.Time
}

func newCertFixture(t *testing.T) *certFixture {
	t.Helper()
	return newFixtureWith(t, nil)
}

// newCAFixture is newCertFixture with a fresh hob CA as the issuer.
func newCAFixture(t *testing.T) *certFixture {
	t.Helper()
	return newFixtureWith(t, testAuthority(t))
}

func newFixtureWith(t *testing.T, ca *pki.Authority) *certFixture {
	t.Helper()
	st := openTestStore(t)
	f := &certFixture{t: t, st: st, ca: ca, now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	var issuer CertIssuer
	if ca != nil {
		issuer = ca
	}
	f.r = New(st, certTestAccount, issuer, Options{Now: func() time.Time { return f.now }})
	return f
}

// tick advances the clock by one second, so that creation times differ.
func (f *certFixture) tick() { f.now = f.now.Add(time.Second) }

// certTables are every table a certificate, principal or policy request
// may write.
var certTables = []string{
	tableThings, tableCertificates, tablePolicies, tablePolicyVersions, tableThingPrincipals,
	tablePrincipalThings, tablePolicyTargets, tableTargetPolicies, tableTags,
	certsByCreation.asc, certsByCreation.desc, policiesByCreation.asc, policiesByCreation.desc,
}

// dump returns every record of certTables.
func (f *certFixture) dump() map[string]string {
	f.t.Helper()
	return dumpTables(f.t, f.st, certTables)
}

// failsUnchanged runs a request that must fail with code and checks that
// it left the store as it was.
func (f *certFixture) failsUnchanged(code iot.Code, op func() error) {
	f.t.Helper()
	wantFailsUnchanged(f.t, f.dump, code, op)
}

// mustRegister registers a fresh self-signed certificate with status and
// returns its id and ARN.
func (f *certFixture) mustRegister(status CertificateStatus) (id, arn string) {
	f.t.Helper()
	out, err := f.r.RegisterCertificateWithoutCA(context.Background(),
		RegisterCertificateInput{CertificatePEM: certtest.SelfSignedPEM(f.t, "device"), Status: status})
	if err != nil {
		f.t.Fatal(err)
	}
	f.tick()
	return out.CertificateID, out.CertificateARN
}

func (f *certFixture) mustThing(name string) {
	f.t.Helper()
	if _, err := f.r.CreateThing(context.Background(), CreateThingInput{Name: name}); err != nil {
		f.t.Fatal(err)
	}
}

// testPolicyDoc is a valid policy document; n makes distinct ones.
func testPolicyDoc(n int) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:111122223333:topic/t%d"}]}`, n)
}

func (f *certFixture) mustPolicy(name string) {
	f.t.Helper()
	if _, err := f.r.CreatePolicy(context.Background(), CreatePolicyInput{Name: name, Document: testPolicyDoc(0)}); err != nil {
		f.t.Fatal(err)
	}
	f.tick()
}

func (f *certFixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// testAuthority is a fresh hob CA in a temp dir.
func testAuthority(t *testing.T) *pki.Authority {
	t.Helper()
	ca, err := pki.LoadOrCreate(pki.Config{Dir: t.TempDir(), Hosts: []string{"localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ca.Close() })
	return ca
}
