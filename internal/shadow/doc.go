// Package shadow is hob's Device Shadow service: classic and named shadows
// with AWS IoT's documents, merge and delta rules, versions and errors
// (spec §1), served over the reserved MQTT topics (HandleMQTT) and the
// iot-data HTTP API (Get, Update, Delete, ListNamed).
//
// # Basics
//
// The document logic is pure (parse.go, merge.go, delta.go, metadata.go,
// document.go); Service adds durability in a store.Store, optimistic
// versions, and the MQTT replies it publishes through a Publisher.
//
// Shadows are independent of the registry: no operation checks that the
// thing exists (spec §1.1).
//
// # Caveats
//
// All timestamps are epoch seconds (spec §6.1).
package shadow
