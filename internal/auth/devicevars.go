package auth

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hob-iot/hob/internal/iot"
)

// Policy variables and condition keys that hob resolves for devices
// (spec §2.4, §2.5).
const (
	varClientID          = "iot:ClientId"
	varSourceIP          = "aws:SourceIp"
	varLastWillTopic     = "iot:LastWillTopic"
	keyConnectAttributes = "iot:ConnectAttributes"
	varThingName         = "iot:Connection.Thing.ThingName"
	varThingTypeName     = "iot:Connection.Thing.ThingTypeName"
	varThingIsAttached   = "iot:Connection.Thing.IsAttached"
	varThingAttrPrefix   = "iot:Connection.Thing.Attributes["
	varCertSerial        = "iot:Certificate.SerialNumber"
	keyCertAvailable     = "iot:Certificate.AvailableKeys"
)

// Values of iot:ConnectAttributes.
const (
	attrPersistentConnect = "PersistentConnect"
	attrLastWill          = "LastWill"
)

// maxCertValues is how many values of one certificate attribute become
// variables (AWS truncates the arrays to five, spec §2.4).
const maxCertValues = 5

// nameAttributes are the distinguished-name attributes that AWS IoT makes
// policy variables of, under iot:Certificate.Subject.* and
// iot:Certificate.Issuer.* (spec §2.4).
var nameAttributes = []struct {
	oid  asn1.ObjectIdentifier
	name string
}{
	{asn1.ObjectIdentifier{2, 5, 4, 3}, "CommonName"},
	{asn1.ObjectIdentifier{2, 5, 4, 4}, "Surname"},
	{asn1.ObjectIdentifier{2, 5, 4, 5}, "SerialNumber"},
	{asn1.ObjectIdentifier{2, 5, 4, 6}, "Country"},
	{asn1.ObjectIdentifier{2, 5, 4, 8}, "State"},
	{asn1.ObjectIdentifier{2, 5, 4, 10}, "Organization"},
	{asn1.ObjectIdentifier{2, 5, 4, 11}, "OrganizationalUnit"},
	{asn1.ObjectIdentifier{2, 5, 4, 12}, "Title"},
	{asn1.ObjectIdentifier{2, 5, 4, 42}, "GivenName"},
	{asn1.ObjectIdentifier{2, 5, 4, 43}, "Initials"},
	{asn1.ObjectIdentifier{2, 5, 4, 44}, "GenerationQualifier"},
	{asn1.ObjectIdentifier{2, 5, 4, 46}, "DistinguishedNameQualifier"},
	{asn1.ObjectIdentifier{2, 5, 4, 65}, "Pseudonym"},
}

// connFacts are the variables and condition keys of one connection that
// the registry does not change: client, address, will and certificate.
// Immutable once built.
type connFacts struct {
	clientID string
	certID   string
	vars     map[string]string
	ctx      map[string][]string

	// The iot:Certificate.* variables and keys, built from leaf on first
	// use: most policies never name them, and a connection would otherwise
	// keep about a kilobyte of them.
	leaf     *x509.Certificate
	certOnce sync.Once
	certVars map[string]string
	certCtx  map[string][]string
}

// usesCertificateVars reports whether any of the policies names an
// iot:Certificate.* variable or condition key (matched without regard to
// case, as condition keys are).
func usesCertificateVars(pols []PolicyDocument) bool {
	for _, p := range pols {
		if strings.Contains(strings.ToLower(p.Document), "iot:certificate.") {
			return true
		}
	}
	return false
}

// certificateFacts returns the iot:Certificate.* variables and condition
// keys of the connection's certificate, building them once; both are nil
// without a certificate. They must not be modified.
func (f *connFacts) certificateFacts() (map[string]string, map[string][]string) {
	f.certOnce.Do(func() {
		if f.leaf == nil {
			return
		}
		c := &connFacts{vars: map[string]string{}, ctx: map[string][]string{}}
		c.addCertificate(f.leaf)
		f.certVars, f.certCtx = c.vars, c.ctx
	})
	return f.certVars, f.certCtx
}

// withCertificate returns a copy of f's variables and condition keys with
// the certificate's merged in, for callers that evaluate once.
func (f *connFacts) withCertificate() (map[string]string, map[string][]string) {
	vars, ctx := maps.Clone(f.vars), maps.Clone(f.ctx)
	cv, cc := f.certificateFacts()
	maps.Copy(vars, cv)
	maps.Copy(ctx, cc)
	return vars, ctx
}

