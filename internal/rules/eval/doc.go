// Package eval is the AWS IoT SQL evaluator: the type system of spec §6, the
// operators of §7, the function library of §8, statement evaluation (§2, §5)
// and substitution templates (§9). It evaluates ASTs that internal/rules/sql
// parses and knows nothing of topics' matching, actions or the broker.
//
// # Basics
//
// Compile turns a parsed statement into a Program; Program.Run evaluates it
// against one message (an Env) in the order of spec §2: SET, then WHERE, then
// SELECT. Result.Output is the outgoing payload: compact JSON, or raw bytes
// when a binary payload passes through (SELECT * on a payload that is not
// JSON). CompileTemplate and Template.Render evaluate the ${...} fields of
// actions against the original message and the SET variables of a Result.
//
// # Numbers
//
// Int is an int64 that falls back to math/big past 64 bits (AWS allows 34
// digits). Decimal is a float64 plus the source text of the number when it
// came from the payload or a literal unchanged, so 36.90399959999998 or a
// 30-digit decimal passes through byte for byte. Arithmetic on Decimals is
// double precision, where AWS computes with 34 decimal digits: 0.1 + 0.2
// yields 0.30000000000000004 on hob and 0.3 on AWS. Functions that AWS marks
// as double precision (§8.1 "(d)") agree exactly.
//
// Under 2016-03-23 a whole-number Decimal becomes an Int wherever it is made
// (payload, literal, arithmetic, function result), as AWS documents (§6.1);
// under 2015-10-08 it stays a Decimal and prints as 5.0.
//
// # Performance
//
// Run decodes only what the Program reads: when no * appears anywhere in
// it, only the top-level payload members its names refer to are built
// (payload.go); the rest of the payload is checked but not built, so a
// payload is JSON or Binary exactly as a full decode says. That partial
// object lives in the pooled evaluation context and never leaves Run;
// Template.Render decodes the payload again for what its expressions
// read. A Result, the payload's copy and the output of a small message
// share one allocation.
//
// # Caveats
//
// Regular expressions are Go's RE2, not Java's: no back-references or
// look-around (§8.2). Time patterns translate the common Joda and
// java.time letters (see timefmt.go). Functions that call an AWS service
// hob cannot reach return *FuncError (see funcs_external.go).
package eval
