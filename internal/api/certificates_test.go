package api_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/smithy-go"

	"github.com/hob-iot/hob/internal/testutil"
)

// onCertStores runs fn against a fresh hob on each store engine: the
// embedded SQLite store and PostgreSQL.
func onCertStores(t *testing.T, fn func(t *testing.T, srv *testutil.Server, c *iot.Client)) {
	for _, st := range []struct {
		name string
		opts []testutil.Option
	}{{"sqlite", nil}, {"postgres", []testutil.Option{testutil.WithPostgres()}}} {
		t.Run(st.name, func(t *testing.T) {
			srv := testutil.StartServer(t, st.opts...)
			fn(t, srv, srv.IoT(t))
		})
	}
}

// wantAPIErr fails the test unless err is an AWS API error with the given
// code, HTTP status and a message.
func wantAPIErr(t *testing.T, err error, code string, status int) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want %s", err, code)
	}
	if apiErr.ErrorCode() != code || apiErr.ErrorMessage() == "" {
		t.Fatalf("error %s %q, want %s with a message", apiErr.ErrorCode(), apiErr.ErrorMessage(), code)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != status {
		t.Fatalf("error %v: want HTTP status %d", err, status)
	}
}

// outcome is an SDK call's result, for call(...).ok(t).
type outcome[T any] struct {
	v   T
	err error
}

// call captures an SDK call's two results.
func call[T any](v T, err error) outcome[T] { return outcome[T]{v, err} }

// ok returns the call's output, failing the test if it failed.
func (o outcome[T]) ok(t *testing.T) T {
	t.Helper()
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.v
}

// selfSignedPEM returns a fresh self-signed ECDSA certificate.
func selfSignedPEM(t *testing.T) string {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "registered"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func csrPEM(t *testing.T) string {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "from-csr"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

// caAndLeafPEM returns a CA certificate and a device certificate it signed.
func caAndLeafPEM(t *testing.T) (caPEM, leafPEM string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "device CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "device"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	enc := func(der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	}
	return enc(caDER), enc(leafDER)
}

func TestCertificates_Lifecycle_SDK(t *testing.T) {
	onCertStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		out := call(c.CreateKeysAndCertificate(ctx, &iot.CreateKeysAndCertificateInput{SetAsActive: true})).ok(t)
		pair, err := tls.X509KeyPair([]byte(aws.ToString(out.CertificatePem)), []byte(aws.ToString(out.KeyPair.PrivateKey)))
		if err != nil {
			t.Fatalf("device certificate and key do not load: %v", err)
		}
		sum := sha256.Sum256(pair.Certificate[0])
		id := aws.ToString(out.CertificateId)
		arn := "arn:aws:iot:" + srv.Region + ":" + srv.AccountID + ":cert/" + id
		if id != hex.EncodeToString(sum[:]) || aws.ToString(out.CertificateArn) != arn ||
			!strings.Contains(aws.ToString(out.KeyPair.PublicKey), "PUBLIC KEY") {
			t.Fatalf("CreateKeysAndCertificate = %+v", out)
		}
		d := call(c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: &id})).ok(t).CertificateDescription
		if aws.ToString(d.CertificateArn) != arn || d.Status != types.CertificateStatusActive ||
			aws.ToString(d.CertificatePem) != aws.ToString(out.CertificatePem) || aws.ToString(d.OwnedBy) != srv.AccountID ||
			d.CertificateMode != types.CertificateModeDefault || d.CreationDate == nil || d.LastModifiedDate == nil ||
			time.Since(*d.CreationDate) > time.Minute || d.Validity == nil || d.Validity.NotAfter == nil ||
			!d.Validity.NotAfter.After(time.Now()) || aws.ToString(d.GenerationId) == "" || aws.ToInt32(d.CustomerVersion) != 1 {
			t.Fatalf("DescribeCertificate = %+v", d)
		}
		for _, st := range []types.CertificateStatus{types.CertificateStatusInactive, types.CertificateStatusInactive, types.CertificateStatusRevoked} {
			call(c.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: &id, NewStatus: st})).ok(t)
			d := call(c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: &id})).ok(t).CertificateDescription
			if d.Status != st {
				t.Fatalf("status %s after update to %s", d.Status, st)
			}
		}
		_, err = c.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: &id, NewStatus: types.CertificateStatusActive})
		wantAPIErr(t, err, "CertificateStateException", 406)
		call(c.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: &id})).ok(t)
		_, err = c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: &id})
		wantAPIErr(t, err, "ResourceNotFoundException", 404)
	})
}

