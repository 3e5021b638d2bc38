package registry

import (
	"context"
	"strings"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// maxPoliciesPerTarget is AWS IoT Core's quota of policies attached to one
// certificate or identity (not adjustable).
const maxPoliciesPerTarget = 10

// policyTargetRecord is the value of both directions of a policy
// attachment.
type policyTargetRecord struct {
	Attached time.Time `json:"attached"`
}

// PolicyTargetInput names a policy and a target: a certificate ARN.
type PolicyTargetInput struct {
	PolicyName string
	Target     string
}

// AttachPolicy attaches a policy to a certificate, writing both directions
// in one transaction. The policy and the certificate must exist
// (ResourceNotFoundException); attaching again changes nothing; an 11th
// policy on one target is a LimitExceededException (410).
func (r *Registry) AttachPolicy(ctx context.Context, in PolicyTargetInput) error {
	if err := iot.PolicyName.Check(in.PolicyName); err != nil {
		return err
	}
	changed := false
	err := r.st.Update(ctx, func(tx store.Tx) error {
		changed = false
		if err := r.checkPolicyAndTargetTxn(tx, in); err != nil {
			return err
		}
		have, err := scanSides(tx, tableTargetPolicies, in.Target, 0)
		if err != nil {
			return err
		}
		for _, p := range have {
			if p == in.PolicyName {
				return nil
			}
		}
		if len(have) >= maxPoliciesPerTarget {
			return iot.Errorf(iot.LimitExceededException,
				"%s already has %d policies attached, the most one target may have", in.Target, maxPoliciesPerTarget)
		}
		rec := policyTargetRecord{Attached: r.now().UTC()}
		if err := putJSON(tx, tablePolicyTargets, pairKey(in.PolicyName, in.Target), rec); err != nil {
			return err
		}
		changed = true
		return putJSON(tx, tableTargetPolicies, pairKey(in.Target, in.PolicyName), rec)
	})
	return r.notifyIf(err, changed, r.policyChange(ChangePolicyAttached, in))
}

// policyChange is the Change of attaching or detaching in.
func (r *Registry) policyChange(kind ChangeKind, in PolicyTargetInput) Change {
	c := r.certChange(kind, in.Target)
	c.PolicyName = in.PolicyName
	return c
}

func (r *Registry) checkPolicyAndTargetTxn(tx store.ReadTx, in PolicyTargetInput) error {
	if _, err := getPolicyTxn(tx, in.PolicyName); err != nil {
		return err
	}
	return r.policyTargetTxn(tx, in.Target)
}

// DetachPolicy removes a policy from a target. It is idempotent: AWS's
// model lists no ResourceNotFoundException for it, so a policy, target or
// attachment that is not there is success. A target that is not a
// certificate ARN at all is still an InvalidRequestException.
func (r *Registry) DetachPolicy(ctx context.Context, in PolicyTargetInput) error {
	if err := iot.PolicyName.Check(in.PolicyName); err != nil {
		return err
	}
	found := false
	err := r.st.Update(ctx, func(tx store.Tx) error {
		found = false
		err := r.checkPolicyAndTargetTxn(tx, in)
		if iot.IsCode(err, iot.ResourceNotFoundException) {
			return nil
		}
		if err != nil {
			return err
		}
		found, err = detachPolicyTxn(tx, in)
		return err
	})
	return r.notifyIf(err, found, r.policyChange(ChangePolicyDetached, in))
}

// DetachPrincipalPolicy is the deprecated DetachPolicy: a missing policy or
// principal, and a policy that is not attached, are
// ResourceNotFoundExceptions, as its model allows [moto].
func (r *Registry) DetachPrincipalPolicy(ctx context.Context, in PolicyTargetInput) error {
	if err := iot.PolicyName.Check(in.PolicyName); err != nil {
		return err
	}
	err := r.st.Update(ctx, func(tx store.Tx) error {
		if err := r.checkPolicyAndTargetTxn(tx, in); err != nil {
			return err
		}
		found, err := detachPolicyTxn(tx, in)
		if err == nil && !found {
			err = iot.Errorf(iot.ResourceNotFoundException, "policy %s is not attached to %s", in.PolicyName, in.Target)
		}
		return err
	})
	return r.notify(err, r.policyChange(ChangePolicyDetached, in))
}

// detachPolicyTxn deletes both directions of an attachment and reports
// whether it existed.
func detachPolicyTxn(tx store.Tx, in PolicyTargetInput) (bool, error) {
	found, err := tx.Delete(tablePolicyTargets, pairKey(in.PolicyName, in.Target))
	if err != nil || !found {
		return found, err
	}
	_, err = tx.Delete(tableTargetPolicies, pairKey(in.Target, in.PolicyName))
	return true, err
}

// detachAllPoliciesTxn detaches every policy from target when force is
// set, and otherwise refuses with DeleteConflictException if any is
// attached (DeleteCertificate, spec §3.2).
func detachAllPoliciesTxn(tx store.Tx, target string, force bool) error {
	names, err := scanSides(tx, tableTargetPolicies, target, 0)
	if err != nil {
		return err
	}
	if len(names) > 0 && !force {
		return iot.Errorf(iot.DeleteConflictException,
			"Certificate policies must be detached before deletion (arn: %s)", target)
	}
	for _, n := range names {
		if _, err := detachPolicyTxn(tx, PolicyTargetInput{PolicyName: n, Target: target}); err != nil {
			return err
		}
	}
	return nil
}

// policyTargetsTxn returns up to limit targets of a policy (0: all).
func policyTargetsTxn(tx store.ReadTx, policyName string, limit int) ([]string, error) {
	return scanSides(tx, tablePolicyTargets, policyName, limit)
}

// scanSides returns the other sides of up to limit (0: all) attachments
// in table whose first side is side, in order.
func scanSides(tx store.ReadTx, table, side string, limit int) ([]string, error) {
	var out []string
	prefix := pairPrefix(side)
	err := tx.Scan(table, store.Query{Prefix: prefix, Limit: limit}, func(rec store.Record) bool {
		out = append(out, strings.TrimPrefix(rec.Key, prefix))
		return true
	})
	return out, err
}
