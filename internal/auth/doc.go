// Package auth holds hob's access keys and authenticates HTTP requests
// signed with them (AWS Signature Version 4, spec §5.2 and §5.3).
//
// # Basics
//
// Keys keeps access keys in access-keys.json in the data folder. SigV4
// needs the secret itself to recompute a signature, so secrets cannot be
// hashed: the file is written atomically with mode 0600 and nothing in this
// package logs a secret or a signature. On first start EnsureAdmin creates
// an admin key.
//
// An Authenticator checks a request with package sigv4 and turns every
// failure into the *iot.Error AWS would send, all with status 403:
// MissingAuthenticationTokenException, UnrecognizedClientException or
// InvalidSignatureException. In dev mode it accepts any well-formed
// signature, known key or not.
//
// # Caveats
//
// Session tokens are not validated (hob issues no temporary credentials).
// A malformed Authorization header gets IncompleteSignatureException (403),
// as AWS answers it.
package auth
