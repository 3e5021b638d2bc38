package elf

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
)

// ensurePolicy makes sure the thing's certificate has elf's policy and that
// it allows topics: the first send or subscribe creates and attaches it
// (spec/elf.md §1.6 step 2), a later one with new topics replaces its
// version with one that allows the old and the new. Each step is saved.
func (s *session) ensurePolicy(ctx context.Context, t *Thing, topics []string) error {
	for _, step := range []string{stepPolicyDetached, stepPolicyDeleted, stepCertInactive, stepThingDetached, stepCertDeleted, stepThingDeleted} {
		if t.Has(step) {
			return fmt.Errorf("%s is being cleaned up (%s done): run `elf clean` to finish, then `elf create`", t.Name, step)
		}
	}
	want := sortedUnique(append(append([]string{}, t.PolicyTopics...), topics...))
	doc, err := PolicyDocument(t.CertificateArn, t.Name, want)
	if err != nil {
		return fmt.Errorf("%s: %w", t.Name, err)
	}
	switch {
	case t.Policy == "":
		if err := s.createPolicy(ctx, t, doc); err != nil {
			return err
		}
	case !covers(t.PolicyTopics, topics):
		if err := s.replacePolicyVersion(ctx, t.Policy, doc); err != nil {
			return apiErr("CreatePolicyVersion "+t.Policy, err)
		}
	}
	t.PolicyTopics = want
	if err := s.st.SaveThings(); err != nil {
		return err
	}
	if t.Has(stepPolicyAttached) {
		return nil
	}
	if _, err := s.api.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String(t.Policy), Target: aws.String(t.CertificateArn)}); err != nil {
		return apiErr("AttachPolicy "+t.Policy, err)
	}
	t.Mark(stepPolicyAttached)
	return s.st.SaveThings()
}

// createPolicy records the policy's name first, so that clean removes it
// even if elf stops right after creating it.
func (s *session) createPolicy(ctx context.Context, t *Thing, doc string) error {
	t.Policy = PolicyName(t.Name)
	if err := s.st.SaveThings(); err != nil {
		return err
	}
	out, err := s.api.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String(t.Policy), PolicyDocument: aws.String(doc)})
	if isAlreadyExists(err) { // left by an earlier run that stopped before saving
		if err := s.replacePolicyVersion(ctx, t.Policy, doc); err != nil {
			return apiErr("CreatePolicyVersion "+t.Policy, err)
		}
		got, err := s.api.GetPolicy(ctx, &iot.GetPolicyInput{PolicyName: aws.String(t.Policy)})
		if err != nil {
			return apiErr("GetPolicy "+t.Policy, err)
		}
		t.PolicyArn = aws.ToString(got.PolicyArn)
		return nil
	}
	if err != nil {
		return apiErr("CreatePolicy "+t.Policy, err)
	}
	t.PolicyArn = aws.ToString(out.PolicyArn)
	s.out.Event("policy", fmt.Sprintf("ELF created %s and attached it to %s's certificate", t.Policy, t.Name),
		map[string]any{"thing": t.Name, "policy": t.Policy, "policy_arn": t.PolicyArn})
	return nil
}

// replacePolicyVersion makes doc the policy's only version: AWS keeps at
// most five, and DeletePolicy wants the non-default ones gone.
func (s *session) replacePolicyVersion(ctx context.Context, name, doc string) error {
	vs, err := s.api.ListPolicyVersions(ctx, &iot.ListPolicyVersionsInput{PolicyName: aws.String(name)})
	if err != nil {
		return err
	}
	deleteVersions := func(def bool) error {
		for _, v := range vs.PolicyVersions {
			if v.IsDefaultVersion != def {
				continue
			}
			if _, err := s.api.DeletePolicyVersion(ctx, &iot.DeletePolicyVersionInput{
				PolicyName: aws.String(name), PolicyVersionId: v.VersionId}); err != nil && !isNotFound(err) {
				return err
			}
		}
		return nil
	}
	if err := deleteVersions(false); err != nil {
		return err
	}
	if _, err := s.api.CreatePolicyVersion(ctx, &iot.CreatePolicyVersionInput{
		PolicyName: aws.String(name), PolicyDocument: aws.String(doc), SetAsDefault: true}); err != nil {
		return err
	}
	return deleteVersions(true)
}
