package sql

import "strings"

// statement parses a whole rule query (spec §4 statement).
func (p *parser) statement() (*Statement, error) {
	first, err := p.peek(0)
	if err != nil {
		return nil, err
	}
	st := &Statement{Version: p.v, Pos: first.Pos}
	want := "SET or SELECT"
	if first.isWord("SET") {
		if st.Set, err = p.setClause(); err != nil {
			return nil, err
		}
		want = "',' or SELECT"
	}
	if st.Select, err = p.selectClause(want); err != nil {
		return nil, err
	}
	if st.From, err = p.fromTopic(); err != nil {
		return nil, err
	}
	if st.Where, err = p.whereClause(); err != nil {
		return nil, err
	}
	return st, p.expectEOF("end of input")
}

// setClause parses `SET @a = expr {, @b = expr}` (2016-03-23, spec §4 set_clause).
func (p *parser) setClause() ([]*Assignment, error) {
	kw, _ := p.next()
	if err := p.need2016(kw.Pos, "The SET clause"); err != nil {
		return nil, err
	}
	var out []*Assignment
	for {
		a, err := p.assignment()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
		if ok, err := p.accept(","); err != nil || !ok {
			return out, err
		}
	}
}

// assignment parses `@name = expr`.
func (p *parser) assignment() (*Assignment, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	if t.Kind != tokVar {
		return nil, errAt(t.Pos, "Expected a variable (@name) in SET but found %s", describe(t))
	}
	if _, err := p.expect("="); err != nil {
		return nil, err
	}
	e, err := p.expr(precLowest)
	if err != nil {
		return nil, err
	}
	return &Assignment{Name: t.Val, Value: e, At: t.Pos}, nil
}

// selectClause parses `SELECT [VALUE] item {, item}` (spec §4 select_list).
// want names what was expected in place of SELECT, for the error message.
func (p *parser) selectClause(want string) (*Select, error) {
	kw, err := p.next()
	if err != nil {
		return nil, err
	}
	if !kw.isWord("SELECT") {
		return nil, errAt(kw.Pos, "Expected %s but found %s", want, describe(kw))
	}
	sel := &Select{At: kw.Pos}
	if sel.Value, err = p.valueKeyword(); err != nil {
		return nil, err
	}
	for {
		it, err := p.selectItem(sel.Value)
		if err != nil {
			return nil, err
		}
		sel.Items = append(sel.Items, it)
		if ok, err := p.accept(","); err != nil || !ok {
			return sel, err
		}
		if sel.Value {
			return nil, errAt(p.last.Pos, "SELECT VALUE takes exactly one expression but found ','")
		}
	}
}

// valueKeyword consumes VALUE after SELECT when it is the keyword. VALUE is
// read as a field name when what follows cannot start an expression
// (`SELECT value, x`, `SELECT value FROM`, `SELECT value.x`).
func (p *parser) valueKeyword() (bool, error) {
	t, err := p.peek(0)
	if err != nil || !t.isWord("VALUE") {
		return false, err
	}
	after, err := p.peek(1)
	if err != nil {
		return false, err
	}
	switch {
	case after.Kind == tokEOF, after.is(","), after.is("."), after.is("["), after.is(")"),
		after.isWord("FROM"), after.isWord("AS"), after.isWord("WHERE"):
		return false, nil
	}
	_, err = p.next()
	return true, err
}

// selectItem parses `expr [AS a.b.c]`; `*` is an expression (*Star).
func (p *parser) selectItem(value bool) (*SelectItem, error) {
	e, err := p.expr(precLowest)
	if err != nil {
		return nil, err
	}
	it := &SelectItem{Expr: e}
	as, err := p.acceptWord("AS")
	if err != nil || !as {
		return it, err
	}
	if value {
		return nil, errAt(p.last.Pos, "SELECT VALUE takes no alias but found 'AS'")
	}
	it.Alias, err = p.aliasPath()
	return it, err
}

// aliasPath parses `name {. name}` after AS; any word, keywords included.
func (p *parser) aliasPath() ([]string, error) {
	var path []string
	for {
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		if t.Kind != tokWord {
			return nil, errAt(t.Pos, "Expected an alias name after AS but found %s", describe(t))
		}
		path = append(path, t.Val)
		if ok, err := p.accept("."); err != nil || !ok {
			return path, err
		}
	}
}

// fromTopic parses the optional `FROM 'filter'` of a statement (spec §3: a
// quoted string; an unquoted filter is accepted too, spec §13 item 13).
func (p *parser) fromTopic() (string, error) {
	if ok, err := p.acceptWord("FROM"); err != nil || !ok {
		return "", p.afterSelect(err)
	}
	t, err := p.filterToken()
	if err != nil {
		return "", err
	}
	if t.Kind != tokString && (t.Kind != tokTopic || isReserved(t.Val)) {
		return "", errAt(t.Pos, "Expected a topic filter (a quoted string) after FROM but found %s", describe(t))
	}
	if msg := checkFilter(t.Val); msg != "" {
		return "", errAt(t.Pos, "Invalid topic filter %s: %s", quoteRaw(t.Val), msg)
	}
	return t.Val, nil
}

// filterToken consumes the token after FROM, read in filter mode unless it
// has already been looked at.
func (p *parser) filterToken() (token, error) {
	if len(p.buf) > 0 {
		return p.next()
	}
	t, err := p.lex.nextFilter()
	p.last = t
	return t, err
}

// afterSelect turns a missing FROM into a clear error when something other
// than WHERE or the end follows the select list.
func (p *parser) afterSelect(err error) error {
	if err != nil {
		return err
	}
	t, err := p.peek(0)
	if err != nil || t.Kind == tokEOF || t.isWord("WHERE") {
		return err
	}
	return errAt(t.Pos, "Expected ',', FROM, WHERE or end of input but found %s", describe(t))
}

// whereClause parses the optional `WHERE expr`.
func (p *parser) whereClause() (Expr, error) {
	if ok, err := p.acceptWord("WHERE"); err != nil || !ok {
		return nil, err
	}
	return p.expr(precLowest)
}

// checkFilter returns why f is not an MQTT topic filter, or "" if it is one:
// not empty, `#` only as the whole last level, `+` only as a whole level.
func checkFilter(f string) string {
	if f == "" {
		return "it is empty"
	}
	levels := strings.Split(f, "/")
	for i, lv := range levels {
		switch {
		case strings.Contains(lv, "#") && (lv != "#" || i != len(levels)-1):
			return "'#' must be the whole last level"
		case strings.Contains(lv, "+") && lv != "+":
			return "'+' must be a whole level"
		}
	}
	return ""
}
