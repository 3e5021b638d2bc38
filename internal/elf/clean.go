package elf

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/smithy-go"
)

// clean removes what create and send made (spec/elf.md §1.8), in the order
// AWS requires: detach and delete the policy, deactivate the certificate,
// detach it from the thing, delete it, delete the thing. Each finished step
// is recorded in things.json and "not found" counts as done, so a clean
// that failed half-way finishes when run again. Then it deletes elf's
// files in misc/ except elf.json.
func (s *session) clean(ctx context.Context) error {
	if s.o.OnlyLocal {
		return s.removeLocal()
	}
	if err := s.st.LoadThings(); errors.Is(err, ErrNoThings) {
		s.out.Event("clean", "There is nothing to clean up.", map[string]any{"things": 0})
		return nil
	} else if err != nil {
		return err
	}
	if err := s.connect(ctx); err != nil {
		return err
	}
	for _, t := range s.st.Things {
		if err := s.cleanThing(ctx, t); err != nil {
			return fmt.Errorf("%w; what is done is recorded: run `elf clean` again to finish", err)
		}
		s.out.Event("cleaned", fmt.Sprintf("ELF deleted %s, its certificate and its policy", t.Name),
			map[string]any{"thing": t.Name, "certificate_id": t.CertificateID})
	}
	return s.removeLocal()
}

func (s *session) removeLocal() error {
	removed, err := s.st.RemoveLocal()
	if err != nil {
		return fmt.Errorf("deleting local files: %w", err)
	}
	s.out.Event("clean", fmt.Sprintf("ELF deleted %d local files in %s: %s", len(removed), s.st.Misc(), strings.Join(removed, " ")),
		map[string]any{"removed": removed})
	return nil
}

func (s *session) cleanThing(ctx context.Context, t *Thing) error {
	step := func(name, op string, f func() error) error {
		if t.Has(name) {
			return nil
		}
		if err := f(); err != nil && !isNotFound(err) {
			return apiErr(op, err)
		}
		t.Mark(name)
		return s.st.SaveThings()
	}
	cert := aws.String(t.CertificateArn)
	var steps []func() error
	if t.Policy != "" {
		pol := aws.String(t.Policy)
		steps = append(steps,
			func() error {
				return step(stepPolicyDetached, "DetachPolicy "+t.Policy, func() error {
					_, err := s.api.DetachPolicy(ctx, &iot.DetachPolicyInput{PolicyName: pol, Target: cert})
					return err
				})
			},
			func() error {
				return step(stepPolicyDeleted, "DeletePolicy "+t.Policy, func() error { return s.deletePolicy(ctx, t.Policy) })
			})
	}
	steps = append(steps,
		func() error {
			return step(stepCertInactive, "UpdateCertificate "+t.CertificateID, func() error {
				_, err := s.api.UpdateCertificate(ctx, &iot.UpdateCertificateInput{
					CertificateId: aws.String(t.CertificateID), NewStatus: types.CertificateStatusInactive})
				return err
			})
		},
		func() error {
			return step(stepThingDetached, "DetachThingPrincipal "+t.Name, func() error {
				_, err := s.api.DetachThingPrincipal(ctx, &iot.DetachThingPrincipalInput{ThingName: aws.String(t.Name), Principal: cert})
				return err
			})
		},
		func() error {
			return step(stepCertDeleted, "DeleteCertificate "+t.CertificateID, func() error { return s.deleteCertificate(ctx, t.CertificateID) })
		},
		func() error {
			return step(stepThingDeleted, "DeleteThing "+t.Name, func() error {
				_, err := s.api.DeleteThing(ctx, &iot.DeleteThingInput{ThingName: aws.String(t.Name)})
				return err
			})
		})
	for _, f := range steps {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// deletePolicy deletes a policy's non-default versions, which AWS requires
// before DeletePolicy, then the policy.
func (s *session) deletePolicy(ctx context.Context, name string) error {
	vs, err := s.api.ListPolicyVersions(ctx, &iot.ListPolicyVersionsInput{PolicyName: aws.String(name)})
	if err != nil {
		return err
	}
	for _, v := range vs.PolicyVersions {
		if v.IsDefaultVersion {
			continue
		}
		if _, err := s.api.DeletePolicyVersion(ctx, &iot.DeletePolicyVersionInput{
			PolicyName: aws.String(name), PolicyVersionId: v.VersionId}); err != nil && !isNotFound(err) {
			return err
		}
	}
	_, err = s.api.DeletePolicy(ctx, &iot.DeletePolicyInput{PolicyName: aws.String(name)})
	return err
}

// deleteCertificate deletes an inactive, detached certificate. AWS applies
// detachments eventually (the original slept a second), so a conflict is
// retried for a few seconds.
func (s *session) deleteCertificate(ctx context.Context, id string) error {
	var err error
	for try := 0; try < 10; try++ {
		_, err = s.api.DeleteCertificate(ctx, &iot.DeleteCertificateInput{CertificateId: aws.String(id)})
		var ae smithy.APIError
		if err == nil || !errors.As(err, &ae) || ae.ErrorCode() != "DeleteConflictException" {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return err
}
