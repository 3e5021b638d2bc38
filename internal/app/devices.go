package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/registry"
	"github.com/hob-iot/hob/internal/rules/eval"
	"github.com/hob-iot/hob/internal/rules/sql"
	"github.com/hob-iot/hob/internal/store"
)

// NewRegistryAndDevices builds the registry on st and the devices'
// authorizer on it, wired so that every committed registry change that can
// alter what a connected device may do refreshes the authorizer's cache
// before the request that made it returns. now may be nil (time.Now).
// Tests use it to get exactly hob's wiring.
func NewRegistryAndDevices(st store.Store, account iot.Account, issuer registry.CertIssuer,
	log *slog.Logger, now func() time.Time) (*registry.Registry, *auth.Devices) {
	return newRegistryAndDevices(st, account, issuer, log, now, nil, nil)
}

// newRegistryAndDevices is NewRegistryAndDevices that also calls onRules,
// when set, after each committed topic-rule change, in place of the
// authorizer, which topic rules do not concern; and then after, when set,
// with every change (a cluster's node tells the others).
func newRegistryAndDevices(st store.Store, account iot.Account, issuer registry.CertIssuer,
	log *slog.Logger, now func() time.Time, onRules func(), after func(registry.Change)) (*registry.Registry, *auth.Devices) {
	var devs *auth.Devices
	reg := registry.New(st, account, issuer, registry.Options{Now: now, CheckSQL: compilesRuleSQL,
		OnChange: func(c registry.Change) {
			if after != nil {
				defer after(c)
			}
			if c.Kind == registry.ChangeTopicRules {
				if onRules != nil {
					onRules()
				}
				return
			}
			invalidate(devs, c)
		}})
	devs = auth.NewDevices(deviceRegistry{reg}, account, auth.DevicesOptions{Log: log, Now: now})
	return reg, devs
}

// invalidate refreshes what c can have changed: one principal's state, or
// every principal holding the policy or thing c names.
func invalidate(devs *auth.Devices, c registry.Change) {
	switch c.Kind {
	case registry.ChangePolicyDefaultVersion, registry.ChangePolicyDeleted:
		devs.InvalidatePolicy(c.PolicyName)
	case registry.ChangeThingUpdated, registry.ChangeThingDeleted:
		devs.InvalidateThing(c.ThingName)
	case registry.ChangePolicyAttached, registry.ChangePolicyDetached,
		registry.ChangeCertificateStatus, registry.ChangeCertificateDeleted,
		registry.ChangeThingPrincipalAttached, registry.ChangeThingPrincipalDetached:
		devs.Invalidate(c.PrincipalARN)
	default:
		devs.InvalidateAll() // a kind this switch does not know yet: be safe
	}
}

// deviceRegistry adapts the registry to what auth.Devices reads.
type deviceRegistry struct{ r *registry.Registry }

func (d deviceRegistry) CertificateByID(ctx context.Context, id string) (auth.DeviceCertificate, error) {
	c, err := d.r.CertificateByID(ctx, id)
	if err != nil {
		return auth.DeviceCertificate{}, err
	}
	return auth.DeviceCertificate{ID: c.ID, ARN: c.ARN, Status: string(c.Status), X509: c.X509}, nil
}

func (d deviceRegistry) PolicyDocumentsForPrincipal(ctx context.Context, principalARN string) ([]auth.PolicyDocument, error) {
	ps, err := d.r.PolicyDocumentsForPrincipal(ctx, principalARN)
	out := make([]auth.PolicyDocument, len(ps))
	for i, p := range ps {
		out[i] = auth.PolicyDocument{Name: p.Name, ARN: p.ARN, Document: p.Document}
	}
	return out, err
}

func (d deviceRegistry) PolicyDocument(ctx context.Context, name string) (auth.PolicyDocument, error) {
	p, err := d.r.GetPolicy(ctx, name)
	return auth.PolicyDocument{Name: p.Name, ARN: p.ARN, Document: p.Document}, err
}

func (d deviceRegistry) ThingsForPrincipal(ctx context.Context, principalARN string) ([]string, error) {
	return d.r.ThingsForPrincipal(ctx, principalARN)
}

func (d deviceRegistry) DescribeThing(ctx context.Context, name string) (auth.DeviceThing, error) {
	t, err := d.r.DescribeThing(ctx, name)
	return auth.DeviceThing{Name: t.Name, TypeName: t.TypeName, Attributes: t.Attributes}, err
}

var _ auth.DeviceRegistry = deviceRegistry{}

// compilesRuleSQL checks a topic rule's SQL as the rules engine will run
// it (registry.Options.CheckSQL).
func compilesRuleSQL(st *sql.Statement) error {
	_, err := eval.Compile(st)
	return err
}
