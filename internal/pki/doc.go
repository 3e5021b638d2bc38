// Package pki is hob's certificate authority: the root CA and TLS server
// certificate that hob creates on first start and keeps in its data folder,
// and the device certificates that CreateKeysAndCertificate and
// CreateCertificateFromCsr hand out (spec §3.2, §5.1).
//
// # Basics
//
// LoadOrCreate opens the folder (ca.pem, ca.key, server.pem, server.key),
// creating the CA and server certificate on first start and reissuing the
// server certificate, with the same CA, when it no longer covers the
// requested host names or is about to expire. An *Authority is immutable
// afterwards and safe for concurrent use; it issues device certificates
// with IssueKeysAndCertificate and SignCSR.
//
// Keys are RSA-2048 throughout, as AWS IoT's CreateKeysAndCertificate
// returns them: constrained devices (mbedTLS, older SDKs) handle RSA best.
// RSA key generation takes tens of milliseconds, so an Authority can keep a
// small pool of keys generated in the background (Config.KeyPoolSize).
//
// # Files
//
// The folder is created 0700 when missing; private keys are written 0600,
// certificates 0644, each atomically (temporary file, fsync, rename). ca.pem
// is written last, so a CA is complete exactly when ca.pem exists.
//
// # Caveats
//
//   - A folder that has ca.pem but has lost ca.key is an error, not a cue to
//     make a new CA: every device that trusts the old one would break.
//   - The server certificate is valid for 397 days and is renewed only by
//     LoadOrCreate (at start), when it has 30 days or less left.
//   - Device certificates are backdated by one minute, so nodes whose
//     clocks trail the issuer's slightly still accept them.
package pki
