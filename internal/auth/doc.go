// Package auth holds hob's access keys and authenticates HTTP requests
// signed with them (AWS Signature Version 4, spec §5.2 and §5.3); and it
// authenticates devices by their certificates and authorizes what they do
// with IoT policies (spec §2, §5.1).
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
// # Devices
//
// Devices.Authenticate maps a client's leaf certificate to its registered
// certificate, which must be ACTIVE and valid now, and returns a Device.
// Device.Authorize evaluates the default versions of the policies attached
// to the certificate with package policy, resolving the connection's
// policy variables: iot:ClientId, aws:SourceIp, iot:Certificate.* (subject,
// issuer, subject alternative names, serial number),
// iot:Connection.Thing.* (of the thing named like the client id, when it
// is attached to the certificate), and the condition keys
// iot:ConnectAttributes and iot:LastWillTopic.
//
// All Devices of one certificate share a cache entry that holds an
// immutable snapshot of its status, compiled policies and attached things
// behind an atomic pointer. Authorize loads the pointer, and rebuilds its
// own variables only when the snapshot changed, so it takes no lock and
// does not allocate. Invalidate (one principal), InvalidatePolicy,
// InvalidateThing and InvalidateAll read the registry again and swap the
// snapshot before they return; app calls them from the registry's
// OnChange hook, so a control-plane request that detaches a policy returns
// only once live devices no longer have it. Loads of one entry are
// serialized, so the last to store also read last. When a refresh finds
// that a certificate left ACTIVE, the OnDeactivated callbacks run (the
// broker disconnects its clients). A refresh that fails leaves a snapshot
// that denies everything; Authorize retries it at most once a second.
// Entries are held weakly and go away with their last Device.
//
// Devices.TestAuthorization answers the control-plane TestAuthorization
// with the same variables and policies, naming the policies that decided.
//
// # Caveats
//
// Session tokens are not validated (hob issues no temporary credentials).
// A malformed Authorization header gets IncompleteSignatureException (403),
// as AWS answers it.
//
// Device policy variables, where AWS's documentation leaves the form open
// (spec §2.4) [inf]: iot:Certificate.SerialNumber is the serial in decimal;
// iot:Connection.Thing.IsAttached is "false", not absent, when no thing
// named like the client id is attached; iot:LastWillTopic is the will
// topic's ARN. Issuer alternative names and DirectoryName entries are not
// resolved. Thing-group policies do not exist in hob yet.
package auth