func TestCertificates_List_SDK(t *testing.T) {
	onCertStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		var ids []string
		for range 3 {
			out := call(c.RegisterCertificateWithoutCA(ctx, &iot.RegisterCertificateWithoutCAInput{
				CertificatePem: aws.String(selfSignedPEM(t)), Status: types.CertificateStatusActive})).ok(t)
			ids = append(ids, aws.ToString(out.CertificateId))
			time.Sleep(5 * time.Millisecond) // distinct creation times
		}
		for _, asc := range []bool{true, false} {
			var got []string
			p := iot.NewListCertificatesPaginator(c, &iot.ListCertificatesInput{PageSize: aws.Int32(2), AscendingOrder: asc})
			for pages := 0; p.HasMorePages(); pages++ {
				page := call(p.NextPage(ctx)).ok(t)
				if len(page.Certificates) > 2 || pages > 2 {
					t.Fatalf("page %d: %d certificates", pages, len(page.Certificates))
				}
				for _, cert := range page.Certificates {
					got = append(got, aws.ToString(cert.CertificateId))
					if cert.CreationDate == nil || cert.Status != types.CertificateStatusActive || cert.CertificateMode != types.CertificateModeSniOnly {
						t.Errorf("listed %+v", cert)
					}
				}
			}
			want := slices.Clone(ids)
			if !asc {
				slices.Reverse(want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("ascending=%v: %v, want %v", asc, got, want)
			}
		}
		_, err := c.ListCertificates(ctx, &iot.ListCertificatesInput{Marker: aws.String("@@@")})
		wantAPIErr(t, err, "InvalidRequestException", 400)
	})
}

func TestCertificates_CreateAndRegister_SDK(t *testing.T) {
	onCertStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		fromCSR := call(c.CreateCertificateFromCsr(ctx, &iot.CreateCertificateFromCsrInput{CertificateSigningRequest: aws.String(csrPEM(t))})).ok(t)
		d := call(c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: fromCSR.CertificateId})).ok(t).CertificateDescription
		if d.Status != types.CertificateStatusInactive || aws.ToString(d.CertificatePem) != aws.ToString(fromCSR.CertificatePem) {
			t.Errorf("certificate from CSR: %+v", d)
		}
		_, err := c.CreateCertificateFromCsr(ctx, &iot.CreateCertificateFromCsrInput{CertificateSigningRequest: aws.String("not a CSR")})
		wantAPIErr(t, err, "InvalidRequestException", 400)

		certPEM := selfSignedPEM(t)
		reg := call(c.RegisterCertificateWithoutCA(ctx, &iot.RegisterCertificateWithoutCAInput{CertificatePem: &certPEM})).ok(t)
		d = call(c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: reg.CertificateId})).ok(t).CertificateDescription
		if d.CertificateMode != types.CertificateModeSniOnly || d.Status != types.CertificateStatusInactive {
			t.Errorf("registered without CA: %+v", d)
		}
		_, err = c.RegisterCertificateWithoutCA(ctx, &iot.RegisterCertificateWithoutCAInput{CertificatePem: &certPEM})
		wantAPIErr(t, err, "ResourceAlreadyExistsException", 409)
		_, err = c.RegisterCertificateWithoutCA(ctx, &iot.RegisterCertificateWithoutCAInput{CertificatePem: aws.String("junk")})
		wantAPIErr(t, err, "CertificateValidationException", 400)
		_, err = c.RegisterCertificate(ctx, &iot.RegisterCertificateInput{CertificatePem: aws.String(selfSignedPEM(t))})
		wantAPIErr(t, err, "CertificateValidationException", 400)
		_, err = c.RegisterCertificate(ctx, &iot.RegisterCertificateInput{CertificatePem: aws.String(selfSignedPEM(t)), CaCertificatePem: &certPEM})
		wantAPIErr(t, err, "CertificateValidationException", 400)
		caPEM, leafPEM := caAndLeafPEM(t)
		out := call(c.RegisterCertificate(ctx, &iot.RegisterCertificateInput{CertificatePem: &leafPEM, CaCertificatePem: &caPEM, SetAsActive: aws.Bool(true)})).ok(t)
		d = call(c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: out.CertificateId})).ok(t).CertificateDescription
		ca, _ := pem.Decode([]byte(caPEM))
		caSum := sha256.Sum256(ca.Bytes)
		if d.Status != types.CertificateStatusActive || d.CertificateMode != types.CertificateModeDefault ||
			aws.ToString(d.CaCertificateId) != hex.EncodeToString(caSum[:]) {
			t.Errorf("registered with CA: %+v", d)
		}
	})
}

