package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

// wantFile fails the test unless path holds content with permission bits
// perm.
func wantFile(t *testing.T, path, content string, perm os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != content || fi.Mode().Perm() != perm {
		t.Fatalf("%s: content %q mode %v, want %q %v", path, b, fi.Mode().Perm(), content, perm)
	}
}

func TestWrite_ReplacesWithMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := Write(p, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantFile(t, p, "one", 0o600)
	if err := Write(p, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantFile(t, p, "two", 0o644)
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Fatalf("%d entries left, want 1", len(entries))
	}
}

func TestWrite_IgnoresUmask(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := Write(p, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	wantFile(t, p, "", 0o666)
}

func TestWrite_MissingFolder(t *testing.T) {
	if err := Write(filepath.Join(t.TempDir(), "missing", "f"), nil, 0o600); err == nil {
		t.Fatal("write into a missing folder succeeded")
	}
}

func TestWrite_FailureLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "f")
	if err := os.Mkdir(target, 0o700); err != nil { // a folder cannot be renamed over
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(target, []byte("x"), 0o600); err == nil {
		t.Fatal("write over a non-empty folder succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "f" {
		t.Fatalf("entries after a failed write: %v, want only f", entries)
	}
}
