package api

import (
	"context"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
)

// CertificateService is the registry's certificate and thing↔principal
// operations that the routes of certificates.go and principals.go call.
type CertificateService interface {
	CreateKeysAndCertificate(ctx context.Context, in registry.CreateKeysAndCertificateInput) (registry.KeysAndCertificate, error)
	CreateCertificateFromCSR(ctx context.Context, in registry.CreateCertificateFromCSRInput) (registry.CreatedCertificate, error)
	RegisterCertificate(ctx context.Context, in registry.RegisterCertificateInput) (registry.RegisterCertificateOutput, error)
	RegisterCertificateWithoutCA(ctx context.Context, in registry.RegisterCertificateInput) (registry.RegisterCertificateOutput, error)
	DescribeCertificate(ctx context.Context, id string) (registry.Certificate, error)
	ListCertificates(ctx context.Context, in registry.ListCertificatesInput) (registry.Page[registry.CertificateSummary], error)
	UpdateCertificate(ctx context.Context, in registry.UpdateCertificateInput) error
	DeleteCertificate(ctx context.Context, in registry.DeleteCertificateInput) error

	AttachThingPrincipal(ctx context.Context, in registry.ThingPrincipalInput) error
	DetachThingPrincipal(ctx context.Context, in registry.ThingPrincipalInput) error
	ListThingPrincipals(ctx context.Context, in registry.ListThingPrincipalsInput) (registry.Page[registry.ThingPrincipal], error)
	ListPrincipalThings(ctx context.Context, in registry.ListPrincipalThingsInput) (registry.Page[registry.PrincipalThing], error)
}

// The registry is the service the app wires in.
var (
	_ CertificateService = (*registry.Registry)(nil)
	_ PolicyService      = (*registry.Registry)(nil)
)

// certificateRoutes serves the certificate operations (spec §3.2) and the
// thing↔principal ones (principals.go, spec §3.3).
func (s *Server) certificateRoutes() []route {
	return append([]route{
		iotRoute("CreateKeysAndCertificate", "POST", "/keys-and-certificate", []string{"setAsActive"}, s.createKeysAndCertificate),
		iotRoute("CreateCertificateFromCsr", "POST", "/certificates", []string{"setAsActive"}, s.createCertificateFromCSR),
		iotRoute("RegisterCertificate", "POST", "/certificate/register", []string{"setAsActive"}, s.registerCertificate),
		iotRoute("RegisterCertificateWithoutCA", "POST", "/certificate/register-no-ca", nil, s.registerCertificateWithoutCA),
		iotRoute("DescribeCertificate", "GET", "/certificates/{certificateId}", nil, s.describeCertificate),
		iotRoute("ListCertificates", "GET", "/certificates", []string{"pageSize", "marker", "isAscendingOrder"}, s.listCertificates),
		iotRoute("UpdateCertificate", "PUT", "/certificates/{certificateId}", []string{"newStatus"}, s.updateCertificate),
		iotRoute("DeleteCertificate", "DELETE", "/certificates/{certificateId}", []string{"forceDelete"}, s.deleteCertificate),
	}, s.principalRoutes()...)
}

type keyPair struct {
	PublicKey  string `json:"PublicKey"` // PascalCase, as AWS (spec §3.0)
	PrivateKey string `json:"PrivateKey"`
}

type createKeysAndCertificateOutput struct {
	CertificateArn string  `json:"certificateArn"`
	CertificateID  string  `json:"certificateId"`
	CertificatePem string  `json:"certificatePem"`
	KeyPair        keyPair `json:"keyPair"`
}

func (s *Server) createKeysAndCertificate(ctx context.Context, r *Request) (any, error) {
	active, err := r.QueryBool("setAsActive", false)
	if err != nil {
		return nil, err
	}
	out, err := s.svc.Certificates.CreateKeysAndCertificate(ctx, registry.CreateKeysAndCertificateInput{SetAsActive: active})
	if err != nil {
		return nil, err
	}
	return createKeysAndCertificateOutput{CertificateArn: out.CertificateARN, CertificateID: out.CertificateID,
		CertificatePem: out.CertificatePEM, KeyPair: keyPair{PublicKey: out.PublicKeyPEM, PrivateKey: out.PrivateKeyPEM}}, nil
}

type createCertificateFromCSRInput struct {
	CertificateSigningRequest *string `json:"certificateSigningRequest"`
}

type createdCertificateOutput struct {
	CertificateArn string `json:"certificateArn"`
	CertificateID  string `json:"certificateId"`
	CertificatePem string `json:"certificatePem,omitempty"`
}

func (s *Server) createCertificateFromCSR(ctx context.Context, r *Request) (any, error) {
	var in createCertificateFromCSRInput
	if err := r.Decode(&in); err != nil {
		return nil, err
	}
	if in.CertificateSigningRequest == nil {
		return nil, iot.Errorf(iot.InvalidRequestException, "certificateSigningRequest is required")
	}
	active, err := r.QueryBool("setAsActive", false)
	if err != nil {
		return nil, err
	}
	out, err := s.svc.Certificates.CreateCertificateFromCSR(ctx,
		registry.CreateCertificateFromCSRInput{CSR: *in.CertificateSigningRequest, SetAsActive: active})
	if err != nil {
		return nil, err
	}
	return createdCertificateOutput{CertificateArn: out.CertificateARN, CertificateID: out.CertificateID,
		CertificatePem: out.CertificatePEM}, nil
}

type registerCertificateInput struct {
	CertificatePem   *string `json:"certificatePem"`
	CACertificatePem string  `json:"caCertificatePem"`
	Status           string  `json:"status"`
}

// decodeRegister reads RegisterCertificate's and
// RegisterCertificateWithoutCA's body; withCA allows caCertificatePem.
func decodeRegister(r *Request, withCA bool) (registry.RegisterCertificateInput, error) {
	var in registerCertificateInput
	if err := r.Decode(&in); err != nil {
		return registry.RegisterCertificateInput{}, err
	}
	if in.CertificatePem == nil {
		return registry.RegisterCertificateInput{}, iot.Errorf(iot.InvalidRequestException, "certificatePem is required")
	}
	if !withCA && in.CACertificatePem != "" {
		return registry.RegisterCertificateInput{}, iot.Errorf(iot.InvalidRequestException,
			"RegisterCertificateWithoutCA takes no caCertificatePem; use RegisterCertificate")
	}
	return registry.RegisterCertificateInput{CertificatePEM: *in.CertificatePem, CACertificatePEM: in.CACertificatePem,
		Status: registry.CertificateStatus(in.Status)}, nil
}

func (s *Server) registerCertificate(ctx context.Context, r *Request) (any, error) {
	in, err := decodeRegister(r, true)
	if err != nil {
		return nil, err
	}
	if in.SetAsActive, err = r.QueryBool("setAsActive", false); err != nil {
		return nil, err
	}
	out, err := s.svc.Certificates.RegisterCertificate(ctx, in)
	if err != nil {
		return nil, err
	}
	return createdCertificateOutput{CertificateArn: out.CertificateARN, CertificateID: out.CertificateID}, nil
}

func (s *Server) registerCertificateWithoutCA(ctx context.Context, r *Request) (any, error) {
	in, err := decodeRegister(r, false)
	if err != nil {
		return nil, err
	}
	out, err := s.svc.Certificates.RegisterCertificateWithoutCA(ctx, in)
	if err != nil {
		return nil, err
	}
	return createdCertificateOutput{CertificateArn: out.CertificateARN, CertificateID: out.CertificateID}, nil
}
