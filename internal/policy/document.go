package policy

// Versions of the policy language that Parse accepts (IAM's two).
const (
	Version2012 = "2012-10-17" // current; policy variables are honoured
	Version2008 = "2008-10-17" // earlier; ${...} is literal text
)

// MaxDocumentChars is the longest policy document AWS IoT accepts, counted
// in characters excluding whitespace (spec §2.1, botocore model).
const MaxDocumentChars = 2048

// Effect is a statement's Effect.
type Effect string

// The two effects a statement can have.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is a parsed, validated policy document. It is immutable after
// Parse and safe for concurrent use by any number of Evaluate calls. Its
// exported fields describe it; Evaluate uses the forms compiled by Parse,
// so changing those fields changes nothing.
type Document struct {
	Version    string
	ID         string // optional top-level Id, as in IAM
	Statements []Statement
}

// Statement is one statement of a Document. Exactly one of Actions and
// NotActions is non-empty, and exactly one of Resources and NotResources.
type Statement struct {
	Sid          string
	Effect       Effect
	Actions      []string
	NotActions   []string
	Resources    []string
	NotResources []string
	Conditions   []Condition

	// Compiled forms of the lists above, in the same order.
	actions, resources []pattern
	notActions         bool // actions holds NotAction
	notResources       bool // resources holds NotResource
}

// Condition is one test of a statement's Condition block: an operator such
// as "ForAnyValue:StringLikeIfExists", a condition key such as
// "iot:ClientId", and the values any of which may match. All Conditions of
// a statement must hold for it to apply.
type Condition struct {
	Operator string
	Key      string
	Values   []string

	op     operator
	values []condValue
}
