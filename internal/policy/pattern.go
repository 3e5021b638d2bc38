package policy

import (
	"strings"
	"unicode/utf8"
)

// atomKind says what one piece of a compiled pattern matches.
type atomKind uint8

const (
	atomLit  atomKind = iota // text, exactly
	atomStar                 // any run of characters, `/` included
	atomOne                  // exactly one character
	atomVar                  // a policy variable's value, taken literally
)

// atom is one piece of a compiled pattern: for atomLit the text, for
// atomVar the variable's name (without `${` and `}`) and in raw its
// literal form, which stands in for it when it has no value.
type atom struct {
	kind atomKind
	text string
	raw  string
}

// pattern is a policy string compiled once at Parse time: a resource, an
// action or a condition value, split into literal text, wildcards and
// variables so that matching needs no allocation.
type pattern struct {
	raw   string
	atoms []atom
	exact bool // one literal atom (or none): compare as a string
}

// compileFlags choose which syntax a pattern honours.
type compileFlags uint8

const (
	withWildcards compileFlags = 1 << iota // `*` and `?` are wildcards
	withVars                               // ${name} is a policy variable
)

// compile splits s into atoms. With withVars, ${*}, ${?} and ${$} are
// escapes for a literal character (AWS: "literal-escape variables", spec
// §2.3), ${} and a `${` without a closing brace are literal text.
func compile(s string, flags compileFlags) pattern {
	p := pattern{raw: s}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.atoms = append(p.atoms, atom{kind: atomLit, text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case flags&withVars != 0 && strings.HasPrefix(s[i:], "${"):
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				lit.WriteString(s[i:])
				i = len(s)
				continue
			}
			name := s[i+2 : i+2+end]
			i += 2 + end
			switch name {
			case "*", "?", "$":
				lit.WriteString(name)
			case "":
				lit.WriteString("${}")
			default:
				flush()
				p.atoms = append(p.atoms, atom{kind: atomVar, text: name, raw: "${" + name + "}"})
			}
		case flags&withWildcards != 0 && c == '*':
			flush()
			if n := len(p.atoms); n == 0 || p.atoms[n-1].kind != atomStar {
				p.atoms = append(p.atoms, atom{kind: atomStar})
			}
		case flags&withWildcards != 0 && c == '?':
			flush()
			p.atoms = append(p.atoms, atom{kind: atomOne})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	p.exact = len(p.atoms) == 0 || (len(p.atoms) == 1 && p.atoms[0].kind == atomLit)
	return p
}

// literal is the text an exact pattern matches.
func (p *pattern) literal() string {
	if len(p.atoms) == 0 {
		return ""
	}
	return p.atoms[0].text
}

// hasVars reports whether p refers to a policy variable.
func (p *pattern) hasVars() bool {
	for _, a := range p.atoms {
		if a.kind == atomVar {
			return true
		}
	}
	return false
}

// match reports whether s matches p. Variables resolve through vars (nil:
// none resolve); fold compares text without regard to case.
func (p *pattern) match(s string, vars *Request, fold bool) bool {
	if p.exact {
		return equal(s, p.literal(), fold)
	}
	ai, si := 0, 0
	starA, starS := -1, 0
	for {
		if ai < len(p.atoms) {
			if ai == len(p.atoms)-1 && p.atoms[ai].kind == atomStar {
				return true // a final star takes whatever is left
			}
			if n, ok := p.step(ai, s[si:], vars, fold); ok {
				if p.atoms[ai].kind == atomStar {
					starA, starS = ai, si
				}
				ai, si = ai+1, si+n
				continue
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: let the last star swallow one more character.
		if starA < 0 || starS >= len(s) {
			return false
		}
		_, w := utf8.DecodeRuneInString(s[starS:])
		starS += w
		ai, si = starA+1, starS
	}
}

// step tries atom ai against the start of rest and returns how many bytes
// it consumed. A star consumes nothing at first; match backtracks into it.
func (p *pattern) step(ai int, rest string, vars *Request, fold bool) (int, bool) {
	a := p.atoms[ai]
	switch a.kind {
	case atomStar:
		return 0, true
	case atomOne:
		if rest == "" {
			return 0, false
		}
		_, w := utf8.DecodeRuneInString(rest)
		return w, true
	default:
		t := a.text
		if a.kind == atomVar {
			t = vars.variable(a)
		}
		if len(rest) < len(t) || !equal(rest[:len(t)], t, fold) {
			return 0, false
		}
		return len(t), true
	}
}

// expand returns p's text with its variables replaced by their values; it
// allocates only when p has variables. It is meant for patterns compiled
// without wildcards.
func (p *pattern) expand(vars *Request) string {
	if p.exact {
		return p.literal()
	}
	var b strings.Builder
	for _, a := range p.atoms {
		switch a.kind {
		case atomVar:
			b.WriteString(vars.variable(a))
		case atomStar:
			b.WriteByte('*')
		case atomOne:
			b.WriteByte('?')
		default:
			b.WriteString(a.text)
		}
	}
	return b.String()
}

func equal(a, b string, fold bool) bool {
	if fold {
		return strings.EqualFold(a, b)
	}
	return a == b
}
