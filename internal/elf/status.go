package elf

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
)

// status shows the local state and, when the API answers, what AWS IoT
// holds for each thing: whether it exists, its certificate's status and its
// policy. It fails only when the local state cannot be read.
func (s *session) status(ctx context.Context) error {
	err := s.st.LoadThings()
	if errors.Is(err, ErrNoThings) {
		s.out.Event("status", fmt.Sprintf("ELF %s: no things (run `elf create`); state in %s", s.st.ElfID, s.st.Misc()),
			map[string]any{"elf_id": s.st.ElfID, "misc": s.st.Misc(), "things": []any{}})
		return nil
	}
	if err != nil {
		return err
	}
	s.out.Event("status", fmt.Sprintf("ELF %s: %d things; state in %s", s.st.ElfID, len(s.st.Things), s.st.Misc()),
		map[string]any{"elf_id": s.st.ElfID, "misc": s.st.Misc(), "count": len(s.st.Things)})
	connErr := s.connect(ctx)
	for _, t := range s.st.Things {
		remote := "API not reachable: " + errString(connErr)
		if connErr == nil {
			remote = s.remoteStatus(ctx, t)
		}
		s.out.Event("thing", fmt.Sprintf("  %s certificate %s policy %s topics [%s] local steps [%s]; in AWS IoT: %s",
			t.Name, t.CertificateID, orNone(t.Policy), strings.Join(t.PolicyTopics, " "), strings.Join(t.Done, " "), remote),
			map[string]any{"thing": t.Name, "certificate_id": t.CertificateID, "policy": t.Policy,
				"policy_topics": t.PolicyTopics, "done": t.Done, "remote": remote})
	}
	return nil
}

// remoteStatus describes what the API holds for t, in one phrase.
func (s *session) remoteStatus(ctx context.Context, t *Thing) string {
	var parts []string
	if _, err := s.api.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String(t.Name)}); err != nil {
		parts = append(parts, "thing: "+errString(apiErrOrMissing("DescribeThing", err)))
	} else {
		parts = append(parts, "thing exists")
	}
	c, err := s.api.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(t.CertificateID)})
	if err != nil {
		parts = append(parts, "certificate: "+errString(apiErrOrMissing("DescribeCertificate", err)))
	} else {
		parts = append(parts, "certificate "+string(c.CertificateDescription.Status))
	}
	if t.Policy != "" {
		p, err := s.api.GetPolicy(ctx, &iot.GetPolicyInput{PolicyName: aws.String(t.Policy)})
		if err != nil {
			parts = append(parts, "policy: "+errString(apiErrOrMissing("GetPolicy", err)))
		} else {
			parts = append(parts, "policy version "+aws.ToString(p.DefaultVersionId))
		}
	}
	return strings.Join(parts, ", ")
}

func apiErrOrMissing(op string, err error) error {
	if isNotFound(err) {
		return errors.New("missing")
	}
	return apiErr(op, err)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func orNone(s string) string {
	if s == "" {
		return "(none yet)"
	}
	return s
}
