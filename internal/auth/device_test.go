package auth_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"testing"

	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/policy"
	"github.com/hob-iot/hob/internal/registry"
)

// Short names for the expected outcomes.
const (
	allow = policy.Allowed
	deny  = policy.ExplicitDeny
	none  = policy.ImplicitDeny
)

// check is one Authorize call and its expected outcome.
type check struct {
	action, resource string
	want             policy.Reason
}

func pub(topic string, want policy.Reason) check {
	return check{policy.ActionPublish, arn("topic", topic), want}
}

func conn(client string, want policy.Reason) check {
	return check{policy.ActionConnect, arn("client", client), want}
}

// thingSetup makes things for a case; c is the connecting certificate.
type thingSetup func(f *devFixture, c deviceCert)

func attachedThing(name, typ string, attrs map[string]string) thingSetup {
	return func(f *devFixture, c deviceCert) { f.thing(c, name, typ, attrs) }
}

func unattachedThing(name string) thingSetup {
	return func(f *devFixture, _ deviceCert) { f.thing(deviceCert{}, name, "", nil) }
}

// richSubject is a certificate with several values per attribute and
// alternative names, for the iot:Certificate.* variables.
func richSubject() *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(4660),
		Subject: pkix.Name{CommonName: "bulb-7", Organization: []string{"Acme", "Acme Lights"},
			OrganizationalUnit: []string{"lamps", "garden", "plus+sign"}, Country: []string{"NL"},
			ExtraNames: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{2, 5, 4, 12}, Value: "RGB"}}},
		DNSNames:    []string{"bulb-7.example.com"},
		IPAddresses: []net.IP{net.ParseIP("192.0.2.7")},
	}
}

type authorizeCase struct {
	name    string
	subject *x509.Certificate // nil: CN=device
	docs    []string          // attached in order as p0, p1, ...
	things  thingSetup
	conn    auth.ConnRequest
	checks  []check
}