func TestCertificates_Errors_SDK(t *testing.T) {
	srv := testutil.StartServer(t)
	c := srv.IoT(t)
	ctx := context.Background()
	id := aws.ToString(call(c.CreateKeysAndCertificate(ctx, &iot.CreateKeysAndCertificateInput{SetAsActive: true})).ok(t).CertificateId)
	missing := strings.Repeat("0", 64)
	cases := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		{"describe missing", func() error {
			_, err := c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: &missing})
			return err
		}, "ResourceNotFoundException", 404},
		{"describe bad id", func() error {
			_, err := c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String("xyz")})
			return err
		}, "InvalidRequestException", 400},
		{"update pending transfer", func() error {
			_, err := c.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: &id, NewStatus: types.CertificateStatusPendingTransfer})
			return err
		}, "InvalidRequestException", 400},
		{"update register inactive", func() error {
			_, err := c.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: &id, NewStatus: types.CertificateStatusRegisterInactive})
			return err
		}, "InvalidRequestException", 400},
		{"update missing", func() error {
			_, err := c.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: &missing, NewStatus: types.CertificateStatusActive})
			return err
		}, "ResourceNotFoundException", 404},
		{"delete active", func() error {
			_, err := c.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: &id, ForceDelete: true})
			return err
		}, "CertificateStateException", 406},
		{"delete missing", func() error {
			_, err := c.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: &missing})
			return err
		}, "ResourceNotFoundException", 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantAPIErr(t, tc.call(), tc.code, tc.status) })
	}
	d := call(c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: &id})).ok(t).CertificateDescription
	if d.Status != types.CertificateStatusActive || aws.ToInt32(d.CustomerVersion) != 1 {
		t.Errorf("failed requests changed the certificate: %+v", d)
	}
}

func TestCertificates_DeleteOrder_SDK(t *testing.T) {
	onCertStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		cert := call(c.CreateKeysAndCertificate(ctx, &iot.CreateKeysAndCertificateInput{SetAsActive: true})).ok(t)
		id, arn := cert.CertificateId, cert.CertificateArn
		call(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("dev1")})).ok(t)
		call(c.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("p1"), PolicyDocument: aws.String(policyDoc("a"))})).ok(t)
		call(c.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("dev1"), Principal: arn})).ok(t)
		call(c.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("p1"), Target: arn})).ok(t)

		_, err := c.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: id})
		wantAPIErr(t, err, "CertificateStateException", 406)
		call(c.UpdateCertificate(ctx, &iot.UpdateCertificateInput{CertificateId: id, NewStatus: types.CertificateStatusInactive})).ok(t)
		_, err = c.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: id, ForceDelete: true})
		wantAPIErr(t, err, "DeleteConflictException", 409)
		_, err = c.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String("dev1")})
		wantAPIErr(t, err, "InvalidRequestException", 400)
		call(c.DetachThingPrincipal(ctx, &iot.DetachThingPrincipalInput{ThingName: aws.String("dev1"), Principal: arn})).ok(t)
		_, err = c.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: id})
		wantAPIErr(t, err, "DeleteConflictException", 409)
		_, err = c.DeletePolicy(ctx, &iot.DeletePolicyInput{PolicyName: aws.String("p1")})
		wantAPIErr(t, err, "DeleteConflictException", 409)
		call(c.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: id, ForceDelete: true})).ok(t)
		call(c.DeletePolicy(ctx, &iot.DeletePolicyInput{PolicyName: aws.String("p1")})).ok(t)
		call(c.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String("dev1")})).ok(t)
	})
}

// TestCertificates_Wire_Raw checks the JSON itself: keyPair's members are
// PascalCase and timestamps are numbers (spec §3.0).
func TestCertificates_Wire_Raw(t *testing.T) {
	srv := testutil.StartServer(t)
	status, errType, body := signedRequest(t, srv, "POST", "/keys-and-certificate?setAsActive=true", "", "iot", srv.AccessKeyID, srv.SecretAccessKey)
	var created struct {
		CertificateID string `json:"certificateId"`
		KeyPair       map[string]string
	}
	if status != 200 || json.Unmarshal([]byte(body), &created) != nil {
		t.Fatalf("CreateKeysAndCertificate: %d %s %s", status, errType, body)
	}
	if !strings.Contains(created.KeyPair["PublicKey"], "PUBLIC KEY") || !strings.Contains(created.KeyPair["PrivateKey"], "PRIVATE KEY") {
		t.Errorf("keyPair members are not PascalCase: %s", body)
	}
	status, _, body = signedRequest(t, srv, "GET", "/certificates/"+created.CertificateID, "", "iot", srv.AccessKeyID, srv.SecretAccessKey)
	var described struct {
		CertificateDescription map[string]any `json:"certificateDescription"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &described) != nil {
		t.Fatalf("DescribeCertificate: %d %s", status, body)
	}
	for _, k := range []string{"creationDate", "lastModifiedDate"} {
		if _, ok := described.CertificateDescription[k].(float64); !ok {
			t.Errorf("%s is %T, want a JSON number: %s", k, described.CertificateDescription[k], body)
		}
	}
	status, errType, _ = signedRequest(t, srv, "PUT", "/certificates/"+created.CertificateID, "", "iot", srv.AccessKeyID, srv.SecretAccessKey)
	if status != 400 || errType != "InvalidRequestException" {
		t.Errorf("UpdateCertificate without newStatus: %d %s", status, errType)
	}
}
