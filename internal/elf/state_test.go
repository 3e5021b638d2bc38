package elf

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestState_Init_CreatesElfID(t *testing.T) {
	dir := t.TempDir()
	st, err := Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(st.ElfID, "urn:uuid:") || len(st.ElfID) != len("urn:uuid:")+36 {
		t.Fatalf("elf id %q", st.ElfID)
	}
	again, err := Init(dir)
	if err != nil || again.ElfID != st.ElfID {
		t.Fatalf("second Init: %v, id %q, want %q", err, again.ElfID, st.ElfID)
	}
}

func TestState_Init_CorruptElfJSON(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "misc"), 0o700)
	os.WriteFile(filepath.Join(dir, "misc", "elf.json"), []byte("{"), 0o644)
	if _, err := Init(dir); err == nil || !strings.Contains(err.Error(), "elf.json is not elf's state") {
		t.Fatalf("Init: %v", err)
	}
}

func TestState_SaveThings_RoundTrip(t *testing.T) {
	st, _ := Init(t.TempDir())
	if err := st.LoadThings(); !errors.Is(err, ErrNoThings) {
		t.Fatalf("LoadThings with no file: %v", err)
	}
	th := &Thing{Name: "thing_0", CertificateArn: "arn:aws:iot:us-east-1:123456789012:cert/abc", CertificateID: "abc",
		Policy: "policy-thing_0", PolicyTopics: []string{"elf/thing_0"}}
	th.Mark(stepThingCreated)
	th.Mark(stepThingCreated)
	st.Things = []*Thing{th}
	if err := st.SaveThings(); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(filepath.Join(st.Misc(), "things.json"))
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("things.json mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(filepath.Join(st.Misc(), "things.json"))
	if !strings.HasPrefix(string(b), "[\n  {\n    \"thing_0\": {") || !strings.Contains(string(b), `"elf_policy": "policy-thing_0"`) {
		t.Errorf("things.json is not in the original's layout:\n%s", b)
	}
	got, _ := Init(st.Dir)
	if err := got.LoadThings(); err != nil {
		t.Fatal(err)
	}
	g := got.Thing("thing_0")
	if g == nil || g.CertificateID != "abc" || !g.Has(stepThingCreated) || len(g.Done) != 1 || g.PolicyTopics[0] != "elf/thing_0" {
		t.Fatalf("round trip: %+v", g)
	}
}

// The original client's things.json (spec/elf.md §1.4) loads.
func TestState_LoadThings_OriginalLayout(t *testing.T) {
	st, _ := Init(t.TempDir())
	orig := `[
  {
    "thing_0": {
      "ResponseMetadata": {"HTTPStatusCode": 200},
      "certificateArn": "arn:aws:iot:us-west-2:123456789012:cert/c0",
      "certificateId": "c0",
      "certificatePem": "-----BEGIN CERTIFICATE-----",
      "elf_policy": "policy-thing_0",
      "elf_policy_arn": "arn:aws:iot:us-west-2:123456789012:policy/policy-thing_0",
      "keyPair": {"PrivateKey": "x", "PublicKey": "y"}
    }
  }
]`
	os.WriteFile(filepath.Join(st.Misc(), "things.json"), []byte(orig), 0o600)
	if err := st.LoadThings(); err != nil {
		t.Fatal(err)
	}
	if th := st.Thing("thing_0"); th == nil || th.Policy != "policy-thing_0" || th.CertificateID != "c0" {
		t.Fatalf("loaded %+v", st.Things)
	}
}

func TestState_LoadThings_Corrupt(t *testing.T) {
	for name, body := range map[string]string{
		"not json":       "[{",
		"not a list":     `{"thing_0": {}}`,
		"two keys":       `[{"thing_0": {"certificateArn": "a", "certificateId": "b"}, "thing_1": {}}]`,
		"no certificate": `[{"thing_0": {"elf_policy": "p"}}]`,
	} {
		t.Run(name, func(t *testing.T) {
			st, _ := Init(t.TempDir())
			os.WriteFile(filepath.Join(st.Misc(), "things.json"), []byte(body), 0o600)
			err := st.LoadThings()
			if err == nil || !strings.Contains(err.Error(), "things.json is corrupt") {
				t.Fatalf("LoadThings: %v", err)
			}
		})
	}
}

func TestState_RemoveLocal_KeepsElfJSONAndOthers(t *testing.T) {
	st, _ := Init(t.TempDir())
	if err := st.WriteKeys("thing_0", "cert", "pub", "prv"); err != nil {
		t.Fatal(err)
	}
	_, _, prv := st.KeyPaths("thing_0")
	if fi, _ := os.Stat(prv); fi.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v, want 0600", fi.Mode().Perm())
	}
	st.SaveThings()
	os.WriteFile(filepath.Join(st.Misc(), "notes.txt"), []byte("mine"), 0o644)
	removed, err := st.RemoveLocal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(removed, " ") != "thing_0.pem thing_0.prv thing_0.pub things.json" {
		t.Errorf("removed %v", removed)
	}
	left, _ := os.ReadDir(st.Misc())
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "elf.json notes.txt" {
		t.Errorf("left %v", names)
	}
}
