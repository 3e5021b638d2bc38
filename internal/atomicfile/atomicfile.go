// Package atomicfile writes files that readers, and the disk after a crash,
// see either whole or not at all.
//
// It is a pure package (layer 0): it imports only the standard library.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces the file at path with data, with permission bits perm
// (set with chmod, so the process umask does not narrow them).
//
// It writes a temporary file in path's folder, syncs it, renames it over
// path and syncs the folder. So a reader, or the file after a crash, sees
// either the old content or the new, never a part of it; after a nil
// return the file holds data with perm and survives a crash. On failure
// the temporary file is removed, and path keeps its old content unless the
// rename already happened (only the folder sync then failed). The folder
// must exist.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
