// Package sigv4 verifies AWS Signature Version 4 the way AWS IoT Core's
// HTTPS endpoints do: the Authorization header form that the aws CLI, boto3
// and aws-sdk-go-v2 send to the control plane (`iot`) and the data plane
// (`iotdata`, `iotdevicegateway`), and the presigned query form that MQTT
// over WebSocket uses (spec §5.2, §5.3).
//
// # Basics
//
// A Verifier recomputes the signature of an *http.Request from the parts the
// client signed and compares it, in constant time, with the one the client
// sent. Secrets come from a Credentials value the caller passes; the
// package never stores or logs them. Derived signing keys are cached per
// (secret, date, region, service) in a small bounded cache, so a steady
// client costs one HMAC per request instead of five.
//
// The canonical URI is built from the path exactly as the client sent it,
// escaped a second time as AWS requires for every service but S3
// (`/topics/a%2Fb` is signed as `/topics/a%252Fb`). Because some clients sign
// the single-escaped path, or remove dot segments and empty segments first
// (botocore), those forms are tried too before a request is rejected.
//
// # Errors
//
// Every failure is an *Error whose Kind is one of the sentinels in
// errors.go, so a caller maps it to a wire error with errors.Is in one
// place. Messages use AWS's words where they are known; none carries a
// secret or a signature.
//
// # Caveats
//
// The package does not validate session tokens: hob issues only long-term
// keys, so X-Amz-Security-Token is parsed, covered by the signature when the
// client signed it, and handed to the caller in Result. Regions are not
// checked either; the caller decides whether to enforce one.
package sigv4
