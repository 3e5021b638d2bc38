package action_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"
)

// writeRecords is the part of a WriteRecords request the tests check.
type writeRecords struct {
	DatabaseName, TableName string
	CommonAttributes        struct {
		Dimensions     []struct{ Name, Value, DimensionValueType string }
		Time, TimeUnit string
	}
	Records []struct{ MeasureName, MeasureValue, MeasureValueType string }
}

// timestreamStub is a stand-in Timestream Write endpoint speaking enough
// of awsJson1.0: it keeps every WriteRecords request and answers it,
// except the call numbered failOn (from 1), which it rejects.
type timestreamStub struct {
	url    string
	failOn int

	mu      sync.Mutex
	targets []string
	calls   []writeRecords
}

func newTimestreamStub(t *testing.T) *timestreamStub {
	s := &timestreamStub{}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

func (s *timestreamStub) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, _ := io.ReadAll(r.Body)
	var req writeRecords
	_ = json.Unmarshal(b, &req)
	s.targets = append(s.targets, r.Header.Get("X-Amz-Target"))
	s.calls = append(s.calls, req)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	if len(s.calls) == s.failOn {
		w.WriteHeader(419)
		fmt.Fprint(w, `{"__type":"RejectedRecordsException","message":"One or more records have been rejected.",`+
			`"RejectedRecords":[{"RecordIndex":7,"Reason":"The measure value is too long."}]}`)
		return
	}
	fmt.Fprintf(w, `{"RecordsIngested":{"Total":%d}}`, len(req.Records))
}

// got returns the targets and requests received so far.
func (s *timestreamStub) got() ([]string, []writeRecords) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.targets...), append([]writeRecords(nil), s.calls...)
}

const timestreamRaw = `{"timestream":{"roleArn":"r","databaseName":"iot","tableName":"temps",` +
	`"dimensions":[{"name":"device","value":"${id}"},{"name":"site","value":"lab"}]%s}}`

func TestTimestream_Do_Request(t *testing.T) {
	s := newTimestreamStub(t)
	before := time.Now().UnixMilli()
	_, err := fire(t, s.url, fmt.Sprintf(timestreamRaw, ""), `{"temp":21,"hum":40.5,"gone":null}`)
	must(t, err)
	after := time.Now().UnixMilli()
	targets, calls := s.got()
	if !reflect.DeepEqual(targets, []string{"Timestream_20181101.WriteRecords"}) {
		t.Fatalf("targets %q, want one WriteRecords and no endpoint discovery", targets)
	}
	c := calls[0]
	if c.DatabaseName != "iot" || c.TableName != "temps" {
		t.Errorf("DatabaseName %q TableName %q", c.DatabaseName, c.TableName)
	}
	dims := fmt.Sprint(c.CommonAttributes.Dimensions)
	if want := "[{device d1 VARCHAR} {site lab VARCHAR}]"; dims != want {
		t.Errorf("dimensions %s, want %s", dims, want)
	}
	at, err := strconv.ParseInt(c.CommonAttributes.Time, 10, 64)
	if err != nil || at < before || at > after || c.CommonAttributes.TimeUnit != "MILLISECONDS" {
		t.Errorf("time %q %s, want milliseconds in [%d, %d]", c.CommonAttributes.Time, c.CommonAttributes.TimeUnit, before, after)
	}
	if got, want := fmt.Sprint(c.Records), "[{hum 40.5 DOUBLE} {temp 21 BIGINT}]"; got != want {
		t.Errorf("records %s, want %s", got, want)
	}
}

func TestTimestream_Do_TimestampSeconds(t *testing.T) {
	s := newTimestreamStub(t)
	a := buildAt(t, s.url, fmt.Sprintf(timestreamRaw, `,"timestamp":{"value":"${ts}","unit":"SECONDS"}`))
	must(t, invoke(t, a, `{"temp":21}`, map[string]string{"id": "d1", "ts": "1700000000"}))
	_, calls := s.got()
	if ca := calls[0].CommonAttributes; ca.Time != "1700000000" || ca.TimeUnit != "SECONDS" {
		t.Errorf("time %q %s, want 1700000000 SECONDS, unconverted", ca.Time, ca.TimeUnit)
	}
	err := invoke(t, a, `{"temp":21}`, map[string]string{"id": "d1", "ts": "soon"})
	wantFailure(t, err, "Failed to write records to Timestream table iot.temps.", `timestamp.value "soon" is not an integer`)
	if _, calls := s.got(); len(calls) != 1 {
		t.Errorf("%d calls, want none for the bad timestamp", len(calls)-1)
	}
}

func TestTimestream_Do_SplitsBatches(t *testing.T) {
	s := newTimestreamStub(t)
	_, err := fire(t, s.url, fmt.Sprintf(timestreamRaw, ""), manyMeasures(250))
	must(t, err)
	_, calls := s.got()
	var sizes []int
	for _, c := range calls {
		sizes = append(sizes, len(c.Records))
		if len(c.CommonAttributes.Dimensions) != 2 || c.CommonAttributes.Time != calls[0].CommonAttributes.Time {
			t.Errorf("call without the same common attributes: %+v", c.CommonAttributes)
		}
	}
	if fmt.Sprint(sizes) != "[100 100 50]" {
		t.Fatalf("batch sizes %v, want [100 100 50]", sizes)
	}
	if first, last := calls[0].Records[0].MeasureName, calls[2].Records[49].MeasureName; first != "m000" || last != "m249" {
		t.Errorf("first measure %s, last %s", first, last)
	}
}

func TestTimestream_Do_Failures(t *testing.T) {
	s := newTimestreamStub(t)
	s.failOn = 2
	_, err := fire(t, s.url, fmt.Sprintf(timestreamRaw, ""), manyMeasures(250))
	wantFailure(t, err, "Failed to write records to Timestream table iot.temps. The error received was One or more records have been rejected.",
		"RejectedRecordsException", "(record 7: The measure value is too long.)", "(100 of 250 records were written before it)",
		"Message arrived on: dev/d1, Action: timestream")
	if _, calls := s.got(); len(calls) != 2 {
		t.Errorf("%d calls, want 2: none after the failure", len(calls))
	}
	for _, output := range []string{`[{"temp":21}]`, `"hot"`, `21`, `{"gone":null}`, `{}`} {
		s := newTimestreamStub(t)
		_, err := fire(t, s.url, fmt.Sprintf(timestreamRaw, ""), output)
		wantFailure(t, err, "Failed to write records to Timestream table iot.temps. The error received was the SELECT output")
		if _, calls := s.got(); len(calls) != 0 {
			t.Errorf("output %s: %d calls, want none", output, len(calls))
		}
	}
}
