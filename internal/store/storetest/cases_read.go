package storetest

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/hob-iot/hob/internal/store"
)

var readCases = []testCase{
	{"Get_Missing", testGetMissing},
	{"Put_BinaryValues", testPutBinaryValues},
	{"Put_Versions", testPutVersions},
}

func testGetMissing(t *testing.T, h *harness) {
	s := h.fresh(t)
	put(t, s, "things", map[string]string{"present": "x"})
	for _, c := range []struct{ table, key string }{
		{"things", "absent"}, {"things", ""}, {"things", "present\x00"}, {"other", "present"},
	} {
		view(t, s, func(tx store.ReadTx) error {
			if _, err := tx.Get(c.table, c.key); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("View Get(%q, %q) error = %v, want ErrNotFound", c.table, c.key, err)
			}
			return nil
		})
		update(t, s, func(tx store.Tx) error {
			if _, err := tx.Get(c.table, c.key); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Update Get(%q, %q) error = %v, want ErrNotFound", c.table, c.key, err)
			}
			return nil
		})
	}
}

func testPutBinaryValues(t *testing.T, h *harness) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	big := make([]byte, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	values := map[string][]byte{
		"all-bytes": all, "empty": {}, "nil": nil, "mebibyte": big,
		"nul": {0}, "text": []byte("héllo\nworld"), "\x00key\xff": {0xff, 0x00, 0xfe},
	}
	s := h.fresh(t)
	update(t, s, func(tx store.Tx) error {
		for k, v := range values {
			if ver, err := tx.Put("blobs", k, v); err != nil || ver != 1 {
				t.Errorf("Put(%q) = %d, %v; want 1, nil", k, ver, err)
			}
		}
		return nil
	})
	for k, v := range values {
		rec, ok := get(t, s, "blobs", k)
		if !ok || !bytes.Equal(rec.Value, v) || rec.Key != k || rec.Version != 1 {
			t.Errorf("Get(%q): found=%v key=%q version=%d len=%d, want the %d bytes written at version 1",
				k, ok, rec.Key, rec.Version, len(rec.Value), len(v))
		}
	}
}

func testPutVersions(t *testing.T, h *harness) {
	s := h.fresh(t)
	for i := int64(1); i <= 3; i++ {
		update(t, s, func(tx store.Tx) error {
			v, err := tx.Put("t", "k", []byte{byte(i)})
			if err != nil || v != i {
				t.Errorf("Put #%d = %d, %v; want %d", i, v, err, i)
			}
			return nil
		})
	}
	want(t, s, "t", "k", "\x03", 3)
	put(t, s, "t", map[string]string{"other": "o"})
	put(t, s, "u", map[string]string{"k": "u"})
	want(t, s, "t", "other", "o", 1)
	want(t, s, "u", "k", "u", 1)
	update(t, s, func(tx store.Tx) error {
		// Several Puts in one transaction each count.
		if _, err := tx.Put("t", "k", []byte("a")); err != nil {
			return err
		}
		v, err := tx.Put("t", "k", []byte("b"))
		if v != 5 {
			t.Errorf("second Put in one tx = %d, want 5", v)
		}
		return err
	})
	want(t, s, "t", "k", "b", 5)
	update(t, s, func(tx store.Tx) error {
		if _, err := tx.Delete("t", "k"); err != nil {
			return err
		}
		v, err := tx.Put("t", "k", []byte("again"))
		if v != 1 {
			t.Errorf("Put after Delete = %d, want 1 (a new record)", v)
		}
		return err
	})
	want(t, s, "t", "k", "again", 1)
}
