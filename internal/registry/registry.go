// Package registry is hob's control-plane domain: things and thing types,
// certificates, policies and their versions, the attachments between them,
// and tags — AWS IoT's registry (spec §3.1–§3.4), kept in the store.
//
// Every exported method is one API operation and runs in one store
// transaction, so a failed request changes nothing. Failures the caller
// caused are *iot.Error values in AWS's shapes; the api package only
// translates them.
//
// Requests that can change what a connected device may do (attaching and
// detaching policies and things, a policy's default version, a
// certificate's status, a thing's attributes, deletions) report a Change to
// Options.OnChange once their transaction has committed; changes.go lists
// them. app uses it to refresh the broker's cached authorization.
package registry

import (
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/rules/sql"
	"github.com/hob-iot/hob/internal/store"
)

// Registry implements the registry operations over a store.
type Registry struct {
	st       store.Store
	account  iot.Account
	issuer   CertIssuer
	now      func() time.Time
	onChange func(Change)
	checkSQL func(*sql.Statement) error
}

// Options configure a Registry. Zero values get defaults.
type Options struct {
	Now func() time.Time // clock; time.Now by default
	// OnChange, when set, is called once for each Change of a request,
	// after its transaction has committed and before the request returns;
	// never for a request that failed or changed nothing. It runs on the
	// requesting goroutine, so it must not block for long, and it must not
	// call the registry's write methods (reading is fine).
	OnChange func(Change)
	// CheckSQL, when set, checks a topic rule's parsed SQL beyond the
	// grammar (the rules engine compiles it: unknown functions, wrong
	// argument counts), so that CreateTopicRule refuses what the engine
	// could not run; its *sql.ParseError becomes SqlParseException.
	CheckSQL func(*sql.Statement) error
}

// New returns a Registry that keeps its state in st, names resources in
// account's ARNs and issues device certificates with issuer.
func New(st store.Store, account iot.Account, issuer CertIssuer, opts Options) *Registry {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Registry{st: st, account: account, issuer: issuer, now: now, onChange: opts.OnChange, checkSQL: opts.CheckSQL}
}

// Tables of the registry in the store. Attachment tables hold both
// directions of each relation, written in the same transaction, keyed
// "a\x00b" so one side's entries are one prefix scan.
const (
	tableThings          = "registry.things"
	tableThingTypes      = "registry.thingtypes"
	tableCertificates    = "registry.certificates"
	tablePolicies        = "registry.policies"
	tablePolicyVersions  = "registry.policyversions"  // policy \x00 version (zero-padded)
	tableThingPrincipals = "registry.thingprincipals" // thing \x00 principal
	tablePrincipalThings = "registry.principalthings" // principal \x00 thing
	tablePolicyTargets   = "registry.policytargets"   // policy \x00 target
	tableTargetPolicies  = "registry.targetpolicies"  // target \x00 policy
	tableTags            = "registry.tags"            // resource ARN
)

// pairKey joins the two sides of an attachment into one key.
func pairKey(a, b string) string { return a + "\x00" + b }

// pairPrefix is the prefix of every pairKey whose first side is a.
func pairPrefix(a string) string { return a + "\x00" }
