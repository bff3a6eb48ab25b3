package dynamics

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestUpdateKeepsEditMadeAfterRead: the run reads two contacts, a
// person then changes one's title in Dynamics 365, and the run writes a
// title to both. The update is conditional on the row version the read
// saw (If-Match with its @odata.etag), so Dataverse refuses the changed
// one with 412 and it keeps the person's title, failing alone as a
// conflict in words a person reads; the untouched one is written. A row
// the run wrote itself, and a row it never read, are updated as before.
func TestUpdateKeepsEditMadeAfterRead(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 31})
	c := e.connect(t)
	ctx := t.Context()
	edited, calm := twoBuyers(t, e)
	if n := len(readAll(ctx, t, c, "contacts")); n < 2 {
		t.Fatalf("read %d contacts, want both", n)
	}
	if _, err := e.sim.Update("contacts", edited.ID, map[string]any{"jobtitle": "Person's title"}); err != nil {
		t.Fatal(err)
	}
	unread, err := e.sim.Create("contacts", map[string]any{"lastname": "Unread", "jobtitle": "Buyer"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(ctx, "contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: edited.ID, Fields: map[string]string{"jobtitle": "Run's title"}, Was: map[string]string{"jobtitle": "Buyer"}},
		{Kind: connector.OpUpdate, ID: calm.ID, Fields: map[string]string{"jobtitle": "Run's title"}, Was: map[string]string{"jobtitle": "Buyer"}},
		{Kind: connector.OpUpdate, ID: unread.ID, Fields: map[string]string{"jobtitle": "Run's title"}, Was: map[string]string{"jobtitle": "Buyer"}},
	})
	if err != nil || len(res) != 3 {
		t.Fatalf("write: %v %+v", err, res)
	}
	if row, _ := e.sim.Get("contacts", edited.ID); fmt.Sprint(row.Fields["jobtitle"]) != "Person's title" {
		t.Errorf("contact %s title %v after the run's write, want the person's edit made after the read kept", edited.ID, row.Fields["jobtitle"])
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Category != connector.CatConflict || re.RecordID != edited.ID ||
		!strings.Contains(re.Message, "changed in Dynamics 365 while the run was writing") {
		t.Errorf("contact edited after the read: %#v, want a conflict naming it that says it changed while the run was writing", res[0].Err)
	}
	for i, id := range []string{calm.ID, unread.ID} {
		if res[i+1].Err != nil {
			t.Errorf("contact %s: %v, want it written", id, res[i+1].Err)
		}
		if row, _ := e.sim.Get("contacts", id); fmt.Sprint(row.Fields["jobtitle"]) != "Run's title" {
			t.Errorf("contact %s title %v, want the run's", id, row.Fields["jobtitle"])
		}
	}

	// The run's own write moved calm's version: a second write of it in
	// the same run is not refused as someone else's edit.
	again, err := c.Write(ctx, "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: calm.ID, Fields: map[string]string{"jobtitle": "Second"}}})
	if err != nil || again[0].Err != nil {
		t.Fatalf("second write of a row the run wrote: %v %+v", err, again)
	}
}

// TestCloseKeepsEditMadeAfterRead: an opportunity read Open is
// renamed by a person before the run wins it with a new amount. The PATCH
// before the WinOpportunity carries the read's etag, so the change set is
// refused whole: the opportunity stays Open with the person's name and
// the old amount, and the record fails as a conflict.
func TestCloseKeepsEditMadeAfterRead(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 32})
	c := e.connect(t)
	ctx := t.Context()
	opp, err := e.sim.Create("opportunities", map[string]any{"name": "Read open", "estimatedvalue": 100})
	if err != nil {
		t.Fatal(err)
	}
	readAll(ctx, t, c, "opportunities")
	if _, err := e.sim.Update("opportunities", opp.ID, map[string]any{"name": "Renamed by a person"}); err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(ctx, "opportunities", []connector.Op{{Kind: connector.OpUpdate, ID: opp.ID,
		Fields: map[string]string{"statecode": "1", "estimatedvalue": "999"}, Was: map[string]string{"statecode": "0", "estimatedvalue": "100"}}})
	if err != nil || len(res) != 1 {
		t.Fatalf("write: %v %+v", err, res)
	}
	if connector.CategoryOf(res[0].Err) != connector.CatConflict {
		t.Errorf("win of an opportunity renamed after the read: %v, want a conflict", res[0].Err)
	}
	row, _ := e.sim.Get("opportunities", opp.ID)
	if got := fmt.Sprint(row.Fields["name"], "/", row.Fields["statecode"], "/", row.Fields["estimatedvalue"]); got != "Renamed by a person/0/100" {
		t.Errorf("opportunity %s name/statecode/estimatedvalue %s, want Renamed by a person/0/100 (nothing of the change set written)", opp.ID, got)
	}
	if n := len(e.sim.OpportunityCloses(opp.ID)); n != 0 {
		t.Errorf("opportunity %s closed %d times, want none", opp.ID, n)
	}
}

// TestTableWithoutVersionsStillUpdated: a table without optimistic
// concurrency refuses a row version (OptimisticConcurrencyNotEnabled). The
// update read there goes again with If-Match: *, and so do the table's
// later updates: the row is written, and no record fails for it.
func TestTableWithoutVersionsStillUpdated(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 33})
	c := e.connect(t)
	ctx := t.Context()
	if err := e.sim.DisableOptimisticConcurrency("contacts"); err != nil {
		t.Fatal(err)
	}
	one, err := e.sim.Create("contacts", map[string]any{"lastname": "One", "jobtitle": "Buyer"})
	if err != nil {
		t.Fatal(err)
	}
	two, err := e.sim.Create("contacts", map[string]any{"lastname": "Two", "jobtitle": "Buyer"})
	if err != nil {
		t.Fatal(err)
	}
	readAll(ctx, t, c, "contacts")
	for _, id := range []string{one.ID, two.ID} {
		res, err := c.Write(ctx, "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: id, Fields: map[string]string{"jobtitle": "Written"}}})
		if err != nil || res[0].Err != nil {
			t.Fatalf("update of %s in a table without optimistic concurrency: %v %+v", id, err, res)
		}
		if row, _ := e.sim.Get("contacts", id); fmt.Sprint(row.Fields["jobtitle"]) != "Written" {
			t.Errorf("contact %s title %v, want Written", id, row.Fields["jobtitle"])
		}
	}
}

// twoBuyers makes the two contacts the conditional-write tests read: the
// one a person then edits and the one nobody touches.
func twoBuyers(t *testing.T, e *env) (edited, calm dsim.Record) {
	t.Helper()
	var err error
	if edited, err = e.sim.Create("contacts", map[string]any{"lastname": "Edited", "jobtitle": "Buyer"}); err != nil {
		t.Fatal(err)
	}
	if calm, err = e.sim.Create("contacts", map[string]any{"lastname": "Calm", "jobtitle": "Buyer"}); err != nil {
		t.Fatal(err)
	}
	return edited, calm
}
