// Package iot is hob's shared vocabulary with AWS IoT Core: the API error
// catalogue (shape names and HTTP statuses), ARNs, and the name patterns that
// the control plane validates. It is pure: it imports only the standard
// library, so every layer may use it.
package iot
