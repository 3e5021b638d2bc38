package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/hob-iot/hob/internal/iot"
	"github.com/hob-iot/hob/internal/sigv4"
)

// DefaultAccount is the account id in principals when Options.Account is
// empty.
const DefaultAccount = "123456789012"

// KeyLookup is what an Authenticator needs from a key store: the key with
// a given id, secret included. *Keys satisfies it.
type KeyLookup interface {
	Key(accessKeyID string) (AccessKey, bool)
}

// Options configure an Authenticator.
type Options struct {
	// Account is the 12-digit account id in principals; "" means
	// DefaultAccount.
	Account string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Dev accepts any well-formed signature without checking it, even
	// from an unknown key. For local development only.
	Dev bool
	// Logger receives authentication failures (never secrets or
	// signatures); nil discards them.
	Log *slog.Logger
}

// Identity is who signed an authenticated request.
type Identity struct {
	AccessKeyID string
	// Name is the key's name, or its id when dev mode accepted a key it
	// does not know.
	Name string
	// Principal is the IAM-style ARN AWS would report:
	// arn:aws:iam::{account}:user/{name}.
	Principal string
	Admin     bool
	// Region and Service are the credential scope's.
	Region  string
	Service string
	// Dev reports that dev mode accepted the request without checking
	// its signature.
	Dev bool
}

// Authenticator checks SigV4-signed requests against the access keys. It
// is safe for concurrent use.
type Authenticator struct {
	keys    KeyLookup
	verify  *sigv4.Verifier
	account string
	log     *slog.Logger
}

// NewAuthenticator returns an Authenticator over keys.
func NewAuthenticator(keys KeyLookup, o Options) *Authenticator {
	a := &Authenticator{keys: keys, account: o.Account, log: o.Log}
	if a.account == "" {
		a.account = DefaultAccount
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.verify = sigv4.NewVerifier(sigv4.Options{Credentials: secrets{keys}, Now: o.Now, Dev: o.Dev})
	return a
}

// Authenticate checks r, whose body has been read into body, signed in the
// Authorization header or as a presigned URL, for one of the given signing
// names (control plane "iot"; data plane "iotdata", "iotdevicegateway").
// Failures are *iot.Error values with AWS's codes, all 403 (spec §5.2).
func (a *Authenticator) Authenticate(r *http.Request, body []byte, services ...string) (Identity, error) {
	res, err := a.verify.Verify(r, body, services...)
	return a.identity(r.Context(), res, err)
}

// AuthenticatePresigned checks a presigned WebSocket upgrade URL (spec
// §5.3), with or without the session token in the signature.
func (a *Authenticator) AuthenticatePresigned(r *http.Request, services ...string) (Identity, error) {
	res, err := a.verify.VerifyPresigned(r, services...)
	return a.identity(r.Context(), res, err)
}

// identity turns a verification result into an Identity, or its error into
// the API error, logging failures.
func (a *Authenticator) identity(ctx context.Context, res sigv4.Result, err error) (Identity, error) {
	if err != nil {
		return Identity{}, a.reject(ctx, err)
	}
	id := Identity{AccessKeyID: res.AccessKeyID, Name: res.AccessKeyID, Region: res.Region, Service: res.Service, Dev: res.Dev}
	key, ok := a.keys.Key(res.AccessKeyID)
	switch {
	case ok:
		id.Name, id.Admin = key.Name, key.Admin
	case !res.Dev: // deleted between the check and now
		return Identity{}, a.reject(ctx, &sigv4.Error{Kind: sigv4.ErrUnknownKey, AccessKeyID: res.AccessKeyID})
	default:
		a.log.DebugContext(ctx, "dev mode accepted an unchecked signature", "accessKeyId", res.AccessKeyID)
	}
	id.Principal = "arn:aws:iam::" + a.account + ":user/" + id.Name
	return id, nil
}

// reject logs a failure and returns the API error for it. The log names
// the key and the reason, never the signature.
func (a *Authenticator) reject(ctx context.Context, err error) *iot.Error {
	apiErr := apiError(err)
	level := slog.LevelInfo
	if errors.Is(err, sigv4.ErrMissing) {
		level = slog.LevelDebug
	}
	var keyID string
	if e, ok := errors.AsType[*sigv4.Error](err); ok {
		keyID = e.AccessKeyID
	}
	a.log.Log(ctx, level, "sigv4 authentication failed", "code", apiErr.Code, "reason", apiErr.Message, "accessKeyId", keyID)
	return apiErr
}

// apiError maps a sigv4 failure to the error AWS sends for it.
func apiError(err error) *iot.Error {
	switch {
	case errors.Is(err, sigv4.ErrMissing):
		return iot.Errorf(iot.MissingAuthenticationToken, "Missing Authentication Token")
	case errors.Is(err, sigv4.ErrUnknownKey):
		return iot.Errorf(iot.UnrecognizedClientException, "The security token included in the request is invalid.")
	}
	msg := "The request signature we calculated does not match the signature you provided."
	if e, ok := errors.AsType[*sigv4.Error](err); ok && e.Message != "" {
		msg = e.Message
	}
	if errors.Is(err, sigv4.ErrMalformed) {
		return &iot.Error{Code: iot.IncompleteSignature, Message: msg}
	}
	return &iot.Error{Code: iot.InvalidSignatureException, Message: msg}
}

// secrets adapts a KeyLookup to sigv4.Credentials.
type secrets struct{ keys KeyLookup }

func (s secrets) SecretFor(id string) (string, bool) {
	k, ok := s.keys.Key(id)
	return k.Secret, ok
}

var (
	_ KeyLookup         = (*Keys)(nil)
	_ sigv4.Credentials = secrets{}
)
