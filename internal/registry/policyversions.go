package registry

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/policy"
	"github.com/hob-iot/hob/internal/store"
)

// maxPolicyVersions is how many versions a policy may have (spec §2.7).
const maxPolicyVersions = 5

// PolicyVersion is one version of a policy.
type PolicyVersion struct {
	PolicyName   string
	PolicyARN    string
	VersionID    string
	Document     string
	IsDefault    bool
	Created      time.Time
	Modified     time.Time
	GenerationID string // the policy's
}

// policyVersionRecord is a version as stored in tablePolicyVersions, keyed
// versionKey(policy, id).
type policyVersionRecord struct {
	Document string    `json:"document"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
}

// versionKey orders a policy's versions by id: ten zero-padded digits.
func versionKey(policyName string, v int) string {
	return pairKey(policyName, fmt.Sprintf("%010d", v))
}

// versionID prints a version id as AWS does: a decimal string.
func versionID(v int) string { return strconv.Itoa(v) }

// parseVersionID reads a version id as the API gives it. Ids that are not
// in canonical decimal form ("01") name no version.
func parseVersionID(policyName, s string) (int, error) {
	if err := iot.PolicyVersionID.Check(s); err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(s)
	if err != nil || versionID(v) != s {
		return 0, iot.Errorf(iot.ResourceNotFoundException, "policy %s has no version %s", policyName, s)
	}
	return v, nil
}

func putVersionTxn(tx store.Tx, policyName string, v int, rec policyVersionRecord) error {
	return putJSON(tx, tablePolicyVersions, versionKey(policyName, v), rec)
}

// getVersionTxn reads a version, or returns ResourceNotFoundException.
func getVersionTxn(tx store.ReadTx, policyName string, v int) (policyVersionRecord, error) {
	var rec policyVersionRecord
	found, err := getJSON(tx, tablePolicyVersions, versionKey(policyName, v), &rec)
	if err == nil && !found {
		err = iot.Errorf(iot.ResourceNotFoundException, "policy %s has no version %d", policyName, v)
	}
	return rec, err
}

// listVersionsTxn returns the ids of a policy's versions, in order.
func listVersionsTxn(tx store.ReadTx, policyName string) ([]int, error) {
	var ids []int
	prefix := pairPrefix(policyName)
	var convErr error
	err := tx.Scan(tablePolicyVersions, store.Query{Prefix: prefix}, func(rec store.Record) bool {
		v, err := strconv.Atoi(strings.TrimPrefix(rec.Key, prefix))
		if err != nil {
			convErr = fmt.Errorf("registry: bad policy version key %q: %w", rec.Key, err)
			return false
		}
		ids = append(ids, v)
		return true
	})
	if err == nil {
		err = convErr
	}
	return ids, err
}

// CreatePolicyVersionInput is CreatePolicyVersion's request.
type CreatePolicyVersionInput struct {
	PolicyName   string
	Document     string
	SetAsDefault bool
}

// CreatePolicyVersion adds a version to a policy, with the next id (ids
// increase and are never reused), and makes it the default when asked. A
// policy with five versions already is a VersionsLimitExceededException
// (409) with AWS's message (spec §2.7).
func (r *Registry) CreatePolicyVersion(ctx context.Context, in CreatePolicyVersionInput) (PolicyVersion, error) {
	if err := iot.PolicyName.Check(in.PolicyName); err != nil {
		return PolicyVersion{}, err
	}
	if _, err := policy.Parse(in.Document); err != nil {
		return PolicyVersion{}, err
	}
	var out PolicyVersion
	err := r.st.Update(ctx, func(tx store.Tx) error {
		rec, err := getPolicyTxn(tx, in.PolicyName)
		if err != nil {
			return err
		}
		ids, err := listVersionsTxn(tx, in.PolicyName)
		if err != nil {
			return err
		}
		if len(ids) >= maxPolicyVersions {
			return iot.Errorf(iot.VersionsLimitExceededException,
				"The policy %s already has the maximum number of versions (%d)", in.PolicyName, maxPolicyVersions)
		}
		now := r.now().UTC()
		rec.LastVersion++
		if err := putVersionTxn(tx, in.PolicyName, rec.LastVersion, policyVersionRecord{Document: in.Document, Created: now, Modified: now}); err != nil {
			return err
		}
		if in.SetAsDefault {
			rec.DefaultVersion, rec.Modified, rec.GenerationID = rec.LastVersion, now, newGenerationID()
		}
		out = PolicyVersion{PolicyName: in.PolicyName, PolicyARN: r.account.ARN(iot.TypePolicy, in.PolicyName),
			VersionID: versionID(rec.LastVersion), Document: in.Document, IsDefault: in.SetAsDefault,
			Created: now, Modified: now, GenerationID: rec.GenerationID}
		return putJSON(tx, tablePolicies, in.PolicyName, rec)
	})
	err = r.notifyIf(err, in.SetAsDefault, Change{Kind: ChangePolicyDefaultVersion, PolicyName: in.PolicyName})
	return out, err
}

// PolicyVersionInput names one version of a policy.
type PolicyVersionInput struct {
	PolicyName string
	VersionID  string
}

// GetPolicyVersion returns one version of a policy.
func (r *Registry) GetPolicyVersion(ctx context.Context, in PolicyVersionInput) (PolicyVersion, error) {
	var out PolicyVersion
	err := r.viewVersion(ctx, in, func(tx store.ReadTx, rec policyRecord, v int) error {
		vr, err := getVersionTxn(tx, in.PolicyName, v)
		out = r.policyVersionOf(in.PolicyName, rec, v, vr)
		return err
	})
	return out, err
}

// ListPolicyVersions returns every version of a policy (at most five), in
// id order.
func (r *Registry) ListPolicyVersions(ctx context.Context, policyName string) ([]PolicyVersion, error) {
	if err := iot.PolicyName.Check(policyName); err != nil {
		return nil, err
	}
	out := []PolicyVersion{}
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		rec, err := getPolicyTxn(tx, policyName)
		if err != nil {
			return err
		}
		ids, err := listVersionsTxn(tx, policyName)
		for _, v := range ids {
			vr, err := getVersionTxn(tx, policyName, v)
			if err != nil {
				return err
			}
			out = append(out, r.policyVersionOf(policyName, rec, v, vr))
		}
		return err
	})
	return out, err
}

func (r *Registry) policyVersionOf(name string, rec policyRecord, v int, vr policyVersionRecord) PolicyVersion {
	return PolicyVersion{PolicyName: name, PolicyARN: r.account.ARN(iot.TypePolicy, name), VersionID: versionID(v),
		Document: vr.Document, IsDefault: v == rec.DefaultVersion, Created: vr.Created, Modified: vr.Modified,
		GenerationID: rec.GenerationID}
}

// viewVersion checks in and runs fn in a read transaction with the policy's
// record and the version number.
func (r *Registry) viewVersion(ctx context.Context, in PolicyVersionInput, fn func(store.ReadTx, policyRecord, int) error) error {
	if err := iot.PolicyName.Check(in.PolicyName); err != nil {
		return err
	}
	v, err := parseVersionID(in.PolicyName, in.VersionID)
	if err != nil {
		return err
	}
	return r.st.View(ctx, func(tx store.ReadTx) error {
		rec, err := getPolicyTxn(tx, in.PolicyName)
		if err != nil {
			return err
		}
		return fn(tx, rec, v)
	})
}

// SetDefaultPolicyVersion makes a version the policy's default (operative)
// version. Setting the current default changes nothing.
func (r *Registry) SetDefaultPolicyVersion(ctx context.Context, in PolicyVersionInput) error {
	changed := false
	err := r.updateVersion(ctx, in, func(tx store.Tx, rec policyRecord, v int) error {
		changed = false
		if _, err := getVersionTxn(tx, in.PolicyName, v); err != nil {
			return err
		}
		if rec.DefaultVersion == v {
			return nil
		}
		rec.DefaultVersion, rec.Modified, rec.GenerationID = v, r.now().UTC(), newGenerationID()
		changed = true
		return putJSON(tx, tablePolicies, in.PolicyName, rec)
	})
	return r.notifyIf(err, changed, Change{Kind: ChangePolicyDefaultVersion, PolicyName: in.PolicyName})
}

// DeletePolicyVersion deletes a version that is not the default
// (InvalidRequestException "Cannot delete the default version of a
// policy", spec §2.7). Its id is not reused.
func (r *Registry) DeletePolicyVersion(ctx context.Context, in PolicyVersionInput) error {
	return r.updateVersion(ctx, in, func(tx store.Tx, rec policyRecord, v int) error {
		if _, err := getVersionTxn(tx, in.PolicyName, v); err != nil {
			return err
		}
		if rec.DefaultVersion == v {
			return iot.Errorf(iot.InvalidRequestException, "Cannot delete the default version of a policy")
		}
		_, err := tx.Delete(tablePolicyVersions, versionKey(in.PolicyName, v))
		return err
	})
}

// updateVersion is viewVersion in a read-write transaction.
func (r *Registry) updateVersion(ctx context.Context, in PolicyVersionInput, fn func(store.Tx, policyRecord, int) error) error {
	if err := iot.PolicyName.Check(in.PolicyName); err != nil {
		return err
	}
	v, err := parseVersionID(in.PolicyName, in.VersionID)
	if err != nil {
		return err
	}
	return r.st.Update(ctx, func(tx store.Tx) error {
		rec, err := getPolicyTxn(tx, in.PolicyName)
		if err != nil {
			return err
		}
		return fn(tx, rec, v)
	})
}
