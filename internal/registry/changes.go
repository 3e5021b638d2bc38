package registry

import (
	"strings"

	"github.com/hob-iot/hob/internal/iot"
)

// ChangeKind names what a committed registry request changed, for the
// Options.OnChange hook.
type ChangeKind string

// The changes the registry reports: those that can change what a connected
// device may do, through its policies or its policy variables (spec §2.4,
// §2.6, §5.1). The comment of each says which Change fields it sets.
const (
	// ChangePolicyAttached and ChangePolicyDetached: PolicyName,
	// PrincipalARN (the target) and CertificateID.
	ChangePolicyAttached ChangeKind = "PolicyAttached"
	ChangePolicyDetached ChangeKind = "PolicyDetached"
	// ChangePolicyDefaultVersion: PolicyName; its default version is
	// another one now (SetDefaultPolicyVersion, or CreatePolicyVersion with
	// setAsDefault).
	ChangePolicyDefaultVersion ChangeKind = "PolicyDefaultVersion"
	// ChangePolicyDeleted: PolicyName.
	ChangePolicyDeleted ChangeKind = "PolicyDeleted"
	// ChangeCertificateStatus: CertificateID, PrincipalARN, NewStatus.
	ChangeCertificateStatus ChangeKind = "CertificateStatus"
	// ChangeCertificateDeleted: CertificateID, PrincipalARN. Policies that
	// ForceDelete detached are not reported separately.
	ChangeCertificateDeleted ChangeKind = "CertificateDeleted"
	// ChangeThingPrincipalAttached and ChangeThingPrincipalDetached:
	// ThingName, PrincipalARN and CertificateID.
	ChangeThingPrincipalAttached ChangeKind = "ThingPrincipalAttached"
	ChangeThingPrincipalDetached ChangeKind = "ThingPrincipalDetached"
	// ChangeThingUpdated and ChangeThingDeleted: ThingName. An update can
	// change the thing's type and attributes, which are policy variables.
	ChangeThingUpdated ChangeKind = "ThingUpdated"
	ChangeThingDeleted ChangeKind = "ThingDeleted"
)

// Change is one committed change, as the OnChange hook receives it. Fields
// a kind does not use are empty.
type Change struct {
	Kind          ChangeKind
	PrincipalARN  string // a certificate ARN
	CertificateID string
	PolicyName    string
	ThingName     string
	NewStatus     CertificateStatus
}

// notify reports cs to the OnChange hook when err is nil, that is once the
// request's transaction has committed, and returns err. Requests call it
// with the error of their store.Update, never from inside the transaction,
// so the hook sees the registry as the request left it.
func (r *Registry) notify(err error, cs ...Change) error {
	if err != nil || r.onChange == nil {
		return err
	}
	for _, c := range cs {
		r.onChange(c)
	}
	return nil
}

// notifyIf is notify for requests that may change nothing (attaching what
// is attached, setting the status a certificate has): it reports cs only
// when changed is true.
func (r *Registry) notifyIf(err error, changed bool, cs ...Change) error {
	if !changed {
		return err
	}
	return r.notify(err, cs...)
}

// certChange is a Change about the certificate whose ARN is arn, or about
// nothing when arn is not a certificate ARN of this account.
func (r *Registry) certChange(kind ChangeKind, arn string) Change {
	c := Change{Kind: kind, PrincipalARN: arn}
	if id, ok := r.certIDOf(arn); ok {
		c.CertificateID = id
	}
	return c
}

// certIDOf returns the certificate id in arn when arn is a certificate ARN
// of this account.
func (r *Registry) certIDOf(arn string) (string, bool) {
	id, ok := strings.CutPrefix(arn, r.account.ARN(iot.TypeCert, ""))
	return id, ok && id != ""
}
