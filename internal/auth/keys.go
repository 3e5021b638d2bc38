package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hob-iot/hob/internal/atomicfile"
	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/sigv4"
)

// KeysFile is the name of the access key file in the data folder.
const KeysFile = "access-keys.json"

// keysFormat is the version of the file's layout.
const keysFormat = 1

// keysDoc is the file's content.
type keysDoc struct {
	Version int         `json:"version"`
	Keys    []AccessKey `json:"keys"`
}

// Keys is the set of access keys, kept in KeysFile. It is safe for
// concurrent use; every change is on disk before the method returns.
type Keys struct {
	path string
	mu   sync.RWMutex // guards byID; held across file writes so they apply in order
	byID map[string]AccessKey
}

// LoadKeys reads dir/access-keys.json. A missing file is an empty set; the
// file is created, and dir with mode 0700 if needed, on the first change. A
// file readable by others is narrowed to 0600.
func LoadKeys(dir string) (*Keys, error) {
	k := &Keys{path: filepath.Join(dir, KeysFile), byID: map[string]AccessKey{}}
	data, err := os.ReadFile(k.path)
	if errors.Is(err, fs.ErrNotExist) {
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read access keys: %w", err)
	}
	var doc keysDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("auth: parse %s: %w", k.path, err)
	}
	if doc.Version != keysFormat {
		return nil, fmt.Errorf("auth: %s has format version %d, want %d", k.path, doc.Version, keysFormat)
	}
	for _, key := range doc.Keys {
		if key.ID == "" || key.Secret == "" {
			return nil, fmt.Errorf("auth: %s holds a key without id or secret", k.path)
		}
		k.byID[key.ID] = key
	}
	if err := narrowMode(k.path); err != nil {
		return nil, err
	}
	return k, nil
}

func narrowMode(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return fmt.Errorf("auth: narrow %s to 0600: %w", path, err)
		}
	}
	return nil
}

// Key returns the access key with the given id, secret included.
func (k *Keys) Key(id string) (AccessKey, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	key, ok := k.byID[id]
	return key, ok
}

// SecretFor returns the secret of the access key with the given id; it
// makes *Keys a sigv4.Credentials.
func (k *Keys) SecretFor(id string) (string, bool) {
	key, ok := k.Key(id)
	return key.Secret, ok
}

// List returns every key, oldest first, with secrets left out.
func (k *Keys) List() []AccessKey {
	k.mu.RLock()
	out := make([]AccessKey, 0, len(k.byID))
	for _, key := range k.byID {
		key.Secret = ""
		out = append(out, key)
	}
	k.mu.RUnlock()
	sortKeys(out)
	return out
}

func sortKeys(keys []AccessKey) {
	slices.SortFunc(keys, func(a, b AccessKey) int {
		if c := a.CreateDate.Compare(b.CreateDate); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// Create makes a new key for name and returns it, secret included: the
// only time the secret is handed out besides Key. Names follow IAM's
// user-name rule; several keys may share one name.
func (k *Keys) Create(name string) (AccessKey, error) {
	if err := checkName(name); err != nil {
		return AccessKey{}, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.createLocked(name, false)
}

// EnsureAdmin returns the admin key, secret included, creating it if there
// is none (first start); with several, the oldest. created reports whether
// it was made now.
func (k *Keys) EnsureAdmin() (key AccessKey, created bool, err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	var admins []AccessKey
	for _, key := range k.byID {
		if key.Admin {
			admins = append(admins, key)
		}
	}
	if len(admins) > 0 {
		sortKeys(admins)
		return admins[0], false, nil
	}
	key, err = k.createLocked(AdminName, true)
	return key, err == nil, err
}

// Delete removes the key with the given id; a ResourceNotFoundException
// when there is none.
func (k *Keys) Delete(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.byID[id]; !ok {
		return iot.Errorf(iot.ResourceNotFoundException, "Access key %s does not exist.", id)
	}
	next := maps.Clone(k.byID)
	delete(next, id)
	return k.saveLocked(next)
}

// createLocked adds a fresh key. k.mu must be held for writing.
func (k *Keys) createLocked(name string, admin bool) (AccessKey, error) {
	key := AccessKey{ID: newKeyID(), Secret: newSecret(), Name: name, Admin: admin, CreateDate: time.Now().UTC()}
	for k.hasLocked(key.ID) { // 80 random bits: a repeat is all but impossible
		key.ID = newKeyID()
	}
	next := maps.Clone(k.byID)
	next[key.ID] = key
	if err := k.saveLocked(next); err != nil {
		return AccessKey{}, err
	}
	return key, nil
}

// hasLocked reports whether id is taken. k.mu must be held.
func (k *Keys) hasLocked(id string) bool {
	_, ok := k.byID[id]
	return ok
}

// saveLocked writes next to the file and, once it is there, makes it the
// current set. k.mu must be held for writing.
func (k *Keys) saveLocked(next map[string]AccessKey) error {
	doc := keysDoc{Version: keysFormat, Keys: make([]AccessKey, 0, len(next))}
	for _, key := range next {
		doc.Keys = append(doc.Keys, key)
	}
	sortKeys(doc.Keys)
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("auth: encode access keys: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(k.path), 0o700); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	if err := atomicfile.Write(k.path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("auth: write access keys: %w", err)
	}
	k.byID = next
	return nil
}

var _ sigv4.Credentials = (*Keys)(nil)
