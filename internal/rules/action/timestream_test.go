package action_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/timestreamwrite"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/rules/action"
)

// motoMeasure is one record as moto keeps it. moto drops WriteRecords'
// CommonAttributes, so dimensions and time are checked against a
// stand-in endpoint (timestream_request_test.go).
type motoMeasure struct{ MeasureName, MeasureValue, MeasureValueType string }

// motoTimestreamRecords reads the records moto holds for db.table from
// its state dump, Timestream Write having no API to read them back.
func motoTimestreamRecords(t *testing.T, url, db, table string) []motoMeasure {
	t.Helper()
	resp, err := http.Get(url + "/moto-api/data.json")
	must(t, err)
	defer resp.Body.Close()
	var dump struct {
		Write struct {
			Tables []struct {
				DB      string        `json:"db_name"`
				Name    string        `json:"name"`
				Records []motoMeasure `json:"records"`
			} `json:"TimestreamTable"`
		} `json:"timestreamwrite"`
	}
	must(t, json.NewDecoder(resp.Body).Decode(&dump))
	for _, tb := range dump.Write.Tables {
		if tb.DB == db && tb.Name == table {
			return tb.Records
		}
	}
	t.Fatalf("moto has no table %s.%s", db, table)
	return nil
}

func TestTimestream_Do_Moto(t *testing.T) {
	url := startMoto(t)
	cl := timestreamwrite.NewFromConfig(awsConfig(url), func(o *timestreamwrite.Options) {
		o.EndpointDiscovery.EnableEndpointDiscovery = aws.EndpointDiscoveryDisabled
	})
	ctx := context.Background()
	_, err := cl.CreateDatabase(ctx, &timestreamwrite.CreateDatabaseInput{DatabaseName: aws.String("iot")})
	must(t, err)
	_, err = cl.CreateTable(ctx, &timestreamwrite.CreateTableInput{DatabaseName: aws.String("iot"), TableName: aws.String("temps")})
	must(t, err)
	const raw = `{"timestream":{"roleArn":"r","databaseName":"iot","tableName":"%s","dimensions":[{"name":"device","value":"${id}"}]}}`

	t.Run("WritesTypedMeasures", func(t *testing.T) {
		a, err := fire(t, url, fmt.Sprintf(raw, "temps"),
			`{"temp":21,"hum":40.5,"on":true,"name":"d1","tags":["a", "b"],"cfg":{"x":1},"gone":null,"big":123456789012345678901}`)
		must(t, err)
		want := []motoMeasure{
			{"big", "123456789012345678901", "DOUBLE"}, {"cfg", `{"x":1}`, "VARCHAR"}, {"hum", "40.5", "DOUBLE"},
			{"name", "d1", "VARCHAR"}, {"on", "true", "BOOLEAN"}, {"tags", `["a","b"]`, "VARCHAR"}, {"temp", "21", "BIGINT"},
		}
		if got := motoTimestreamRecords(t, url, "iot", "temps"); !reflect.DeepEqual(got, want) {
			t.Errorf("records\n got %v\nwant %v", got, want)
		}
		if a.Kind() != "TimestreamAction" || a.Resource() != "temps" {
			t.Errorf("Kind %q, Resource %q", a.Kind(), a.Resource())
		}
	})
	t.Run("ManyMeasures", func(t *testing.T) {
		before := len(motoTimestreamRecords(t, url, "iot", "temps"))
		_, err := fire(t, url, fmt.Sprintf(raw, "temps"), manyMeasures(250))
		must(t, err)
		if got := len(motoTimestreamRecords(t, url, "iot", "temps")) - before; got != 250 {
			t.Errorf("%d records written, want 250", got)
		}
	})
	t.Run("MissingTable", func(t *testing.T) {
		_, err := fire(t, url, fmt.Sprintf(raw, "nope"), `{"temp":21}`)
		wantFailure(t, err, "Failed to write records to Timestream table iot.nope. The error received was ",
			"ResourceNotFoundException", "Message arrived on: dev/d1, Action: timestream")
	})
}

