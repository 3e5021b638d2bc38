package action

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// sqlTableParams is hob's own action (not in AWS's model): insert the
// SELECT output as one row of an existing SQLite or PostgreSQL table.
//
//	{"sqlTable": {"driver": "sqlite"|"postgres", "dsn": "...", "table": "readings",
//	              "columns": {"device": "${topic(2)}"}}}
//
// The output goes into column payload (as text when it is UTF-8, else as
// bytes), each template column gets its rendered string; values are bind
// parameters, names are checked identifiers, quoted.
type sqlTableParams struct {
	Driver  string            `json:"driver"`
	DSN     string            `json:"dsn"`
	Table   string            `json:"table"`
	Columns map[string]string `json:"columns"`
}

// sqlIdent is a plain identifier; a table may carry a schema (public.t).
var (
	sqlIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)
	sqlTable = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$`)
)

func (p *sqlTableParams) check(c *checker) {
	c.required("driver", p.Driver)
	c.enum("driver", p.Driver, "sqlite", "postgres")
	c.required("dsn", p.DSN)
	if c.required("table", p.Table) && !sqlTable.MatchString(p.Table) {
		c.addf("table", "Member must be an identifier (letters, digits, _; optionally schema.table)")
	}
	for _, col := range sortedKeys(p.Columns) {
		switch {
		case !sqlIdent.MatchString(col):
			c.addf("columns."+col, "Member must be an identifier (letters, digits, _)")
		case strings.EqualFold(col, "payload"):
			c.addf("columns.payload", "the payload column holds the SELECT output and cannot be a template column")
		}
	}
}

func (p *sqlTableParams) build(d Deps) (Action, error) {
	if d.DB == nil {
		return nil, fmt.Errorf("sqlTable: no database opener configured")
	}
	a := &sqlTableAction{p: *p, open: d.DB, cols: sortedKeys(p.Columns), driver: "sqlite"}
	if p.Driver == "postgres" {
		a.driver = "pgx"
	}
	a.insert = a.insertSQL()
	return a, nil
}

// sqlTableAction inserts rows into one table.
type sqlTableAction struct {
	p      sqlTableParams
	open   func(ctx context.Context, driver, dsn string) (*sql.DB, error)
	driver string   // database/sql driver name
	cols   []string // template columns, sorted
	insert string   // the INSERT statement

	mu      sync.Mutex // guards checked
	checked bool       // the table was seen to exist
}

func (a *sqlTableAction) Kind() string     { return "SqlTableAction" }
func (a *sqlTableAction) Resource() string { return a.p.Table }

// Do inserts one row: the output in payload, the rendered template columns.
func (a *sqlTableAction) Do(ctx context.Context, inv *Invocation) error {
	args := make([]any, 0, len(a.cols)+1)
	if utf8.Valid(inv.Output) {
		args = append(args, string(inv.Output))
	} else {
		args = append(args, inv.Output)
	}
	for _, col := range a.cols {
		v, err := render(inv, a.p.Columns[col])
		if err != nil {
			return fmt.Errorf("Failed to insert into table %s. Column %s: %w", a.p.Table, col, err)
		}
		args = append(args, v)
	}
	db, err := a.open(ctx, a.driver, a.p.DSN)
	if err != nil {
		return fmt.Errorf("Failed to insert into table %s. Could not open the %s database: %w", a.p.Table, a.p.Driver, err)
	}
	if err := a.checkTable(ctx, db); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, a.insert, args...); err != nil {
		return fmt.Errorf("Failed to insert into table %s. The error received was %w", a.p.Table, err)
	}
	return nil
}

// checkTable fails clearly when the table does not exist (hob never
// creates it); once seen, the table is not looked up again.
func (a *sqlTableAction) checkTable(ctx context.Context, db *sql.DB) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.checked {
		return nil
	}
	var n int
	var err error
	if a.driver == "pgx" {
		err = db.QueryRowContext(ctx, `SELECT count(*) FROM pg_catalog.pg_class WHERE oid = to_regclass($1)`, a.quotedTable()).Scan(&n)
	} else {
		err = db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE`, a.p.Table).Scan(&n)
	}
	if err != nil {
		return fmt.Errorf("Failed to insert into table %s. Could not look the table up: %w", a.p.Table, err)
	}
	if n == 0 {
		return fmt.Errorf("Failed to insert into table %s. The table does not exist in the %s database: create it with a payload column and the template columns [%s]",
			a.p.Table, a.p.Driver, strings.Join(a.cols, ", "))
	}
	a.checked = true
	return nil
}

// insertSQL is the INSERT statement, with quoted identifiers and bind
// parameters ($n for PostgreSQL, ? for SQLite).
func (a *sqlTableAction) insertSQL() string {
	names := []string{a.quoteIdent("payload")}
	marks := []string{a.mark(1)}
	for i, col := range a.cols {
		names = append(names, a.quoteIdent(col))
		marks = append(marks, a.mark(i+2))
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", a.quotedTable(), strings.Join(names, ", "), strings.Join(marks, ", "))
}

func (a *sqlTableAction) mark(i int) string {
	if a.driver == "pgx" {
		return "$" + strconv.Itoa(i)
	}
	return "?"
}

// quotedTable quotes each part of the (checked) table name.
func (a *sqlTableAction) quotedTable() string {
	parts := strings.Split(a.p.Table, ".")
	for i, p := range parts {
		parts[i] = a.quoteIdent(p)
	}
	return strings.Join(parts, ".")
}

// quoteIdent quotes a checked identifier (no quotes inside), so reserved
// words work as names. PostgreSQL folds unquoted names to lower case, so
// for it the name is folded first: "Readings" finds the table created as
// CREATE TABLE Readings.
func (a *sqlTableAction) quoteIdent(s string) string {
	if a.driver == "pgx" {
		s = strings.ToLower(s)
	}
	return `"` + s + `"`
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var _ Action = (*sqlTableAction)(nil)
