package api_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/hob-iot/hob/internal/testutil"
	"github.com/hob-iot/hob/internal/testutil/certtest"
)

func TestCertificates_Lifecycle_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
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
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		var ids []string
		for range 3 {
			out := call(c.RegisterCertificateWithoutCA(ctx, &iot.RegisterCertificateWithoutCAInput{
				CertificatePem: aws.String(certtest.SelfSignedPEM(t, "registered")), Status: types.CertificateStatusActive})).ok(t)
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
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
		ctx := context.Background()
		fromCSR := call(c.CreateCertificateFromCsr(ctx, &iot.CreateCertificateFromCsrInput{CertificateSigningRequest: aws.String(certtest.CSRPEM(t, nil, "from-csr"))})).ok(t)
		d := call(c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: fromCSR.CertificateId})).ok(t).CertificateDescription
		if d.Status != types.CertificateStatusInactive || aws.ToString(d.CertificatePem) != aws.ToString(fromCSR.CertificatePem) {
			t.Errorf("certificate from CSR: %+v", d)
		}
		_, err := c.CreateCertificateFromCsr(ctx, &iot.CreateCertificateFromCsrInput{CertificateSigningRequest: aws.String("not a CSR")})
		wantAPIErr(t, err, "InvalidRequestException", 400)

		certPEM := certtest.SelfSignedPEM(t, "registered")
		reg := call(c.RegisterCertificateWithoutCA(ctx, &iot.RegisterCertificateWithoutCAInput{CertificatePem: &certPEM})).ok(t)
		d = call(c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: reg.CertificateId})).ok(t).CertificateDescription
		if d.CertificateMode != types.CertificateModeSniOnly || d.Status != types.CertificateStatusInactive {
			t.Errorf("registered without CA: %+v", d)
		}
		_, err = c.RegisterCertificateWithoutCA(ctx, &iot.RegisterCertificateWithoutCAInput{CertificatePem: &certPEM})
		wantAPIErr(t, err, "ResourceAlreadyExistsException", 409)
		_, err = c.RegisterCertificateWithoutCA(ctx, &iot.RegisterCertificateWithoutCAInput{CertificatePem: aws.String("junk")})
		wantAPIErr(t, err, "CertificateValidationException", 400)
		_, err = c.RegisterCertificate(ctx, &iot.RegisterCertificateInput{CertificatePem: aws.String(certtest.SelfSignedPEM(t, "registered"))})
		wantAPIErr(t, err, "CertificateValidationException", 400)
		_, err = c.RegisterCertificate(ctx, &iot.RegisterCertificateInput{CertificatePem: aws.String(certtest.SelfSignedPEM(t, "registered")), CaCertificatePem: &certPEM})
		wantAPIErr(t, err, "CertificateValidationException", 400)
		caPEM, leafPEM := certtest.CAAndLeafPEM(t)
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
	cases := []errCase{
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
	runErrCases(t, cases)
	d := call(c.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: &id})).ok(t).CertificateDescription
	if d.Status != types.CertificateStatusActive || aws.ToInt32(d.CustomerVersion) != 1 {
		t.Errorf("failed requests changed the certificate: %+v", d)
	}
}

func TestCertificates_DeleteOrder_SDK(t *testing.T) {
	onStores(t, func(t *testing.T, srv *testutil.Server, c *iot.Client) {
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
