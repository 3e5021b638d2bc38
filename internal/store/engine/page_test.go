package engine

import (
	"errors"
	"strings"
	"testing"
)

// fakeRows is a Rows over key/value pairs, each with version 1.
type fakeRows struct {
	kv      [][2]string
	i       int
	scanErr error
}

func (r *fakeRows) Next() bool { r.i++; return r.i <= len(r.kv) }
func (r *fakeRows) Err() error { return nil }
func (r *fakeRows) Scan(dest ...any) error {
	if r.scanErr != nil {
		return r.scanErr
	}
	*dest[0].(*[]byte) = []byte(r.kv[r.i-1][0])
	*dest[1].(*[]byte) = []byte(r.kv[r.i-1][1])
	*dest[2].(*int64) = 1
	return nil
}

func TestReadPage(t *testing.T) {
	rows := &fakeRows{kv: [][2]string{{"a", "1"}, {"b", "2"}}}
	recs, more, err := ReadPage(rows, 2)
	if err != nil || !more || len(recs) != 2 || recs[1].Key != "b" || string(recs[1].Value) != "2" || recs[1].Version != 1 {
		t.Errorf("ReadPage of a full page = %+v, %v, %v", recs, more, err)
	}
	recs, more, err = ReadPage(&fakeRows{kv: [][2]string{{"a", "1"}}}, 2)
	if err != nil || more || len(recs) != 1 {
		t.Errorf("ReadPage of a short page = %+v, %v, %v", recs, more, err)
	}
}

func TestReadPage_ByteBudget(t *testing.T) {
	big := strings.Repeat("v", pageBytes/2)
	recs, more, err := ReadPage(&fakeRows{kv: [][2]string{{"a", big}, {"b", big}, {"c", big}}}, 10)
	if err != nil || !more || len(recs) != 2 {
		t.Errorf("ReadPage over the byte budget = %d records, more %v, %v; want 2, true, nil", len(recs), more, err)
	}
}

func TestReadPage_ScanError(t *testing.T) {
	boom := errors.New("boom")
	_, _, err := ReadPage(&fakeRows{kv: [][2]string{{"a", "1"}}, scanErr: boom}, 10)
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "read row: ") {
		t.Errorf("ReadPage with a failing Scan = %v, want read row: boom", err)
	}
}
