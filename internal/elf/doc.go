// Package elf is the ELF device client: it creates things with their own
// certificates, sends and receives MQTT messages as those things, reads and
// writes their shadows, and cleans up, against hob or AWS IoT.
//
// # Basics
//
// elf sees hob only through the wire, exactly as a device does: the AWS IoT
// control plane through aws-sdk-go-v2 (configured the standard way:
// environment, shared config files, --profile, --region,
// AWS_ENDPOINT_URL_IOT) and the data plane through MQTT 3.1.1 over mutual
// TLS on port 8883, with each thing's own certificate. It therefore imports
// no hob package (internal/layers keeps it so) and works, unchanged,
// against real AWS IoT.
//
// Local state keeps the original Python client's layout (spec/elf.md §1.4):
// misc/elf.json, misc/things.json and misc/thing_N.pem|.pub|.prv, so a user
// of the old client recognises it.
//
// # Fixes to the original
//
//   - each thing connects with its own certificate (the original used
//     thing_0's for every worker);
//   - the policy that send and subscribe attach allows only that thing's
//     client ids, its own topics under the chosen prefix and its shadow
//     topics (the original allowed arn:aws:iot:REGION:*:*);
//   - subscribe --qos is honoured;
//   - clean is resumable: it records its progress and treats "not found"
//     as done, so a second run finishes what a failed one left.
//
// # Caveats
//
// AWS IoT (and hob) disconnect the older of two connections with one client
// id. So that `elf subscribe` and `elf send` can run side by side for the
// same thing, listeners connect as "<thing>-listener" and publishers as
// "<thing>"; the policy allows exactly those two client ids.
package elf
