package registry

import (
	"context"
	"strings"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/store"
)

// ListAttachedPoliciesInput selects a page of the policies attached to a
// target (ListAttachedPolicies, ListPrincipalPolicies).
type ListAttachedPoliciesInput struct {
	Target   string
	Marker   string
	PageSize int // 1 to 250; 0 means 250
}

// ListAttachedPolicies lists the policies attached to a target, in name
// order. The target must be an existing certificate.
func (r *Registry) ListAttachedPolicies(ctx context.Context, in ListAttachedPoliciesInput) (Page[PolicySummary], error) {
	var page Page[PolicySummary]
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		if err := r.policyTargetTxn(tx, in.Target); err != nil {
			return err
		}
		var err error
		page, err = scanOtherSides(tx, tableTargetPolicies, in.Target, in.Marker, in.PageSize,
			func(name string) PolicySummary {
				return PolicySummary{Name: name, ARN: r.account.ARN(iot.TypePolicy, name)}
			})
		return err
	})
	return page, err
}

// ListTargetsForPolicyInput selects a page of a policy's targets
// (ListTargetsForPolicy, ListPolicyPrincipals).
type ListTargetsForPolicyInput struct {
	PolicyName string
	Marker     string
	PageSize   int // 1 to 250; 0 means 250
}

// ListTargetsForPolicy lists the targets a policy is attached to, in order.
// A missing policy is a ResourceNotFoundException.
func (r *Registry) ListTargetsForPolicy(ctx context.Context, in ListTargetsForPolicyInput) (Page[string], error) {
	if err := iot.PolicyName.Check(in.PolicyName); err != nil {
		return Page[string]{}, err
	}
	var page Page[string]
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		if _, err := getPolicyTxn(tx, in.PolicyName); err != nil {
			return err
		}
		var err error
		page, err = scanOtherSides(tx, tablePolicyTargets, in.PolicyName, in.Marker, in.PageSize,
			func(target string) string { return target })
		return err
	})
	return page, err
}

// scanOtherSides pages through the attachments in table whose first side
// is side, making an item of each other side.
func scanOtherSides[T any](tx store.ReadTx, table, side, marker string, pageSize int, mk func(string) T) (Page[T], error) {
	prefix := pairPrefix(side)
	page, err := scanPage(tx, table, prefix, marker, listLimit(pageSize, defaultListPageSize),
		func(rec store.Record) (T, bool, error) {
			return mk(strings.TrimPrefix(rec.Key, prefix)), true, nil
		})
	if page.Items == nil {
		page.Items = []T{}
	}
	return page, err
}

// NamedPolicy is a policy's default version: what applies to the
// principals it is attached to.
type NamedPolicy struct {
	Name     string
	ARN      string
	Document string
}

// PolicyDocumentsForPrincipal returns the default versions of the policies
// attached to the principal (a certificate ARN), in name order, for the
// broker's authorization (spec §2.6). An unknown principal has none.
func (r *Registry) PolicyDocumentsForPrincipal(ctx context.Context, principalARN string) ([]NamedPolicy, error) {
	var out []NamedPolicy
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		var err error
		out, err = r.policiesOfTargetTxn(tx, principalARN)
		return err
	})
	return out, err
}

// policiesOfTargetTxn reads the default versions of a target's policies.
func (r *Registry) policiesOfTargetTxn(tx store.ReadTx, target string) ([]NamedPolicy, error) {
	names, err := scanSides(tx, tableTargetPolicies, target, 0)
	if err != nil {
		return nil, err
	}
	out := make([]NamedPolicy, 0, len(names))
	for _, n := range names {
		rec, err := getPolicyTxn(tx, n)
		if err != nil {
			return nil, err
		}
		v, err := getVersionTxn(tx, n, rec.DefaultVersion)
		if err != nil {
			return nil, err
		}
		out = append(out, NamedPolicy{Name: n, ARN: r.account.ARN(iot.TypePolicy, n), Document: v.Document})
	}
	return out, nil
}

// GetEffectivePoliciesInput is GetEffectivePolicies' request.
type GetEffectivePoliciesInput struct {
	Principal             string
	CognitoIdentityPoolID string
	ThingName             string
}

// GetEffectivePolicies returns the policies that govern a device that
// authenticates with Principal: the default versions of the policies
// attached to it. ThingName, when given, must name an existing thing; it
// would add the policies of the thing's groups, which hob does not have.
// The principal is required here (AWS can fall back on the caller's
// identity; hob's callers are not certificates), and Cognito identity pools
// are not supported (InvalidRequestException).
func (r *Registry) GetEffectivePolicies(ctx context.Context, in GetEffectivePoliciesInput) ([]NamedPolicy, error) {
	if in.CognitoIdentityPoolID != "" {
		return nil, iot.Errorf(iot.InvalidRequestException,
			"cognitoIdentityPoolId: hob does not support Amazon Cognito identities")
	}
	if in.ThingName != "" {
		if err := iot.ThingName.Check(in.ThingName); err != nil {
			return nil, err
		}
	}
	var out []NamedPolicy
	err := r.st.View(ctx, func(tx store.ReadTx) error {
		if _, err := r.certPrincipalTxn(tx, in.Principal); err != nil {
			return err
		}
		if in.ThingName != "" {
			if err := principalThingExistsTxn(tx, in.ThingName); err != nil {
				return err
			}
		}
		var err error
		out, err = r.policiesOfTargetTxn(tx, in.Principal)
		return err
	})
	return out, err
}