var authorizeCases = []authorizeCase{
	{name: "literal topic", docs: []string{doc(stmt("Allow", "iot:Publish", arn("topic", "a/b"), ""))},
		checks: []check{pub("a/b", allow), pub("a/c", none), pub("a/b/c", none),
			{policy.ActionSubscribe, arn("topicfilter", "a/b"), none}}},
	{name: "star crosses slash", docs: []string{doc(stmt("Allow", "iot:Publish", arn("topic", "a/*"), ""))},
		checks: []check{pub("a/b/c/d", allow), pub("a/", allow), pub("b/a", none)}},
	{name: "star crosses colon", docs: []string{doc(stmt("Allow", "iot:Publish", "arn:aws:iot:*/x", ""))},
		checks: []check{pub("x", allow), pub("y/x", allow), pub("x/y", none)}},
	{name: "MQTT wildcards are literal", docs: []string{doc(stmt("Allow", "iot:Subscribe", arn("topicfilter", "s/+/t"), ""))},
		checks: []check{{policy.ActionSubscribe, arn("topicfilter", "s/+/t"), allow},
			{policy.ActionSubscribe, arn("topicfilter", "s/x/t"), none}}},
	{name: "explicit deny wins across policies", docs: []string{
		doc(stmt("Allow", "iot:*", "*", "")),
		doc(stmt("Deny", "iot:Publish", arn("topic", "admin/*"), ""))},
		checks: []check{pub("admin/x", deny), pub("user/x", allow), {policy.ActionReceive, arn("topic", "admin/x"), allow}}},
	{name: "client id", docs: []string{doc(stmt("Allow", "iot:Connect", arn("client", "${iot:ClientId}"), ""))},
		conn: auth.ConnRequest{ClientID: "c-1"}, checks: []check{conn("c-1", allow), conn("c-2", none)}},
	{name: "thing name when attached", things: attachedThing("lamp1", "", nil),
		docs:   []string{doc(stmt("Allow", "iot:Publish", arn("topic", "things/${iot:Connection.Thing.ThingName}/*"), ""))},
		conn:   auth.ConnRequest{ClientID: "lamp1"},
		checks: []check{pub("things/lamp1/state", allow), pub("things/lamp2/state", none)}},
	{name: "thing named like client but not attached", things: unattachedThing("lamp1"),
		docs:   []string{doc(stmt("Allow", "iot:Publish", arn("topic", "things/${iot:Connection.Thing.ThingName}/*"), ""))},
		conn:   auth.ConnRequest{ClientID: "lamp1"},
		checks: []check{pub("things/lamp1/state", none), pub("things/${iot:Connection.Thing.ThingName}/state", allow)}},
	{name: "attached thing of another name", things: attachedThing("lamp2", "", nil),
		docs:   []string{doc(stmt("Allow", "iot:Publish", arn("topic", "things/${iot:Connection.Thing.ThingName}/*"), ""))},
		conn:   auth.ConnRequest{ClientID: "lamp1"},
		checks: []check{pub("things/lamp1/x", none), pub("things/lamp2/x", none)}},
	{name: "is attached condition", things: attachedThing("lamp1", "", nil),
		docs: []string{doc(stmt("Allow", "iot:Connect", arn("client", "${iot:Connection.Thing.ThingName}"),
			`{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}`))},
		conn: auth.ConnRequest{ClientID: "lamp1"}, checks: []check{conn("lamp1", allow), conn("lamp2", none)}},
	{name: "is attached false", docs: []string{doc(stmt("Allow", "iot:Connect", "*",
		`{"Bool":{"iot:Connection.Thing.IsAttached":"false"}}`))},
		conn: auth.ConnRequest{ClientID: "lamp1"}, checks: []check{conn("lamp1", allow)}},
	{name: "thing type and attributes", things: attachedThing("lamp1", "bulb", map[string]string{"room": "r7"}),
		docs: []string{doc(
			stmt("Allow", "iot:Publish", arn("topic", "${iot:Connection.Thing.ThingTypeName}/${iot:Connection.Thing.Attributes[room]}"), ""),
			stmt("Allow", "iot:Receive", arn("topic", "${iot:Connection.Thing.Attributes[floor]}"), ""))},
		conn: auth.ConnRequest{ClientID: "lamp1"},
		checks: []check{pub("bulb/r7", allow), pub("bulb/r8", none),
			{policy.ActionReceive, arn("topic", "${iot:Connection.Thing.Attributes[floor]}"), allow}}},
	{name: "certificate subject and issuer", subject: richSubject(), docs: []string{doc(
		stmt("Allow", "iot:Publish", arn("topic", "cn/${iot:Certificate.Subject.CommonName}"), ""),
		stmt("Allow", "iot:Publish", arn("topic", "org/${iot:Certificate.Subject.Organization.1}"), ""),
		stmt("Allow", "iot:Publish", arn("topic", "issuer/${iot:Certificate.Issuer.Country}/${iot:Certificate.Issuer.Title}"), ""),
		stmt("Allow", "iot:Publish", arn("topic", "ou/${iot:Certificate.Subject.OrganizationalUnit.2}"), ""),
		stmt("Allow", "iot:Publish", arn("topic", "san/${iot:Certificate.Subject.AlternativeName.DNSName}"), ""),
		stmt("Allow", "iot:Publish", arn("topic", "serial/${iot:Certificate.SerialNumber}"), ""))},
		checks: []check{pub("cn/bulb-7", allow), pub("org/Acme Lights", allow), pub("org/Acme", none),
			pub("issuer/NL/RGB", allow), pub("ou/plus+sign", none),
			pub("ou/${iot:Certificate.Subject.OrganizationalUnit.2}", allow),
			pub("san/bulb-7.example.com", allow), pub("serial/4660", allow)}},
	{name: "certificate list condition", subject: richSubject(), docs: []string{doc(
		stmt("Allow", "iot:Publish", arn("topic", "any"), `{"ForAnyValue:StringEquals":{"iot:Certificate.Subject.OrganizationalUnit.List":["garden"]}}`),
		stmt("Allow", "iot:Publish", arn("topic", "all"), `{"ForAllValues:StringEquals":{"iot:Certificate.Subject.OrganizationalUnit.List":["lamps","garden"]}}`))},
		checks: []check{pub("any", allow), pub("all", none)}},
	{name: "clean connect without will", docs: []string{connectAttrsDoc}, conn: auth.ConnRequest{ClientID: "c", CleanStart: true},
		checks: []check{conn("persistent-only", allow), conn("with-will", none)}},
	{name: "persistent connect", docs: []string{connectAttrsDoc}, conn: auth.ConnRequest{ClientID: "c"},
		checks: []check{conn("persistent-only", allow), conn("with-will", none)}},
	{name: "connect with will", docs: []string{connectAttrsDoc},
		conn:   auth.ConnRequest{ClientID: "c", CleanStart: true, HasWill: true, WillTopic: "wills/c"},
		checks: []check{conn("persistent-only", none), conn("with-will", allow), conn("will-topic", allow)}},
	{name: "will on another topic", docs: []string{connectAttrsDoc},
		conn:   auth.ConnRequest{ClientID: "c", CleanStart: true, HasWill: true, WillTopic: "elsewhere"},
		checks: []check{conn("with-will", allow), conn("will-topic", none)}},
	{name: "source ip", docs: []string{doc(stmt("Allow", "iot:Connect", "*", `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`))},
		conn: auth.ConnRequest{ClientID: "c", SourceIP: netip.MustParseAddr("10.1.2.3")}, checks: []check{conn("c", allow)}},
	{name: "source ip outside", docs: []string{doc(stmt("Allow", "iot:Connect", "*", `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`))},
		conn: auth.ConnRequest{ClientID: "c", SourceIP: netip.MustParseAddr("192.0.2.1")}, checks: []check{conn("c", none)}},
	{name: "2008 documents have no variables",
		docs: []string{`{"Version":"2008-10-17","Statement":[` + stmt("Allow", "iot:Connect", arn("client", "${iot:ClientId}"), "") + `]}`},
		conn: auth.ConnRequest{ClientID: "c"}, checks: []check{conn("c", none), conn("${iot:ClientId}", allow)}},
	{name: "no policies", conn: auth.ConnRequest{ClientID: "c"}, checks: []check{conn("c", none)}},
}

