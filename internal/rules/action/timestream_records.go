package action

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/timestreamwrite/types"
)

// timestreamMaxBatch is WriteRecords' limit of records per call.
const timestreamMaxBatch = 100

// common renders the attributes every record of one firing shares: the
// dimensions, and the time. Without a timestamp the time is a's clock in
// milliseconds. With one, timestamp.value must render to an integer,
// which is sent as it is, in timestamp.unit: hob does not convert it.
func (a *timestreamAction) common(inv *Invocation) (*types.Record, error) {
	r := renderer{inv: inv}
	dims := make([]types.Dimension, len(a.p.Dimensions))
	for i, d := range a.p.Dimensions {
		dims[i] = types.Dimension{Name: aws.String(d.Name), Value: aws.String(r.get(d.Value)),
			DimensionValueType: types.DimensionValueTypeVarchar}
	}
	at, unit := strconv.FormatInt(a.now().UnixMilli(), 10), types.TimeUnitMilliseconds
	if t := a.p.Timestamp; t != nil {
		v := r.get(t.Value)
		if r.err != nil {
			return nil, r.err
		}
		n, err := parseInt("timestamp.value", v)
		if err != nil {
			return nil, err
		}
		at, unit = strconv.FormatInt(n, 10), types.TimeUnit(t.Unit)
	}
	if r.err != nil {
		return nil, r.err
	}
	return &types.Record{Dimensions: dims, Time: aws.String(at), TimeUnit: unit}, nil
}

// timestreamMeasures makes one record per top-level attribute of output,
// which must be a JSON object, in the order of the attribute names: the
// name is the measure name, and the value is typed by its JSON form. An
// integer is BIGINT (an integer beyond 64 bits is DOUBLE), any other
// number DOUBLE, true and false BOOLEAN, a string VARCHAR with its text,
// and an array or object VARCHAR with its JSON text. A null attribute is
// skipped; an output with no other attribute fails, as WriteRecords
// needs at least one record.
func timestreamMeasures(output []byte) ([]types.Record, error) {
	obj, err := jsonObject(output)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	sort.Strings(names)
	var records []types.Record
	for _, name := range names {
		value, typ, ok := measureValue(obj[name])
		if !ok {
			continue
		}
		records = append(records, types.Record{MeasureName: aws.String(name),
			MeasureValue: aws.String(value), MeasureValueType: typ})
	}
	if len(records) == 0 {
		return nil, errors.New("the SELECT output has no attribute to write as a measure")
	}
	return records, nil
}

// measureValue is the measure value and type of one JSON value, or false
// for null.
func measureValue(raw json.RawMessage) (string, types.MeasureValueType, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case string(raw) == "null":
		return "", "", false
	case string(raw) == "true" || string(raw) == "false":
		return string(raw), types.MeasureValueTypeBoolean, true
	case raw[0] == '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		return s, types.MeasureValueTypeVarchar, true
	case raw[0] == '[' || raw[0] == '{':
		var b bytes.Buffer
		_ = json.Compact(&b, raw)
		return b.String(), types.MeasureValueTypeVarchar, true
	}
	if _, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return string(raw), types.MeasureValueTypeBigint, true
	}
	return string(raw), types.MeasureValueTypeDouble, true
}

// batches splits s into consecutive slices of at most n elements.
func batches[T any](s []T, n int) [][]T {
	var out [][]T
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

// timestreamErrText is errText, followed for rejected records by the
// first one's index in its call and Timestream's reason.
func timestreamErrText(err error) string {
	text := errText(err)
	var rejected *types.RejectedRecordsException
	if errors.As(err, &rejected) && len(rejected.RejectedRecords) > 0 {
		r := rejected.RejectedRecords[0]
		text += fmt.Sprintf(" (record %d: %s)", r.RecordIndex, aws.ToString(r.Reason))
	}
	return text
}
