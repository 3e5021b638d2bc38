package sigv4

import "errors"

// Kinds of verification failure. An *Error unwraps to exactly one of them.
var (
	// ErrMissing: the request carries no SigV4 authentication at all.
	ErrMissing = errors.New("sigv4: missing authentication")
	// ErrMalformed: authentication is present but cannot be parsed, or
	// leaves out something SigV4 requires (a parameter, the date, host in
	// SignedHeaders).
	ErrMalformed = errors.New("sigv4: malformed authentication")
	// ErrUnknownKey: the access key id is not known to the Credentials.
	ErrUnknownKey = errors.New("sigv4: unknown access key")
	// ErrExpired: the signing date is outside the allowed window (clock
	// skew, or past a presigned URL's X-Amz-Expires).
	ErrExpired = errors.New("sigv4: signature expired")
	// ErrMismatch: the signature differs from the one computed with the
	// key's secret.
	ErrMismatch = errors.New("sigv4: signature mismatch")
	// ErrScopeDate: the credential scope's date is not the request date.
	ErrScopeDate = errors.New("sigv4: credential scope date mismatch")
	// ErrWrongService: the credential scope names a service the caller
	// does not serve.
	ErrWrongService = errors.New("sigv4: credential scoped to the wrong service")
)

// Messages in AWS's words (spec §5.2; AWS front-end responses).
const (
	msgMissing    = "Missing Authentication Token"
	msgUnknownKey = "The security token included in the request is invalid."
	msgMismatch   = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// Error is a verification failure: its Kind (one of the Err sentinels), a
// message for the client, and the access key id when one was parsed. The
// message never contains a secret or a signature, so it is safe to log.
type Error struct {
	Kind        error
	Message     string
	AccessKeyID string
}

// Error implements error.
func (e *Error) Error() string { return e.Kind.Error() + ": " + e.Message }

// Unwrap returns the Kind, so errors.Is(err, ErrExpired) works.
func (e *Error) Unwrap() error { return e.Kind }

func fail(kind error, msg string) *Error { return &Error{Kind: kind, Message: msg} }

// withKey records the access key id on err when it is an *Error.
func withKey(err error, id string) error {
	var e *Error
	if errors.As(err, &e) && e.AccessKeyID == "" {
		e.AccessKeyID = id
	}
	return err
}
