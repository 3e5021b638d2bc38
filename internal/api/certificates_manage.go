package api

import (
	"context"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
)

type certificateValidity struct {
	NotBefore *Time `json:"notBefore,omitempty"`
	NotAfter  *Time `json:"notAfter,omitempty"`
}

// certificateDescription is the botocore CertificateDescription shape.
// hob has no certificate transfers, so previousOwnedBy and transferData
// are never set.
type certificateDescription struct {
	CertificateArn   string              `json:"certificateArn"`
	CertificateID    string              `json:"certificateId"`
	CACertificateID  string              `json:"caCertificateId,omitempty"`
	Status           string              `json:"status"`
	CertificatePem   string              `json:"certificatePem"`
	OwnedBy          string              `json:"ownedBy"`
	CreationDate     *Time               `json:"creationDate,omitempty"`
	LastModifiedDate *Time               `json:"lastModifiedDate,omitempty"`
	CustomerVersion  int                 `json:"customerVersion"`
	GenerationID     string              `json:"generationId"`
	Validity         certificateValidity `json:"validity"`
	CertificateMode  string              `json:"certificateMode"`
}

type describeCertificateOutput struct {
	CertificateDescription certificateDescription `json:"certificateDescription"`
}

func (s *Server) describeCertificate(ctx context.Context, r *Request) (any, error) {
	c, err := s.svc.Certificates.DescribeCertificate(ctx, r.Label("certificateId"))
	if err != nil {
		return nil, err
	}
	return describeCertificateOutput{certificateDescription{
		CertificateArn: c.ARN, CertificateID: c.ID, CACertificateID: c.CACertificateID, Status: string(c.Status),
		CertificatePem: c.PEM, OwnedBy: c.OwnedBy, CreationDate: timePtr(c.Created),
		LastModifiedDate: timePtr(c.Modified), CustomerVersion: c.CustomerVersion, GenerationID: c.GenerationID,
		Validity:        certificateValidity{NotBefore: timePtr(c.NotBefore), NotAfter: timePtr(c.NotAfter)},
		CertificateMode: string(c.Mode),
	}}, nil
}

type certificateSummary struct {
	CertificateArn  string `json:"certificateArn"`
	CertificateID   string `json:"certificateId"`
	Status          string `json:"status"`
	CertificateMode string `json:"certificateMode"`
	CreationDate    *Time  `json:"creationDate,omitempty"`
}

type listCertificatesOutput struct {
	Certificates []certificateSummary `json:"certificates"`
	NextMarker   string               `json:"nextMarker,omitempty"`
}

func (s *Server) listCertificates(ctx context.Context, r *Request) (any, error) {
	in, err := markerPage(r)
	if err != nil {
		return nil, err
	}
	page, err := s.svc.Certificates.ListCertificates(ctx,
		registry.ListCertificatesInput{PageSize: in.pageSize, Marker: in.marker, Ascending: in.ascending})
	if err != nil {
		return nil, err
	}
	out := listCertificatesOutput{Certificates: make([]certificateSummary, 0, len(page.Items)), NextMarker: page.Next}
	for _, c := range page.Items {
		out.Certificates = append(out.Certificates, certificateSummary{CertificateArn: c.ARN, CertificateID: c.ID,
			Status: string(c.Status), CertificateMode: string(c.Mode), CreationDate: timePtr(c.Created)})
	}
	return out, nil
}

func (s *Server) updateCertificate(ctx context.Context, r *Request) (any, error) {
	status := r.Query("newStatus")
	if status == "" {
		return nil, iot.Errorf(iot.InvalidRequestException, "query parameter newStatus is required")
	}
	return nil, s.svc.Certificates.UpdateCertificate(ctx, registry.UpdateCertificateInput{
		CertificateID: r.Label("certificateId"), NewStatus: registry.CertificateStatus(status)})
}

func (s *Server) deleteCertificate(ctx context.Context, r *Request) (any, error) {
	force, err := r.QueryBool("forceDelete", false)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.Certificates.DeleteCertificate(ctx,
		registry.DeleteCertificateInput{CertificateID: r.Label("certificateId"), ForceDelete: force})
}

// markerQuery is the paging of the listings that use marker, pageSize and
// isAscendingOrder (ListCertificates, ListPolicies and their kin).
type markerQuery struct {
	marker    string
	pageSize  int // 0 when absent
	ascending bool
}

// markerPage reads marker, pageSize (1 to 250) and isAscendingOrder.
// Parameters an operation does not define were refused before.
func markerPage(r *Request) (markerQuery, error) {
	var q markerQuery
	var err error
	if q.pageSize, err = r.QueryInt("pageSize", 0, 1, 250); err != nil {
		return q, err
	}
	if q.ascending, err = r.QueryBool("isAscendingOrder", false); err != nil {
		return q, err
	}
	q.marker = r.Query("marker")
	return q, nil
}
