// Package console is the backend of hob's web console, served on the HTTPS
// listener beside the API: sign-in with an access key, server-side
// sessions, a signing proxy to hob's own API, presigned MQTT-over-WebSocket
// URLs for the browser's MQTT client, and the console's static assets.
//
// # Endpoints
//
//	POST   /console/session     sign in: {accessKeyId, secretAccessKey}
//	GET    /console/session     the current session, or 401
//	DELETE /console/session     sign out (the session is forgotten server-side)
//	POST   /console/mqtt-url    a presigned wss://HOST/mqtt URL, valid 5 minutes
//	ANY    /console/api/iot/...      proxied to the control plane, signed "iot"
//	ANY    /console/api/iotdata/...  proxied to the data plane, signed "iotdata"
//	GET    /, /assets/...       the front-end, from the Assets file system
//
// Handles reports which requests are the console's; everything else
// belongs to the API.
//
// # Sessions
//
// Signing in checks the secret against the access key store in constant
// time and sets the cookie hob_session: 256 random bits, HttpOnly, Secure,
// SameSite=Strict, Path=/, Max-Age the session lifetime. The server keeps
// only a SHA-256 hash of the cookie, in memory, with the access key id and
// an expiry; a restart signs everyone out. The secret is never stored in a
// session and never sent back: the proxy looks it up for each request.
//
// # CSRF rule
//
// Every request that carries a session and whose method is not GET or HEAD
// must send the header X-Hob-CSRF equal to the csrfToken returned by sign-in
// (and by GET /console/session). A non-empty Origin header must name the
// request's own host. Sign-in itself needs Content-Type application/json,
// which a cross-site form cannot send without a CORS preflight that hob
// never grants.
//
// # Why a proxy and not a signing endpoint
//
// The browser calls /console/api/{iot,iotdata}/PATH; the console signs the
// request with the session's key and hands it to the API's own
// http.Handler, so every call goes through the same authentication,
// services and authorisation as a call from the aws CLI. Signing on the
// server keeps the secret out of the browser. Only the MQTT URL is signed
// for the browser, since the browser must open that WebSocket itself; it
// expires after five minutes.
package console
