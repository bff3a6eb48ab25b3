package dynamics

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// wantActuals checks an opportunity's state, Actual Close Date and Actual
// Revenue in the sandbox ("" for none).
func wantActuals(t *testing.T, e *env, id, what, state, date, value string) {
	t.Helper()
	row, ok := e.sim.Get("opportunities", id)
	if !ok {
		t.Fatalf("%s: opportunity %s is gone", what, id)
	}
	got := func(k string) string {
		if v, ok := row.Fields[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	}
	if got("statecode") != state || got("actualclosedate") != date || got("actualvalue") != value {
		t.Errorf("%s: opportunity %s statecode %q actualclosedate %q actualvalue %q, want %q, %q and %q",
			what, id, got("statecode"), got("actualclosedate"), got("actualvalue"), state, date, value)
	}
}

// TestCloseKeepsMappedCloseDateAndAmount: a write that wins or
// loses an opportunity and sets (or keeps, Op.Keep) its Actual Close Date
// and Actual Revenue leaves them as written: the WinOpportunity or
// LoseOpportunity carries them as the OpportunityClose's actualend and
// actualrevenue, where Dataverse would otherwise date the close today and
// take its revenue from the close. A close without them leaves Dataverse's
// own (today, no revenue).
func TestCloseKeepsMappedCloseDateAndAmount(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 12})
	c := e.connect(t)
	ctx := t.Context()
	before := time.Now().UTC().Format(time.DateOnly)
	open := func(name string, fields map[string]any) string {
		t.Helper()
		fields["name"] = name
		r, err := e.sim.Create("opportunities", fields)
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	won := open("Won with its date", map[string]any{"estimatedvalue": 15000})
	kept := open("Lost, date kept", map[string]any{"estimatedvalue": 15000})
	plain := open("Won plainly", map[string]any{"estimatedvalue": 15000})
	// Give kept its actuals as an earlier run would have written them.
	if res, err := c.Write(ctx, "opportunities", []connector.Op{{Kind: connector.OpUpdate, ID: kept,
		Fields: map[string]string{"actualclosedate": "2025-02-01", "actualvalue": "800"}}}); err != nil || res[0].Err != nil {
		t.Fatalf("seed kept: %v %+v", err, res)
	}
	res, err := c.Write(ctx, "opportunities", []connector.Op{
		{Kind: connector.OpUpdate, ID: won, Fields: map[string]string{"statecode": "1", "actualclosedate": "2025-03-14", "actualvalue": "12000"}},
		{Kind: connector.OpUpdate, ID: kept, Fields: map[string]string{"statecode": "2"}, Keep: map[string]string{"actualclosedate": "2025-02-01", "actualvalue": "800"}},
		{Kind: connector.OpUpdate, ID: plain, Fields: map[string]string{"statecode": "1"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "Created won", "statecode": "1", "actualclosedate": "2025-03-14", "actualvalue": "12000"}},
	})
	if err != nil || len(res) != 4 {
		t.Fatalf("write: %v %+v", err, res)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("op %d: %v", i, r.Err)
		}
	}
	wantActuals(t, e, won, "won with actualclosedate 2025-03-14 and actualvalue 12000", "1", "2025-03-14", "12000")
	wantActuals(t, e, kept, "lost keeping 2025-02-01 and 800", "2", "2025-02-01", "800")
	today := time.Now().UTC().Format(time.DateOnly)
	if today != before {
		today = before // the write ran across midnight: either day is Dataverse's today
		if row, _ := e.sim.Get("opportunities", plain); fmt.Sprint(row.Fields["actualclosedate"]) != before {
			today = time.Now().UTC().Format(time.DateOnly)
		}
	}
	wantActuals(t, e, plain, "won with neither", "1", today, "")
	wantActuals(t, e, res[3].ID, "created won with 2025-03-14 and 12000", "1", "2025-03-14", "12000")
}
