package policy

import "testing"

func TestCondition_Holds(t *testing.T) {
	tests := []struct {
		name string
		cond string
		ctx  map[string][]string
		want bool
	}{
		{"StringEquals match", `{"StringEquals":{"iot:ClientId":["a","b"]}}`, ctx("iot:ClientId", "b"), true},
		{"StringEquals case", `{"StringEquals":{"iot:ClientId":"a"}}`, ctx("iot:ClientId", "A"), false},
		{"StringEquals missing key", `{"StringEquals":{"iot:ClientId":"a"}}`, nil, false},
		{"key name case-insensitive", `{"StringEquals":{"IOT:CLIENTID":"a"}}`, ctx("iot:ClientId", "a"), true},
		{"StringNotEquals other", `{"StringNotEquals":{"iot:ClientId":["a","b"]}}`, ctx("iot:ClientId", "c"), true},
		{"StringNotEquals same", `{"StringNotEquals":{"iot:ClientId":["a","b"]}}`, ctx("iot:ClientId", "a"), false},
		{"StringNotEquals missing key", `{"StringNotEquals":{"iot:ClientId":"a"}}`, nil, true},
		{"IgnoreCase", `{"StringEqualsIgnoreCase":{"iot:ClientId":"ABC"}}`, ctx("iot:ClientId", "abc"), true},
		{"NotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"iot:ClientId":"ABC"}}`, ctx("iot:ClientId", "abc"), false},
		{"StringLike", `{"StringLike":{"iot:ClientId":"dev-*"}}`, ctx("iot:ClientId", "dev-17"), true},
		{"StringLike no", `{"StringLike":{"iot:ClientId":"dev-?"}}`, ctx("iot:ClientId", "dev-17"), false},
		{"StringNotLike", `{"StringNotLike":{"iot:ClientId":"dev-*"}}`, ctx("iot:ClientId", "prod-1"), true},
		{"StringEquals star literal", `{"StringEquals":{"iot:ClientId":"dev-*"}}`, ctx("iot:ClientId", "dev-1"), false},
		{"StringEquals with variable", `{"StringEquals":{"iot:ClientId":"${iot:Connection.Thing.ThingName}"}}`,
			ctx("iot:ClientId", "t1", "iot:Connection.Thing.ThingName", "t1"), true},
		{"IfExists missing", `{"StringEqualsIfExists":{"iot:LastWillTopic":"x"}}`, nil, true},
		{"IfExists present", `{"StringEqualsIfExists":{"iot:LastWillTopic":"x"}}`, ctx("iot:LastWillTopic", "y"), false},
		{"Bool true", `{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}`, ctx("iot:Connection.Thing.IsAttached", "true"), true},
		{"Bool JSON true", `{"Bool":{"iot:Connection.Thing.IsAttached":true}}`, ctx("iot:Connection.Thing.IsAttached", "TRUE"), true},
		{"Bool false", `{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}`, ctx("iot:Connection.Thing.IsAttached", "false"), false},
		{"Bool missing", `{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}`, nil, false},
		{"Bool junk value", `{"Bool":{"k":"true"}}`, ctx("k", "yes"), false},
		{"Null true absent", `{"Null":{"iot:LastWillTopic":"true"}}`, nil, true},
		{"Null true present", `{"Null":{"iot:LastWillTopic":"true"}}`, ctx("iot:LastWillTopic", "x"), false},
		{"Null false present", `{"Null":{"iot:LastWillTopic":"false"}}`, ctx("iot:LastWillTopic", "x"), true},
		{"Null true empty set", `{"Null":{"iot:ConnectAttributes":"true"}}`, map[string][]string{"iot:ConnectAttributes": {}}, true},
		{"IpAddress v4", `{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`, ctx("aws:SourceIp", "192.0.2.9"), true},
		{"IpAddress v4 outside", `{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`, ctx("aws:SourceIp", "192.0.3.9"), false},
		{"IpAddress single", `{"IpAddress":{"aws:SourceIp":"192.0.2.7"}}`, ctx("aws:SourceIp", "192.0.2.7"), true},
		{"IpAddress mapped request", `{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`, ctx("aws:SourceIp", "::ffff:192.0.2.9"), true},
		{"IpAddress v6", `{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, ctx("aws:SourceIp", "2001:db8::1"), true},
		{"IpAddress junk request", `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`, ctx("aws:SourceIp", "nope"), false},
		{"NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, ctx("aws:SourceIp", "192.0.2.1"), true},
		{"NotIpAddress inside", `{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, ctx("aws:SourceIp", "10.1.2.3"), false},
		{"NumericLessThan", `{"NumericLessThan":{"k":"10"}}`, ctx("k", "9.5"), true},
		{"NumericLessThan equal", `{"NumericLessThan":{"k":"10"}}`, ctx("k", "10"), false},
		{"NumericLessThanEquals", `{"NumericLessThanEquals":{"k":10}}`, ctx("k", "10"), true},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"k":"10"}}`, ctx("k", "11"), true},
		{"NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"k":"10"}}`, ctx("k", "9"), false},
		{"NumericEquals", `{"NumericEquals":{"k":"1e1"}}`, ctx("k", "10"), true},
		{"NumericNotEquals", `{"NumericNotEquals":{"k":"10"}}`, ctx("k", "10"), false},
		{"Numeric junk request", `{"NumericLessThan":{"k":"10"}}`, ctx("k", "x"), false},
		{"Numeric variable", `{"NumericLessThan":{"k":"${lim}"}}`, ctx("k", "3", "lim", "4"), true},
		{"Numeric variable unresolved", `{"NumericLessThan":{"k":"${lim}"}}`, ctx("k", "3"), false},
		{"DateLessThan", `{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}`, ctx("aws:CurrentTime", "2029-12-31T23:59:59Z"), true},
		{"DateGreaterThan epoch", `{"DateGreaterThan":{"aws:CurrentTime":"1700000000"}}`, ctx("aws:CurrentTime", "2024-01-01"), true},
		{"DateEquals", `{"DateEquals":{"k":"2024-01-01T00:00:00Z"}}`, ctx("k", "2024-01-01T01:00:00+01:00"), true},
		{"ArnLike", `{"ArnLike":{"k":"arn:aws:iot:*:123456789012:thing/*"}}`, ctx("k", arnPrefix+"thing/t1"), true},
		{"ArnLike star stays in component", `{"ArnLike":{"k":"arn:aws:iot:*:123456789012:thing/*"}}`, ctx("k", "arn:aws:iot:us-east-1:999:123456789012:thing/t1"), false},
		{"ArnEquals", `{"ArnEquals":{"k":"arn:aws:iot:us-east-1:123456789012:thing/t1"}}`, ctx("k", arnPrefix+"thing/t1"), true},
		{"ArnNotLike", `{"ArnNotLike":{"k":"arn:aws:iot:*:*:thing/*"}}`, ctx("k", arnPrefix+"topic/x"), true},
		{"ArnLike not an ARN", `{"ArnLike":{"k":"arn:aws:iot:*:*:thing/*"}}`, ctx("k", "thing/t1"), false},
		{"BinaryEquals", `{"BinaryEquals":{"k":"QmluYXJ5"}}`, ctx("k", "QmluYXJ5"), true},
		// spec §2.5: a clean connect presents an empty ConnectAttributes set.
		{"ForAllValues empty set", `{"ForAllValues:StringEquals":{"iot:ConnectAttributes":["PersistentConnect"]}}`,
			map[string][]string{"iot:ConnectAttributes": {}}, true},
		{"ForAllValues missing", `{"ForAllValues:StringEquals":{"iot:ConnectAttributes":["PersistentConnect"]}}`, nil, true},
		{"ForAllValues all in", `{"ForAllValues:StringEquals":{"iot:ConnectAttributes":["PersistentConnect","LastWill"]}}`,
			ctx("iot:ConnectAttributes", "LastWill", "iot:ConnectAttributes", "PersistentConnect"), true},
		{"ForAllValues one out", `{"ForAllValues:StringEquals":{"iot:ConnectAttributes":["PersistentConnect"]}}`,
			ctx("iot:ConnectAttributes", "LastWill", "iot:ConnectAttributes", "PersistentConnect"), false},
		{"ForAnyValue one in", `{"ForAnyValue:StringEquals":{"iot:ConnectAttributes":"LastWill"}}`,
			ctx("iot:ConnectAttributes", "PersistentConnect", "iot:ConnectAttributes", "LastWill"), true},
		{"ForAnyValue none", `{"ForAnyValue:StringEquals":{"iot:ConnectAttributes":"LastWill"}}`,
			ctx("iot:ConnectAttributes", "PersistentConnect"), false},
		{"ForAnyValue empty set", `{"ForAnyValue:StringEquals":{"iot:ConnectAttributes":"LastWill"}}`,
			map[string][]string{"iot:ConnectAttributes": {}}, false},
		{"ForAnyValue IfExists missing", `{"ForAnyValue:StringEqualsIfExists":{"iot:ConnectAttributes":"LastWill"}}`, nil, true},
		{"ForAllValues negated", `{"ForAllValues:StringNotEquals":{"iot:ConnectAttributes":"LastWill"}}`,
			ctx("iot:ConnectAttributes", "PersistentConnect"), true},
		{"ForAllValues negated hit", `{"ForAllValues:StringNotEquals":{"iot:ConnectAttributes":"LastWill"}}`,
			ctx("iot:ConnectAttributes", "PersistentConnect", "iot:ConnectAttributes", "LastWill"), false},
		{"ForAnyValue negated", `{"ForAnyValue:StringNotEquals":{"iot:ConnectAttributes":"LastWill"}}`,
			ctx("iot:ConnectAttributes", "PersistentConnect", "iot:ConnectAttributes", "LastWill"), true},
		{"plain multi-valued any", `{"StringEquals":{"k":"b"}}`, ctx("k", "a", "k", "b"), true},
		{"plain negated multi-valued", `{"StringNotEquals":{"k":"b"}}`, ctx("k", "a", "k", "b"), false},
		{"all operators must hold", `{"StringEquals":{"a":"1"},"StringLike":{"b":"x*"}}`, ctx("a", "1", "b", "y"), false},
		{"all keys must hold", `{"StringEquals":{"a":"1","b":"2"}}`, ctx("a", "1", "b", "2"), true},
		{"all keys must hold no", `{"StringEquals":{"a":"1","b":"2"}}`, ctx("a", "1", "b", "3"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := doc(stmt("Allow", "iot:Connect", "*", tc.cond))
			got := Evaluate([]*Document{d}, Request{Action: ActionConnect, Resource: arnPrefix + "client/c", Context: tc.ctx})
			if got.Allowed != tc.want {
				t.Fatalf("%s with %v: allowed=%v, want %v", tc.cond, tc.ctx, got.Allowed, tc.want)
			}
		})
	}
}

func TestCondition_FallsBackToVars(t *testing.T) {
	d := doc(stmt("Allow", "iot:Connect", "*", `{"StringEquals":{"iot:ClientId":"c1"}}`))
	req := Request{Action: ActionConnect, Resource: "x", Vars: func(n string) (string, bool) {
		return "c1", n == "iot:ClientId"
	}}
	if !Evaluate([]*Document{d}, req).Allowed {
		t.Fatal("condition key not taken from Vars")
	}
}
