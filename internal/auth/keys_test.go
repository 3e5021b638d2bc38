package auth

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"

	"github.com/hob-iot/hob/internal/iot"
)

var (
	keyIDShape  = regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`)
	secretShape = regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)
)

func loadKeys(t *testing.T, dir string) *Keys {
	t.Helper()
	k, err := LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestLoadKeys_MissingFileIsEmpty(t *testing.T) {
	dir := t.TempDir()
	k := loadKeys(t, dir)
	if n := len(k.List()); n != 0 {
		t.Fatalf("List has %d keys", n)
	}
	if _, err := os.Stat(filepath.Join(dir, KeysFile)); !os.IsNotExist(err) {
		t.Fatalf("LoadKeys wrote a file: %v", err)
	}
}

func TestKeys_EnsureAdmin_CreatesOnceAndPersists(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hob-data") // not yet there
	k := loadKeys(t, dir)
	admin, created, err := k.EnsureAdmin()
	if err != nil || !created {
		t.Fatalf("first EnsureAdmin: created=%v err=%v", created, err)
	}
	if !keyIDShape.MatchString(admin.ID) || !secretShape.MatchString(admin.Secret) || !admin.Admin || admin.Name != AdminName {
		t.Fatalf("admin key %v has the wrong shape", admin)
	}
	again, created, err := k.EnsureAdmin()
	if err != nil || created || again != admin {
		t.Fatalf("second EnsureAdmin: %v created=%v err=%v", again, created, err)
	}
	reloaded, created, err := loadKeys(t, dir).EnsureAdmin()
	if err != nil || created || reloaded.ID != admin.ID || reloaded.Secret != admin.Secret || !reloaded.CreateDate.Equal(admin.CreateDate) {
		t.Fatalf("after reload: %v created=%v err=%v", reloaded, created, err)
	}
}

func TestKeys_Create_FileMode0600(t *testing.T) {
	dir := t.TempDir()
	if _, err := loadKeys(t, dir).Create("ci"); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, KeysFile))
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Fatalf("mode %o, want 600", perm)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

func TestLoadKeys_NarrowsMode(t *testing.T) {
	dir := t.TempDir()
	loadKeys(t, dir).Create("ci")
	path := filepath.Join(dir, KeysFile)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	loadKeys(t, dir)
	st, _ := os.Stat(path)
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Fatalf("mode %o after load, want 600", perm)
	}
}

func TestLoadKeys_BadFile(t *testing.T) {
	for name, content := range map[string]string{
		"not JSON":       "{",
		"future version": `{"version":2,"keys":[]}`,
		"key sans id":    `{"version":1,"keys":[{"secretAccessKey":"s"}]}`,
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, KeysFile), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadKeys(dir); err == nil {
			t.Errorf("%s: LoadKeys succeeded", name)
		}
	}
}

func TestKeys_Create_ConcurrentAllPersist(t *testing.T) {
	dir := t.TempDir()
	k := loadKeys(t, dir)
	const n = 16
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			key, err := k.Create(fmt.Sprintf("device-%d", i))
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = key.ID
		})
	}
	wg.Wait()
	reloaded := loadKeys(t, dir)
	if got := len(reloaded.List()); got != n {
		t.Fatalf("reloaded %d keys, want %d", got, n)
	}
	for i, id := range ids {
		key, ok := reloaded.Key(id)
		if !ok || key.Name != fmt.Sprintf("device-%d", i) {
			t.Errorf("key %d (%s) missing after reload: %v", i, id, key)
		}
	}
}

func TestKeys_Create_InvalidName(t *testing.T) {
	k := loadKeys(t, t.TempDir())
	for _, name := range []string{"", "has space", "slash/no", string(bytes.Repeat([]byte("a"), 65))} {
		if _, err := k.Create(name); !iot.IsCode(err, iot.InvalidRequestException) {
			t.Errorf("Create(%q): err = %v, want InvalidRequestException", name, err)
		}
	}
}

func TestKeys_List_HidesSecrets(t *testing.T) {
	k := loadKeys(t, t.TempDir())
	a, _ := k.Create("a")
	b, _ := k.Create("b")
	list := k.List()
	if len(list) != 2 || list[0].CreateDate.After(list[1].CreateDate) {
		t.Fatalf("List = %v, want %v and %v, oldest first", list, a, b)
	}
	if got := map[string]bool{list[0].ID: true, list[1].ID: true}; !got[a.ID] || !got[b.ID] {
		t.Fatalf("List = %v, want %v and %v", list, a, b)
	}
	for _, key := range list {
		if key.Secret != "" {
			t.Errorf("List returned the secret of %s", key.ID)
		}
	}
	if s, ok := k.SecretFor(a.ID); !ok || s != a.Secret {
		t.Errorf("SecretFor(%s) = ok %v", a.ID, ok)
	}
}

func TestKeys_Delete(t *testing.T) {
	dir := t.TempDir()
	k := loadKeys(t, dir)
	key, _ := k.Create("gone")
	if err := k.Delete(key.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := loadKeys(t, dir).Key(key.ID); ok {
		t.Fatal("deleted key is back after reload")
	}
	if err := k.Delete(key.ID); !iot.IsCode(err, iot.ResourceNotFoundException) {
		t.Fatalf("second Delete: err = %v, want ResourceNotFoundException", err)
	}
}

func TestAccessKey_String_Redacts(t *testing.T) {
	key := AccessKey{ID: "AKIAEXAMPLE", Secret: "s3cr3t-value", Name: "n"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("key", "key", key)
	for _, s := range []string{fmt.Sprint(key), fmt.Sprintf("%+v", key), buf.String()} {
		if bytes.Contains([]byte(s), []byte(key.Secret)) || !bytes.Contains([]byte(s), []byte(key.ID)) {
			t.Errorf("printed %q", s)
		}
	}
}
