package registry

import (
	"context"
	"strings"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// UpdateCertificateInput is UpdateCertificate's request.
type UpdateCertificateInput struct {
	CertificateID string
	NewStatus     CertificateStatus
}

// UpdateCertificate sets a certificate's status. It is idempotent: setting
// the status it already has changes nothing (botocore model doc).
//
// Refused: PENDING_TRANSFER and PENDING_ACTIVATION, which AWS keeps for
// itself, and the deprecated REGISTER_INACTIVE (InvalidRequestException);
// any change away from REVOKED, because AWS documents that a revoked
// certificate's status can no longer be changed (CertificateStateException,
// 406). Leaving ACTIVE must disconnect the certificate's devices (spec
// §5.1): a real change is reported to Options.OnChange, which app wires to
// the devices' authorizer.
func (r *Registry) UpdateCertificate(ctx context.Context, in UpdateCertificateInput) error {
	if err := iot.CertificateID.Check(in.CertificateID); err != nil {
		return err
	}
	if err := checkNewStatus(in.NewStatus); err != nil {
		return err
	}
	id := strings.ToLower(in.CertificateID)
	changed := false
	err := r.st.Update(ctx, func(tx store.Tx) error {
		changed = false
		rec, err := getCertTxn(tx, id)
		if err != nil {
			return err
		}
		if rec.Status == in.NewStatus {
			return nil
		}
		if rec.Status == StatusRevoked {
			return iot.Errorf(iot.CertificateStateException,
				"certificate %s is REVOKED; a revoked certificate's status cannot be changed", id)
		}
		rec.Status = in.NewStatus
		rec.Modified = r.now().UTC()
		rec.CustomerVersion++
		rec.GenerationID = newGenerationID()
		changed = true
		return putJSON(tx, tableCertificates, id, rec)
	})
	return r.notifyIf(err, changed, Change{Kind: ChangeCertificateStatus, CertificateID: id,
		PrincipalARN: r.account.ARN(iot.TypeCert, id), NewStatus: in.NewStatus})
}

// checkNewStatus accepts the statuses a client may set: ACTIVE, INACTIVE
// and REVOKED.
func checkNewStatus(s CertificateStatus) error {
	switch s {
	case StatusActive, StatusInactive, StatusRevoked:
		return nil
	case StatusPendingTransfer, StatusPendingActivation:
		return iot.Errorf(iot.InvalidRequestException,
			"newStatus %s is used internally by AWS IoT and cannot be set; use ACTIVE, INACTIVE or REVOKED", s)
	case StatusRegisterInactive:
		return iot.Errorf(iot.InvalidRequestException,
			"newStatus REGISTER_INACTIVE is deprecated; use INACTIVE")
	case "":
		return iot.Errorf(iot.InvalidRequestException, "newStatus is required")
	}
	return iot.Errorf(iot.InvalidRequestException,
		"newStatus %q is not a certificate status; use ACTIVE, INACTIVE or REVOKED", s)
}

// DeleteCertificateInput is DeleteCertificate's request.
type DeleteCertificateInput struct {
	CertificateID string
	// ForceDelete detaches the certificate's policies instead of refusing.
	ForceDelete bool
}

// DeleteCertificate deletes a certificate, in the order AWS requires
// (spec §3.2, botocore model doc, messages as [moto]):
//   - an ACTIVE certificate: CertificateStateException (406) "Certificate
//     must be deactivated (not ACTIVE) before deletion.";
//   - one attached to a thing: DeleteConflictException "Things must be
//     detached before deletion (arn: ...)";
//   - one with policies attached: DeleteConflictException "Certificate
//     policies must be detached before deletion (arn: ...)", unless
//     ForceDelete, which detaches them in the same transaction.
func (r *Registry) DeleteCertificate(ctx context.Context, in DeleteCertificateInput) error {
	if err := iot.CertificateID.Check(in.CertificateID); err != nil {
		return err
	}
	id := strings.ToLower(in.CertificateID)
	arn := r.account.ARN(iot.TypeCert, id)
	err := r.st.Update(ctx, func(tx store.Tx) error {
		rec, err := getCertTxn(tx, id)
		if err != nil {
			return err
		}
		if rec.Status == StatusActive {
			return iot.Errorf(iot.CertificateStateException,
				"Certificate must be deactivated (not ACTIVE) before deletion. (certificate %s)", id)
		}
		if err := checkNoThingsTxn(tx, arn); err != nil {
			return err
		}
		if err := detachAllPoliciesTxn(tx, arn, in.ForceDelete); err != nil {
			return err
		}
		if _, err := tx.Delete(tableCertificates, id); err != nil {
			return err
		}
		if err := certsByCreation.delete(tx, rec.Created, id); err != nil {
			return err
		}
		return deleteTagsTxn(tx, arn)
	})
	return r.notify(err, Change{Kind: ChangeCertificateDeleted, CertificateID: id, PrincipalARN: arn})
}

// checkNoThingsTxn refuses when any thing is attached to the principal arn.
func checkNoThingsTxn(tx store.ReadTx, arn string) error {
	attached := false
	err := tx.Scan(tablePrincipalThings, store.Query{Prefix: pairPrefix(arn), Limit: 1}, func(store.Record) bool {
		attached = true
		return false
	})
	if err != nil {
		return err
	}
	if attached {
		return iot.Errorf(iot.DeleteConflictException, "Things must be detached before deletion (arn: %s)", arn)
	}
	return nil
}

// ListCertificatesInput selects a page of ListCertificates.
type ListCertificatesInput struct {
	PageSize  int // 1 to 250; 0 means AWS's default of 25
	Marker    string
	Ascending bool // oldest first; AWS's default is newest first
}

// defaultCertificatePageSize is ListCertificates' default page size
// (botocore model doc).
const defaultCertificatePageSize = 25

// ListCertificates lists the account's certificates by creation date,
// newest first unless Ascending (botocore model doc).
func (r *Registry) ListCertificates(ctx context.Context, in ListCertificatesInput) (Page[CertificateSummary], error) {
	limit := in.PageSize
	if limit <= 0 {
		limit = defaultCertificatePageSize
	}
	out := Page[CertificateSummary]{Items: []CertificateSummary{}}
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		ids, err := certsByCreation.page(tx, in.Ascending, in.Marker, limit)
		if err != nil {
			return err
		}
		out.Next = ids.Next
		for _, id := range ids.Items {
			rec, err := getCertTxn(tx, id)
			if err != nil {
				return err
			}
			out.Items = append(out.Items, CertificateSummary{
				ID: id, ARN: r.account.ARN(iot.TypeCert, id), Status: rec.Status, Mode: rec.Mode, Created: rec.Created,
			})
		}
		return nil
	})
	return out, err
}
