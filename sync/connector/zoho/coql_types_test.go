package zoho

import (
	"fmt"
	"slices"
	"testing"

	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// lookupIDs looks values up by field through the connector and returns the
// ids found, sorted.
func lookupIDs(t *testing.T, c *Connector, object, field string, values ...string) []string {
	t.Helper()
	hits, err := c.Lookup(t.Context(), object, field, values)
	if err != nil {
		t.Fatalf("lookup %s by %s %q: %v", object, field, values, err)
	}
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

func created(t *testing.T, e *env, module string, fields map[string]any) string {
	t.Helper()
	r, err := e.sim.Create(module, fields)
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// TestLookupEmailWithApostrophe: an address with a quote in it
// (o'brien@…) is found; the quote went out as \' which COQL does not read
// as an escape, so the query was refused and the lookup failed.
func TestLookupEmailWithApostrophe(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 301})
	want := created(t, e, "Contacts", map[string]any{"Last_Name": "O'Brien", "Email": "o'brien@example.com"})
	created(t, e, "Contacts", map[string]any{"Last_Name": "Brien", "Email": "brien@example.com"})
	c := e.connect(t)
	if got := lookupIDs(t, c, "Contacts", "Email", "o'brien@example.com"); !slices.Equal(got, []string{want}) {
		t.Fatalf("lookup by o'brien@example.com found %v; want [%s]", got, want)
	}
	if got := lookupIDs(t, c, "Contacts", "Last_Name", "O'Brien", "Nobody's"); !slices.Equal(got, []string{want}) {
		t.Fatalf("lookup by O'Brien among two found %v; want [%s]", got, want)
	}
}

// TestLookupByNumberField: a lookup by a currency or integer field
// writes the numbers bare (Annual_Revenue in (100, 2500.5)), one query per
// 50 values; quoted, the query is refused.
func TestLookupByNumberField(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 302})
	a := created(t, e, "Accounts", map[string]any{"Account_Name": "A", "Annual_Revenue": 100, "Employees": 7})
	b := created(t, e, "Accounts", map[string]any{"Account_Name": "B", "Annual_Revenue": 2500.5, "Employees": 8})
	created(t, e, "Accounts", map[string]any{"Account_Name": "C", "Annual_Revenue": 99})
	c := e.connect(t)
	want := []string{a, b}
	slices.Sort(want)
	if got := lookupIDs(t, c, "Accounts", "Annual_Revenue", "100", "2500.50"); !slices.Equal(got, want) {
		t.Fatalf("lookup by Annual_Revenue 100, 2500.50 found %v; want %v", got, want)
	}
	if got := lookupIDs(t, c, "Accounts", "Employees", "7"); !slices.Equal(got, []string{a}) {
		t.Fatalf("lookup by Employees 7 found %v; want [%s]", got, a)
	}
	// More keys than one query takes: 120 revenues, 3 queries.
	var keys []string
	for i := range 120 {
		keys = append(keys, fmt.Sprint(1000+i))
	}
	keys = append(keys, "100")
	before := e.sim.Stats()["POST /crm/v8/coql"]
	if got := lookupIDs(t, c, "Accounts", "Annual_Revenue", keys...); !slices.Equal(got, []string{a}) {
		t.Fatalf("lookup of 121 revenues found %v; want [%s]", got, a)
	}
	if n := e.sim.Stats()["POST /crm/v8/coql"] - before; n != 3 {
		t.Errorf("121 values took %d queries; want 3 of at most 50", n)
	}
}

// TestLookupByDateField: a date is looked up as 'yyyy-MM-dd'.
func TestLookupByDateField(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 303})
	want := created(t, e, "Contacts", map[string]any{"Last_Name": "Born", "Date_of_Birth": "1990-04-01"})
	created(t, e, "Contacts", map[string]any{"Last_Name": "Other", "Date_of_Birth": "1990-04-02"})
	if got := lookupIDs(t, e.connect(t), "Contacts", "Date_of_Birth", "1990-04-01", "1980-01-01"); !slices.Equal(got, []string{want}) {
		t.Fatalf("lookup by Date_of_Birth 1990-04-01 found %v; want [%s]", got, want)
	}
}

// TestLookupByBoolean: a checkbox takes only = in COQL, so both values
// are looked up one = at a time; with in the query was refused.
func TestLookupByBoolean(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 304})
	yes := created(t, e, "Contacts", map[string]any{"Last_Name": "Out", "Email_Opt_Out": true})
	no := created(t, e, "Contacts", map[string]any{"Last_Name": "In", "Email_Opt_Out": false})
	c := e.connect(t)
	if got := lookupIDs(t, c, "Contacts", "Email_Opt_Out", "true"); !slices.Equal(got, []string{yes}) {
		t.Fatalf("lookup by Email_Opt_Out true found %v; want [%s]", got, yes)
	}
	want := []string{yes, no}
	slices.Sort(want)
	if got := lookupIDs(t, c, "Contacts", "Email_Opt_Out", "true", "false", "true"); !slices.Equal(got, want) {
		t.Fatalf("lookup by Email_Opt_Out true, false found %v; want %v", got, want)
	}
}
