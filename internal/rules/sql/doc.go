// Package sql parses AWS IoT SQL, the language of topic rules, in both of
// its versions, 2015-10-08 (the API default) and 2016-03-23
// (spec: shared/spec/rules-engine.md §3, §4, §7, §8.7).
//
// # Basics
//
// Parse turns a rule's SQL into a *Statement; ParseExpr parses one
// expression, as in a substitution template ${...}. Errors are *ParseError,
// hob's SqlParseException: "Line 1:8: Expected an expression but found
// 'FROM'". The AST (ast.go) records where each node starts; String on any
// node prints SQL that parses back to the same tree, so a statement can be
// normalized, stored and shown.
//
//	st, err := sql.Parse("SELECT color AS rgb FROM 'topic/subtopic' WHERE temperature > 50", sql.V20160323)
//
// # Language
//
// Keywords and function names are case-insensitive. Strings are 'single' or
// "double" quoted (double quotes are not identifier quotes). Precedence,
// loosest first: OR, AND, NOT, comparisons (= <> < <= > >=, which do not
// chain), + -, * / %, unary minus, then member access `.name` and `[index]`.
// SET, nested SELECT, array and object literals, @variables and cast to
// Decimal or Bool are 2016-03-23 constructs: in 2015-10-08 they are parse
// errors naming the version they need. Whether a function exists (and in which
// version) is left to the evaluator.
//
// # Caveats
//
// AWS documents neither precedence nor escapes; where this package chooses,
// the choice is documented beside the code and cited. Extensions over AWS's
// documented grammar: searched CASE (`CASE WHEN cond THEN ...`), `x[i]`
// indexing, and an unquoted FROM filter (spec §13 item 13).
package sql
