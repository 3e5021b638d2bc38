package registry

import (
	"context"
	"errors"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/policy"
	"github.com/hob-iot/hob/internal/store"
)

// Policy is an IoT policy as GetPolicy shows it: the document is its
// default version's.
type Policy struct {
	Name             string
	ARN              string
	Document         string
	DefaultVersionID string
	Created          time.Time
	Modified         time.Time
	GenerationID     string
}

// PolicySummary is one entry of the policy listings.
type PolicySummary struct {
	Name string
	ARN  string
}

// policyRecord is a policy as stored in tablePolicies, keyed by its name.
// Its versions are in tablePolicyVersions. LastVersion is the highest
// version id ever issued, so ids are never reused (spec §2.7).
type policyRecord struct {
	DefaultVersion int       `json:"defaultVersion"`
	LastVersion    int       `json:"lastVersion"`
	Created        time.Time `json:"created"`
	Modified       time.Time `json:"modified"`
	GenerationID   string    `json:"generationId"`
}

// CreatePolicyInput is CreatePolicy's request.
type CreatePolicyInput struct {
	Name     string
	Document string
	Tags     []Tag
}

// CreatePolicy creates a policy whose version "1" holds the document and is
// the default (spec §2.7). The document must parse (MalformedPolicyException
// naming the fault); a name in use is a ResourceAlreadyExistsException with
// AWS's message [moto]. The tags are stored with the policy.
func (r *Registry) CreatePolicy(ctx context.Context, in CreatePolicyInput) (Policy, error) {
	if err := iot.PolicyName.Check(in.Name); err != nil {
		return Policy{}, err
	}
	if _, err := policy.Parse(in.Document); err != nil {
		return Policy{}, err
	}
	arn := r.account.ARN(iot.TypePolicy, in.Name)
	now := r.now().UTC()
	rec := policyRecord{DefaultVersion: 1, LastVersion: 1, Created: now, Modified: now, GenerationID: newGenerationID()}
	err := r.st.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Get(tablePolicies, in.Name); err == nil {
			return iot.AlreadyExists(in.Name, arn, "Policy cannot be created - name already exists (name=%s)", in.Name)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := putJSON(tx, tablePolicies, in.Name, rec); err != nil {
			return err
		}
		if err := putVersionTxn(tx, in.Name, 1, policyVersionRecord{Document: in.Document, Created: now, Modified: now}); err != nil {
			return err
		}
		if err := policiesByCreation.put(tx, now, in.Name); err != nil {
			return err
		}
		return putTagsTxn(tx, arn, in.Tags)
	})
	if err != nil {
		return Policy{}, err
	}
	return Policy{Name: in.Name, ARN: arn, Document: in.Document, DefaultVersionID: "1",
		Created: now, Modified: now, GenerationID: rec.GenerationID}, nil
}

// GetPolicy returns a policy with its default version's document.
func (r *Registry) GetPolicy(ctx context.Context, name string) (Policy, error) {
	if err := iot.PolicyName.Check(name); err != nil {
		return Policy{}, err
	}
	var p Policy
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		rec, err := getPolicyTxn(tx, name)
		if err != nil {
			return err
		}
		v, err := getVersionTxn(tx, name, rec.DefaultVersion)
		if err != nil {
			return err
		}
		p = Policy{Name: name, ARN: r.account.ARN(iot.TypePolicy, name), Document: v.Document,
			DefaultVersionID: versionID(rec.DefaultVersion), Created: rec.Created, Modified: rec.Modified,
			GenerationID: rec.GenerationID}
		return nil
	})
	return p, err
}

// getPolicyTxn reads a policy record, or returns ResourceNotFoundException.
func getPolicyTxn(tx store.ReadTx, name string) (policyRecord, error) {
	var rec policyRecord
	found, err := getJSON(tx, tablePolicies, name, &rec)
	if err == nil && !found {
		err = iot.Errorf(iot.ResourceNotFoundException, "policy %s does not exist", name)
	}
	return rec, err
}

// ListPoliciesInput selects a page of ListPolicies.
type ListPoliciesInput struct {
	Marker    string
	PageSize  int  // 1 to 250; 0 means 250
	Ascending bool // oldest first; newest first otherwise
}

// ListPolicies lists the account's policies in creation order, newest
// first unless Ascending (botocore model doc: "ascending creation order").
func (r *Registry) ListPolicies(ctx context.Context, in ListPoliciesInput) (Page[PolicySummary], error) {
	out := Page[PolicySummary]{Items: []PolicySummary{}}
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		names, err := policiesByCreation.page(tx, in.Ascending, in.Marker, listLimit(in.PageSize, defaultListPageSize))
		out.Next = names.Next
		for _, n := range names.Items {
			out.Items = append(out.Items, PolicySummary{Name: n, ARN: r.account.ARN(iot.TypePolicy, n)})
		}
		return err
	})
	return out, err
}

// DeletePolicy deletes a policy with its default version and its tags. A
// policy still attached to a target, or with versions besides the default,
// is a DeleteConflictException (spec §2.7; messages as [moto]).
func (r *Registry) DeletePolicy(ctx context.Context, name string) error {
	if err := iot.PolicyName.Check(name); err != nil {
		return err
	}
	err := r.st.Update(ctx, func(tx store.Tx) error {
		rec, err := getPolicyTxn(tx, name)
		if err != nil {
			return err
		}
		if err := checkPolicyDetachedTxn(tx, name); err != nil {
			return err
		}
		if err := checkOnlyDefaultTxn(tx, name, rec.DefaultVersion); err != nil {
			return err
		}
		if _, err := tx.Delete(tablePolicyVersions, versionKey(name, rec.DefaultVersion)); err != nil {
			return err
		}
		if _, err := tx.Delete(tablePolicies, name); err != nil {
			return err
		}
		if err := policiesByCreation.delete(tx, rec.Created, name); err != nil {
			return err
		}
		return deleteTagsTxn(tx, r.account.ARN(iot.TypePolicy, name))
	})
	return r.notify(err, Change{Kind: ChangePolicyDeleted, PolicyName: name})
}

func checkPolicyDetachedTxn(tx store.ReadTx, name string) error {
	targets, err := policyTargetsTxn(tx, name, 1)
	if err != nil {
		return err
	}
	if len(targets) > 0 {
		return iot.Errorf(iot.DeleteConflictException,
			"The policy cannot be deleted as the policy is attached to one or more principals (name=%s)", name)
	}
	return nil
}

func checkOnlyDefaultTxn(tx store.ReadTx, name string, def int) error {
	versions, err := listVersionsTxn(tx, name)
	if err != nil {
		return err
	}
	for _, v := range versions {
		if v != def {
			return iot.Errorf(iot.DeleteConflictException,
				"Cannot delete the policy because it has one or more policy versions attached to it (name=%s); delete version %d first",
				name, v)
		}
	}
	return nil
}