// manyMeasures is a JSON object of n integer attributes m000, m001...
func manyMeasures(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"m%03d":%d`, i, i)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestTimestream_Validate(t *testing.T) {
	body := func(dims, ts string) string {
		return `{"timestream":{"roleArn":"r","databaseName":"d","tableName":"t","dimensions":` + dims + ts + `}}`
	}
	one := `[{"name":"device","value":"${id}"}]`
	named := func(name string) string { return `[{"name":"a","value":"1"},{"name":"` + name + `","value":"x"}]` }
	var lots []string
	for i := 0; i < 129; i++ {
		lots = append(lots, fmt.Sprintf(`{"name":"d%d","value":"v"}`, i))
	}
	cases := []struct{ raw, want string }{
		{`{"timestream":{"databaseName":"d","tableName":"t","dimensions":` + one + `}}`, "Value null at 'timestream.roleArn'"},
		{`{"timestream":{"roleArn":"r","tableName":"t","dimensions":` + one + `}}`, "Value null at 'timestream.databaseName'"},
		{`{"timestream":{"roleArn":"r","databaseName":"d","dimensions":` + one + `}}`, "Value null at 'timestream.tableName'"},
		{`{"timestream":{"roleArn":"r","databaseName":"d","tableName":"t"}}`, "Value null at 'timestream.dimensions'"},
		{body(`[]`, ""), "'timestream.dimensions' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{body("["+strings.Join(lots, ",")+"]", ""), "'timestream.dimensions' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{body(`[{"value":"x"}]`, ""), "Value null at 'timestream.dimensions.1.member.name'"},
		{body(`[{"name":"x"}]`, ""), "Value null at 'timestream.dimensions.1.member.value'"},
		{body(named("measure_name"), ""), "'timestream.dimensions.2.member.name' failed to satisfy constraint: Dimension name measure_name is reserved"},
		{body(named("measure_value"), ""), "'timestream.dimensions.2.member.name' failed to satisfy constraint: Dimension name measure_value is reserved"},
		{body(named("time"), ""), "'timestream.dimensions.2.member.name' failed to satisfy constraint: Dimension name time is reserved"},
		{body(named("ts_x"), ""), "'timestream.dimensions.2.member.name' failed to satisfy constraint: Dimension name ts_x must not start with ts_ or measure_value"},
		{body(named("measure_value::double"), ""), "'timestream.dimensions.2.member.name' failed to satisfy constraint: Dimension name measure_value::double must not start"},
		{body(named("a:b"), ""), "'timestream.dimensions.2.member.name' failed to satisfy constraint: Dimension name a:b must not contain ':'"},
		{body(one, `,"timestamp":{"value":"${ts}","unit":"HOURS"}`), "'timestream.timestamp.unit' failed to satisfy constraint: Member must satisfy enum value set: [SECONDS, MILLISECONDS, MICROSECONDS, NANOSECONDS]"},
		{body(one, `,"timestamp":{"value":"${ts}","unit":"${u}"}`), "'timestream.timestamp.unit' failed to satisfy constraint: Member must satisfy enum value set"},
		{body(one, `,"timestamp":{"value":"${ts}"}`), "Value null at 'timestream.timestamp.unit'"},
		{body(one, `,"timestamp":{"unit":"SECONDS"}`), "Value null at 'timestream.timestamp.value'"},
	}
	for _, c := range cases {
		err := action.Validate(json.RawMessage(c.raw))
		if !iot.IsCode(err, iot.InvalidRequestException) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%.200s:\n got %v\nwant InvalidRequestException containing %q", c.raw, err, c.want)
		}
	}
	for _, unit := range []string{"SECONDS", "MILLISECONDS", "MICROSECONDS", "NANOSECONDS"} {
		raw := body(one, `,"timestamp":{"value":"${timestamp()}","unit":"`+unit+`"}`)
		if err := action.Validate(json.RawMessage(raw)); err != nil {
			t.Errorf("unit %s: %v", unit, err)
		}
	}
}
