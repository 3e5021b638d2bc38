package sql

// Op is a unary or binary operator (spec §7).
type Op int

// The operators, in no particular order. Precedence, lowest first (spec §4,
// §7): OR; AND; NOT; comparisons (non-associative); + -; * / %; unary minus.
const (
	OpOr  Op = iota + 1 // OR
	OpAnd               // AND
	OpNot               // NOT (unary)
	OpEq                // =
	OpNe                // <>
	OpLt                // <
	OpLe                // <=
	OpGt                // >
	OpGe                // >=
	OpAdd               // +
	OpSub               // -
	OpMul               // *
	OpDiv               // /
	OpMod               // %
	OpNeg               // - (unary)
)

var opText = [...]string{
	OpOr: "OR", OpAnd: "AND", OpNot: "NOT", OpEq: "=", OpNe: "<>", OpLt: "<",
	OpLe: "<=", OpGt: ">", OpGe: ">=", OpAdd: "+", OpSub: "-", OpMul: "*",
	OpDiv: "/", OpMod: "%", OpNeg: "-",
}

// String returns the operator as written in SQL.
func (o Op) String() string {
	if o <= 0 || int(o) >= len(opText) {
		return "?"
	}
	return opText[o]
}

// Precedence levels of binary operators; higher binds tighter.
const (
	precLowest = iota
	precOr
	precAnd
	precNot
	precCmp
	precAdd
	precMul
	precUnary
	precPostfix
)

// prec returns the binding power of binary operator o.
func (o Op) prec() int {
	switch o {
	case OpOr:
		return precOr
	case OpAnd:
		return precAnd
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
		return precCmp
	case OpAdd, OpSub:
		return precAdd
	case OpMul, OpDiv, OpMod:
		return precMul
	}
	return precLowest
}
