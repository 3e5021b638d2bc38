package elf

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
)

// create makes o.Count things (spec/elf.md §1.5): for each, a certificate
// with its keys, a thing, and the attachment of the two. No policy yet:
// send and subscribe make it. State is saved after every step, so clean
// can remove what a failed create made.
func (s *session) create(ctx context.Context) error {
	if err := s.refuseExisting(); err != nil {
		return err
	}
	if err := s.connect(ctx); err != nil {
		return err
	}
	for i := 0; i < s.o.Count; i++ {
		if err := s.createThing(ctx, fmt.Sprintf("thing_%d", i)); err != nil {
			if len(s.st.Things) == 0 {
				return err
			}
			return fmt.Errorf("%w (what was made is in %s: `elf clean` removes it)", err, s.st.path(thingsFile))
		}
	}
	s.out.Event("created", fmt.Sprintf("ELF created %d things in region:'%s'.", s.o.Count, s.region),
		map[string]any{"count": s.o.Count, "region": s.region})
	return nil
}

// refuseExisting stops a second create, as the original did on thing_0.pem.
func (s *session) refuseExisting() error {
	if s.st.HasThings() {
		if err := s.st.LoadThings(); err != nil {
			return err
		}
		return fmt.Errorf("things were already created (%d in %s): run `elf clean` before creating again", len(s.st.Things), s.st.path(thingsFile))
	}
	if pem, _, _ := s.st.KeyPaths("thing_0"); fileExists(pem) {
		return fmt.Errorf("previously created certificates exist (%s): run `elf clean` before creating", pem)
	}
	return nil
}

func (s *session) createThing(ctx context.Context, name string) error {
	keys, err := s.api.CreateKeysAndCertificate(ctx, &iot.CreateKeysAndCertificateInput{SetAsActive: true})
	if err != nil {
		return apiErr("CreateKeysAndCertificate", err)
	}
	t := &Thing{Name: name, CertificateArn: aws.ToString(keys.CertificateArn),
		CertificateID: aws.ToString(keys.CertificateId), CertificatePem: aws.ToString(keys.CertificatePem)}
	s.st.Things = append(s.st.Things, t)
	if err := s.st.WriteKeys(name, t.CertificatePem, aws.ToString(keys.KeyPair.PublicKey), aws.ToString(keys.KeyPair.PrivateKey)); err != nil {
		return err
	}
	if err := s.st.SaveThings(); err != nil {
		return err
	}
	thing, err := s.api.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String(name)})
	if err != nil {
		return apiErr("CreateThing "+name, err)
	}
	t.ThingArn = aws.ToString(thing.ThingArn)
	t.Mark(stepThingCreated)
	if err := s.st.SaveThings(); err != nil {
		return err
	}
	if _, err := s.api.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{
		ThingName: aws.String(name), Principal: aws.String(t.CertificateArn)}); err != nil {
		return apiErr("AttachThingPrincipal "+name, err)
	}
	t.Mark(stepThingAttached)
	if err := s.st.SaveThings(); err != nil {
		return err
	}
	s.out.Event("thing", fmt.Sprintf("ELF created %s with certificate %s", name, t.CertificateID),
		map[string]any{"thing": name, "certificate_id": t.CertificateID, "certificate_arn": t.CertificateArn})
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
