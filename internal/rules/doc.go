// Package rules is the runtime of AWS IoT topic rules (rules-engine spec
// §2): it keeps every enabled rule compiled (SQL by rules/sql and
// rules/eval, actions by rules/action), evaluates the rules whose FROM
// filter matches each message the broker hands it, runs their actions and,
// when some fail, the rule's error action (spec §11).
//
// # Flow of one message
//
// Handle runs on the publisher's goroutine, so it only matches the topic
// against the FROM filters (a topic.Index in AWS mode) and queues one job
// per matching rule on a bounded queue; a full queue drops the job and
// counts it. A pool of workers takes jobs: SET, WHERE and SELECT are
// evaluated once per (rule, message); when WHERE is true the rule's
// actions run concurrently, each with its own timeout, and their failures
// are gathered into one error-action message in AWS's format.
//
// Messages on $aws/rules/<ruleName>/<topic> (Basic Ingest, spec §12) go to
// that rule only, whatever its FROM, and the rule sees <topic>.
//
// # Loops
//
// A republish action may publish onto its own rule's FROM filter (spec §2
// item 2). The republished message carries the hop count of the message
// that fired the rule plus one (see WithHops and HopsFrom: the engine puts
// the count in the context the actions get, and the broker adapter that
// implements action.Deps.Republish reads it); the engine refuses to
// evaluate a message whose count reached Options.MaxHops, and counts it.
//
// # Caveats
//
//   - Reload rebuilds the rule set from the RuleSource; rules whose
//     definition did not change keep their compiled form and their
//     actions (and so their connections). Actions of replaced or deleted
//     rules are closed once their last queued job is done.
//   - Rules that fail to compile (an action hob cannot build, say) are
//     logged and left out; the rest load.
//   - Queued jobs are dropped, not run, when the engine closes.
package rules
