package sql

// This file holds the AST of AWS IoT SQL (spec §4). The evaluator switches on
// the concrete node types; their names and fields are part of the contract
// (/work/notes/rules-contract.md) and do not change.
//
// Every node has Pos (where it starts in the source) and String (valid SQL
// that parses back to an equal tree; parentheses are added where precedence
// needs them, spec §7).

// Version is an AWS IoT SQL version (awsIotSqlVersion, spec §1.1, §8.7).
type Version string

// The SQL versions hob understands.
const (
	V20151008 Version = "2015-10-08" // the API default when awsIotSqlVersion is absent
	V20160323 Version = "2016-03-23" // adds literals, nested SELECT, SET, cast to Decimal/Bool
	VBeta     Version = "beta"       // AWS's moving beta (spec §1.1); parsed as 2016-03-23
)

// Pos is a position in the SQL text: byte offset (0-based), line and column
// (1-based; the column counts characters, not bytes).
type Pos struct{ Offset, Line, Col int }

// Expr is an expression node. Each concrete type below has Pos and String.
type Expr interface {
	Pos() Pos
	String() string
}

// Statement is one rule query: [SET ...] SELECT ... [FROM 'filter'] [WHERE ...] (spec §4).
type Statement struct {
	Version Version
	Set     []*Assignment // SET @a = expr, ... (2016-03-23 only); nil when absent
	Select  *Select       // the field list or VALUE expression
	From    string        // the FROM topic filter, unquoted; "" when absent (Basic Ingest rules)
	Where   Expr          // nil when absent
	Pos     Pos           // the first token (SET or SELECT)
}

// Assignment is one `@Name = Value` of a SET clause (spec §4 var_assign).
type Assignment struct {
	Name  string // without the '@'
	Value Expr
	At    Pos // the '@'
}

// Select is a SELECT list: `SELECT [VALUE] item, ...` (spec §4 select_list, §5).
// With Value set there is exactly one item and it has no alias.
type Select struct {
	Value bool
	Items []*SelectItem
	At    Pos // the SELECT keyword
}

// SelectItem is one item of a select list. Expr is *Star for `*` (and for
// `*.path` it is a *Field chain rooted at *Star). Alias is the dotted path
// after AS (`AS a.b.c` → ["a","b","c"]); nil when absent (spec §5).
type SelectItem struct {
	Expr  Expr
	Alias []string
}

// Subquery is a nested SELECT (2016-03-23 only, spec §4 nested_select, §5):
// `(SELECT [VALUE] items FROM source [WHERE cond])`. Source is a path
// (*Ident/*Field/*Index chain) or *Star.
type Subquery struct {
	Select *Select
	From   Expr
	Where  Expr // nil when absent
	At     Pos  // the SELECT keyword
}

// IntLit is an integer literal. Raw is its digits as written (no sign; up to
// 34 digits are meaningful, spec §6.1), left for the evaluator to convert.
type IntLit struct {
	Raw string
	At  Pos
}

// DecimalLit is a number literal with a fraction or exponent (`2.745`,
// `5E-12`). Raw is the text as written, without sign.
type DecimalLit struct {
	Raw string
	At  Pos
}

// StringLit is a string literal, 'single' or "double" quoted (spec §3);
// Value has its escapes resolved.
type StringLit struct {
	Value string
	At    Pos
}

// BoolLit is TRUE or FALSE (any case).
type BoolLit struct {
	Value bool
	At    Pos
}

// NullLit is NULL (any case).
type NullLit struct{ At Pos }

// Star is `*`: the whole payload (spec §3), raw bytes when it is not JSON.
type Star struct{ At Pos }

// Ident is a bare name: a top-level attribute of the payload (or, inside a
// nested SELECT, of the current element). Name is as written.
type Ident struct {
	Name string
	At   Pos
}

// Var is a SET variable reference `@name` (2016-03-23, spec §3). Name has no '@'.
type Var struct {
	Name string
	At   Pos
}

// Field is member access `X.Name` on any value (spec §4 postfix). The path
// `a.b.c` is Field{Field{Ident a, b}, c}.
type Field struct {
	X    Expr
	Name string
	At   Pos // the start of X
}

// Index is `X[Index]` (an extension: AWS documents get() instead, spec §4
// notes; hob accepts brackets after a value as a shorthand for get).
type Index struct {
	X     Expr
	Index Expr
	At    Pos // the start of X
}

// Unary is a prefix operator: NOT X or -X.
type Unary struct {
	Op Op // OpNot or OpNeg
	X  Expr
	At Pos // the operator
}

// Binary is an infix operator (spec §7).
type Binary struct {
	Op   Op
	L, R Expr
	At   Pos // the operator token; Pos() is the start of L
}

// Call is a function call `Name(Args...)`. Name is as written; function
// names are case-insensitive (spec §3). An argument may be *Star or *Subquery.
type Call struct {
	Name string
	Args []Expr
	At   Pos // the name
}

// Cast is `cast(X AS Type)` (spec §6.3). Type is the type name as written,
// Kind its meaning.
type Cast struct {
	X    Expr
	Type string
	Kind CastKind
	At   Pos // the CAST word
}

// CastKind is the target type of a Cast (spec §6.3).
type CastKind int

// Cast target types. Decimal and Bool exist only in 2016-03-23.
const (
	CastString  CastKind = iota + 1 // String, Nvarchar, Text, Ntext, varchar
	CastInt                         // Int, Integer
	CastDouble                      // Double: Decimal with double precision
	CastDecimal                     // Decimal (2016-03-23)
	CastBool                        // Bool, Boolean (2016-03-23)
)

// Case is CASE (spec §4 case_expr). Simple form: Operand is set and each When
// value is compared to it with `=`. Searched form (an hob extension, spec §13
// open question): Operand is nil and each When.Cond is a condition. Else is
// nil when absent.
type Case struct {
	Operand Expr
	Whens   []*When
	Else    Expr
	At      Pos // the CASE keyword
}

// When is one `WHEN Cond THEN Result` arm of a Case.
type When struct {
	Cond, Result Expr
}

// ArrayLit is `[e, ...]` (2016-03-23).
type ArrayLit struct {
	Elems []Expr
	At    Pos
}

// ObjectLit is `{'k': e, ...}` (2016-03-23); key order is kept.
type ObjectLit struct {
	Fields []*ObjectField
	At     Pos
}

// ObjectField is one `key: value` of an ObjectLit.
type ObjectField struct {
	Key   string
	Value Expr
}

// Pos returns where the node starts.
func (e *Subquery) Pos() Pos   { return e.At }
func (e *IntLit) Pos() Pos     { return e.At }
func (e *DecimalLit) Pos() Pos { return e.At }
func (e *StringLit) Pos() Pos  { return e.At }
func (e *BoolLit) Pos() Pos    { return e.At }
func (e *NullLit) Pos() Pos    { return e.At }
func (e *Star) Pos() Pos       { return e.At }
func (e *Ident) Pos() Pos      { return e.At }
func (e *Var) Pos() Pos        { return e.At }
func (e *Field) Pos() Pos      { return e.At }
func (e *Index) Pos() Pos      { return e.At }
func (e *Unary) Pos() Pos      { return e.At }
func (e *Binary) Pos() Pos     { return e.L.Pos() }
func (e *Call) Pos() Pos       { return e.At }
func (e *Cast) Pos() Pos       { return e.At }
func (e *Case) Pos() Pos       { return e.At }
func (e *ArrayLit) Pos() Pos   { return e.At }
func (e *ObjectLit) Pos() Pos  { return e.At }