// connectAttrsDoc allows client/persistent-only without a will,
// client/with-will with one, and client/will-topic for the will topic
// wills/{client id}.
var connectAttrsDoc = doc(
	stmt("Allow", "iot:Connect", arn("client", "persistent-only"),
		`{"ForAllValues:StringEquals":{"iot:ConnectAttributes":["PersistentConnect"]}}`),
	stmt("Allow", "iot:Connect", arn("client", "with-will"),
		`{"ForAnyValue:StringEquals":{"iot:ConnectAttributes":["LastWill"]}}`),
	stmt("Allow", "iot:Connect", arn("client", "will-topic"),
		`{"StringEquals":{"iot:LastWillTopic":"`+arn("topic", "wills/${iot:ClientId}")+`"}}`))

func TestDevices_Authorize_Policies(t *testing.T) {
	for _, tc := range authorizeCases {
		t.Run(tc.name, func(t *testing.T) {
			f := newDevFixture(t)
			c := f.cert(registry.StatusActive, tc.subject)
			for i, d := range tc.docs {
				f.policy(c, fmt.Sprintf("p%d", i), d)
			}
			if tc.things != nil {
				tc.things(f, c)
			}
			d := f.connect(c, tc.conn)
			for _, ck := range tc.checks {
				if got := d.Authorize(ck.action, ck.resource); got.Reason != ck.want || got.Allowed != (ck.want == allow) {
					t.Errorf("Authorize(%s, %s) = %v (%+v), want %v", ck.action, ck.resource, got.Reason, got, ck.want)
				}
			}
		})
	}
}

// TestDevices_Authorize_DecisionNamesStatement: the Decision points at the
// policy and statement that decided, as PolicyNames orders them.
func TestDevices_Authorize_DecisionNamesStatement(t *testing.T) {
	f := newDevFixture(t)
	c := f.cert(registry.StatusActive, nil)
	f.policy(c, "a-allow", doc(stmt("Allow", "iot:Publish", "*", "")))
	f.policy(c, "b-deny", doc(stmt("Allow", "iot:Receive", "*", ""), `{"Sid":"noadmin","Effect":"Deny","Action":"iot:Publish","Resource":"`+arn("topic", "admin")+`"}`))
	d := f.connect(c, auth.ConnRequest{ClientID: "c"})
	got := d.Authorize(policy.ActionPublish, arn("topic", "admin"))
	names := d.PolicyNames()
	if got.Reason != deny || got.Policy != 1 || got.Statement != 1 || got.Sid != "noadmin" || names[got.Policy] != "b-deny" {
		t.Fatalf("decision %+v with policies %v, want statement 1 (noadmin) of b-deny", got, names)
	}
	if got := d.Authorize(policy.ActionPublish, arn("topic", "x")); got.Policy != 0 || names[got.Policy] != "a-allow" {
		t.Fatalf("decision %+v, want policy 0 (a-allow)", got)
	}
}

func TestDevices_DevDevice(t *testing.T) {
	d := auth.DevDevice(nil, auth.ConnRequest{ClientID: "c1"}, acct)
	if d.ID() != "dev" || d.ClientID() != "c1" || !d.Authorize(policy.ActionConnect, arn("client", "anything")).Allowed ||
		!d.Authorize(policy.ActionPublish, arn("topic", "a/b")).Allowed {
		t.Fatalf("the default dev device must allow everything")
	}
	own := auth.DevDevice(policy.MustParse(doc(
		stmt("Allow", "iot:Publish", arn("topic", "${iot:ClientId}/*"), ""),
		stmt("Allow", "iot:Connect", "*", `{"ForAnyValue:StringEquals":{"iot:ConnectAttributes":["LastWill"]}}`))),
		auth.ConnRequest{ClientID: "c1", CleanStart: true}, acct)
	if !own.Authorize(policy.ActionPublish, arn("topic", "c1/x")).Allowed || own.Authorize(policy.ActionPublish, arn("topic", "c2/x")).Allowed {
		t.Fatalf("the dev device must apply the policy it was given, with its client id")
	}
	if own.Authorize(policy.ActionConnect, arn("client", "c1")).Allowed {
		t.Fatalf("a clean connect without will has no LastWill connect attribute")
	}
}
