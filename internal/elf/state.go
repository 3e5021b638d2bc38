package elf

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// State files, relative to the state folder (spec/elf.md §1.4).
const (
	miscDir    = "misc"
	elfFile    = "elf.json"
	thingsFile = "things.json"
)

// Thing is one thing elf created, as recorded in misc/things.json. The JSON
// names of the certificate fields are those of CreateKeysAndCertificate's
// response, and the policy fields those of the original client.
type Thing struct {
	Name           string   `json:"thingName"`
	ThingArn       string   `json:"thingArn,omitempty"`
	CertificateArn string   `json:"certificateArn"`
	CertificateID  string   `json:"certificateId"`
	CertificatePem string   `json:"certificatePem,omitempty"`
	Policy         string   `json:"elf_policy,omitempty"`
	PolicyArn      string   `json:"elf_policy_arn,omitempty"`
	PolicyTopics   []string `json:"elf_policy_topics,omitempty"`
	// Done records the steps of create and clean that finished, so that a
	// failed run can be resumed: see the step constants.
	Done []string `json:"elf_done,omitempty"`
}

// Steps recorded in Thing.Done.
const (
	stepThingCreated   = "thing_created"
	stepThingAttached  = "thing_attached"
	stepPolicyAttached = "policy_attached"
	stepPolicyDetached = "policy_detached"
	stepPolicyDeleted  = "policy_deleted"
	stepCertInactive   = "certificate_inactive"
	stepThingDetached  = "thing_detached"
	stepCertDeleted    = "certificate_deleted"
	stepThingDeleted   = "thing_deleted"
)

// Has reports whether step is recorded as done.
func (t *Thing) Has(step string) bool {
	for _, s := range t.Done {
		if s == step {
			return true
		}
	}
	return false
}

// Mark records step as done.
func (t *Thing) Mark(step string) {
	if !t.Has(step) {
		t.Done = append(t.Done, step)
	}
}

// Unmark forgets step.
func (t *Thing) Unmark(step string) {
	kept := t.Done[:0]
	for _, s := range t.Done {
		if s != step {
			kept = append(kept, s)
		}
	}
	t.Done = kept
}

// State is elf's local state under Dir/misc.
type State struct {
	Dir    string // the folder that holds misc/
	ElfID  string // urn:uuid:..., from misc/elf.json
	Things []*Thing
}

// ErrNoThings is returned by Load when misc/things.json does not exist.
var ErrNoThings = errors.New("no things created yet")

// Misc is the path of the misc folder.
func (s *State) Misc() string { return filepath.Join(s.Dir, miscDir) }

// path is the path of a file in the misc folder.
func (s *State) path(name string) string { return filepath.Join(s.Misc(), name) }

// KeyPaths returns the certificate, public key and private key files of a thing.
func (s *State) KeyPaths(thing string) (pem, pub, prv string) {
	return s.path(thing + ".pem"), s.path(thing + ".pub"), s.path(thing + ".prv")
}

// Init creates misc/ and misc/elf.json when missing and loads the elf id,
// as the original's _init. It does not read things.json.
func Init(dir string) (*State, error) {
	s := &State{Dir: dir}
	if err := os.MkdirAll(s.Misc(), 0o700); err != nil {
		return nil, fmt.Errorf("creating the state folder: %w", err)
	}
	b, err := os.ReadFile(s.path(elfFile))
	if errors.Is(err, os.ErrNotExist) {
		s.ElfID = "urn:uuid:" + newUUID()
		out, _ := json.MarshalIndent(map[string]string{"elf_id": s.ElfID}, "", "  ")
		return s, writeFile(s.path(elfFile), append(out, '\n'), 0o644)
	}
	if err != nil {
		return nil, err
	}
	var id struct {
		ElfID string `json:"elf_id"`
	}
	if err := json.Unmarshal(b, &id); err != nil || id.ElfID == "" {
		return nil, fmt.Errorf("%s is not elf's state (%v): delete it and elf makes a new one", s.path(elfFile), errOr(err, "no elf_id"))
	}
	s.ElfID = id.ElfID
	return s, nil
}

// HasThings reports whether misc/things.json exists.
func (s *State) HasThings() bool {
	_, err := os.Stat(s.path(thingsFile))
	return err == nil
}

// LoadThings reads misc/things.json: ErrNoThings when it is missing, a
// message naming the file when it is corrupt.
func (s *State) LoadThings() error {
	b, err := os.ReadFile(s.path(thingsFile))
	if errors.Is(err, os.ErrNotExist) {
		return ErrNoThings
	}
	if err != nil {
		return err
	}
	things, err := decodeThings(b)
	if err != nil {
		return fmt.Errorf("%s is corrupt (%v): fix or delete it; `elf clean --only-local` deletes elf's local files, and things already made in AWS IoT must then be deleted by hand", s.path(thingsFile), err)
	}
	s.Things = things
	return nil
}

// decodeThings reads the original's layout: a list of one-key objects
// {"thing_0": {...}}.
func decodeThings(b []byte) ([]*Thing, error) {
	var list []map[string]*Thing
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, err
	}
	var things []*Thing
	for i, m := range list {
		if len(m) != 1 {
			return nil, fmt.Errorf("entry %d has %d keys, want one thing name", i, len(m))
		}
		for name, t := range m {
			if t == nil || t.CertificateArn == "" || t.CertificateID == "" {
				return nil, fmt.Errorf("entry %d (%s) has no certificateArn or certificateId", i, name)
			}
			t.Name = name
			things = append(things, t)
		}
	}
	return things, nil
}

// SaveThings writes misc/things.json (mode 0600: it names the
// certificates) atomically, in the original's layout with sorted keys.
func (s *State) SaveThings() error {
	list := make([]map[string]*Thing, 0, len(s.Things))
	for _, t := range s.Things {
		list = append(list, map[string]*Thing{t.Name: t})
	}
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(s.path(thingsFile), append(b, '\n'), 0o600)
}

// Thing returns the recorded thing called name, or nil.
func (s *State) Thing(name string) *Thing {
	for _, t := range s.Things {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// WriteKeys writes a thing's certificate and keys; the private key gets
// mode 0600.
func (s *State) WriteKeys(thing, certPem, pub, prv string) error {
	pemPath, pubPath, prvPath := s.KeyPaths(thing)
	if err := writeFile(pemPath, []byte(certPem), 0o644); err != nil {
		return err
	}
	if err := writeFile(pubPath, []byte(pub), 0o644); err != nil {
		return err
	}
	return writeFile(prvPath, []byte(prv), 0o600)
}

// RemoveLocal deletes every file of misc/ that elf made except elf.json,
// as the original's clean.
func (s *State) RemoveLocal() ([]string, error) {
	entries, err := os.ReadDir(s.Misc())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		if e.IsDir() || e.Name() == elfFile || !isElfFile(e.Name()) {
			continue
		}
		if err := os.Remove(s.path(e.Name())); err != nil {
			return removed, err
		}
		removed = append(removed, e.Name())
	}
	sort.Strings(removed)
	return removed, nil
}

// isElfFile reports whether name is one of the files elf writes in misc/.
func isElfFile(name string) bool {
	if name == thingsFile || strings.HasSuffix(name, ".tmp") {
		return true
	}
	for _, ext := range []string{".pem", ".pub", ".prv"} {
		if strings.HasPrefix(name, "thing_") && strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// writeFile writes b to path through a temporary file and a rename, so a
// crash never leaves half a file.
func writeFile(path string, b []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, mode); err != nil {
		return err
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func errOr(err error, msg string) any {
	if err != nil {
		return err
	}
	return msg
}