// newConnFacts gathers req's facts; leaf may be nil (no certificate).
func newConnFacts(req ConnRequest, leaf *x509.Certificate, account iot.Account) *connFacts {
	f := &connFacts{clientID: req.ClientID, vars: map[string]string{}, ctx: map[string][]string{}}
	if req.ClientID != "" {
		f.set(varClientID, req.ClientID)
	}
	if req.SourceIP.IsValid() {
		f.set(varSourceIP, req.SourceIP.Unmap().String())
	}
	attrs := []string{}
	if !req.CleanStart {
		attrs = append(attrs, attrPersistentConnect)
	}
	if req.HasWill {
		attrs = append(attrs, attrLastWill)
		f.set(varLastWillTopic, account.ARN(iot.TypeTopic, req.WillTopic))
	}
	f.ctx[keyConnectAttributes] = attrs
	f.leaf = leaf
	return f
}

// set gives a single-valued variable that policies also use as a
// condition key: in Context too, so conditions find it without allocating.
func (f *connFacts) set(name, v string) {
	f.vars[name] = v
	f.ctx[name] = []string{v}
}

// addCertificate adds the iot:Certificate.* variables of c (spec §2.4).
func (f *connFacts) addCertificate(c *x509.Certificate) {
	f.addNameVars("iot:Certificate.Subject", c.Subject)
	f.addNameVars("iot:Certificate.Issuer", c.Issuer)
	san := "iot:Certificate.Subject.AlternativeName."
	f.addValues(san+"DNSName", c.DNSNames)
	f.addValues(san+"RFC822Name", c.EmailAddresses)
	uris := make([]string, len(c.URIs))
	for i, u := range c.URIs {
		uris[i] = u.String()
	}
	f.addValues(san+"UniformResourceIdentifier", uris)
	ips := make([]string, len(c.IPAddresses))
	for i, ip := range c.IPAddresses {
		ips[i] = ip.String()
	}
	f.addValues(san+"IPAddress", ips)
	if c.SerialNumber != nil {
		f.vars[varCertSerial] = c.SerialNumber.String()
	}
	var avail []string
	for k := range f.vars {
		if strings.HasPrefix(k, "iot:Certificate.") && !isIndexed(k) {
			avail = append(avail, k)
		}
	}
	slices.Sort(avail)
	f.ctx[keyCertAvailable] = avail
}

// addNameVars adds prefix.Attribute variables for each attribute of n.
func (f *connFacts) addNameVars(prefix string, n pkix.Name) {
	for _, a := range nameAttributes {
		var vals []string
		for _, tv := range n.Names {
			if s, ok := tv.Value.(string); ok && tv.Type.Equal(a.oid) {
				vals = append(vals, s)
			}
		}
		f.addValues(prefix+"."+a.name, vals)
	}
}

// addValues adds variable name (the first value), name.N (value N,
// counting from 0) and condition key name.List (all values), for at most
// maxCertValues values. A value holding one of `* $ + ? #` makes no
// variable and stays unresolved, as AWS does; it is still in the List.
func (f *connFacts) addValues(name string, vals []string) {
	if len(vals) == 0 {
		return
	}
	vals = vals[:min(len(vals), maxCertValues)]
	f.ctx[name+".List"] = vals
	for i, v := range vals {
		if strings.ContainsAny(v, "*$+?#") {
			continue
		}
		if i == 0 {
			f.vars[name] = v
		}
		f.vars[name+"."+strconv.Itoa(i)] = v
	}
}

// isIndexed reports whether variable k ends in .N.
func isIndexed(k string) bool {
	i := strings.LastIndexByte(k, '.')
	_, err := strconv.Atoi(k[i+1:])
	return err == nil
}

// thingVars adds the iot:Connection.Thing.* variables to vars: those of th
// when attached, and IsAttached either way, also as a condition key in ctx
// when ctx is not nil (spec §2.4, §2.5).
func thingVars(vars map[string]string, ctx map[string][]string, th DeviceThing, attached bool) {
	vars[varThingIsAttached] = strconv.FormatBool(attached)
	if ctx != nil {
		ctx[varThingIsAttached] = []string{vars[varThingIsAttached]}
	}
	if !attached {
		return
	}
	vars[varThingName] = th.Name
	if th.TypeName != "" {
		vars[varThingTypeName] = th.TypeName
	}
	for k, v := range th.Attributes {
		vars[varThingAttrPrefix+k+"]"] = v
	}
}
