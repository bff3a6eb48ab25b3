package dynamics

import (
	"fmt"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// wantOpportunity checks an opportunity's name, statecode and statuscode
// in the sandbox.
func wantOpportunity(t *testing.T, e *env, id, name, state, status string) {
	t.Helper()
	row, ok := e.sim.Get("opportunities", id)
	if !ok {
		t.Fatalf("opportunity %s is gone", id)
	}
	if got := fmt.Sprint(row.Fields["name"], "/", row.Fields["statecode"], "/", row.Fields["statuscode"]); got != name+"/"+state+"/"+status {
		t.Errorf("opportunity %s: name/statecode/statuscode %s, want %s/%s/%s", id, got, name, state, status)
	}
}

// TestOpportunityClosedThroughWinAndLose: Dataverse refuses an update
// that sets an opportunity's statecode to Won or Lost (0x80100005), so a
// sync that closes deals goes through the WinOpportunity and
// LoseOpportunity actions, with the other columns written alongside; an
// update of statecode 0 reopens it, and a create of a closed opportunity
// is a create, then its close.
func TestOpportunityClosedThroughWinAndLose(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 12})
	c := e.connect(t)
	ctx := t.Context()
	open, err := e.sim.Create("opportunities", map[string]any{"name": "Big deal"})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		fields                     map[string]string
		wantName, wantState, wantS string
	}{
		{map[string]string{"name": "Big deal won", "statecode": "1", "statuscode": "3"}, "Big deal won", "1", "3"},
		{map[string]string{"statecode": "0"}, "Big deal won", "0", "1"},
		{map[string]string{"statecode": "2"}, "Big deal won", "2", "4"},
		{map[string]string{"statecode": "0", "statuscode": "2"}, "Big deal won", "0", "2"},
		{map[string]string{"statecode": "2", "statuscode": "5"}, "Big deal won", "2", "5"},
	}
	for i, s := range steps {
		res, err := c.Write(ctx, "opportunities", []connector.Op{{Kind: connector.OpUpdate, ID: open.ID, Fields: s.fields}})
		if err != nil || len(res) != 1 || res[0].Err != nil {
			t.Fatalf("step %d %v: %v %+v", i, s.fields, err, res)
		}
		wantOpportunity(t, e, open.ID, s.wantName, s.wantState, s.wantS)
	}

	res, err := c.Write(ctx, "opportunities", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "Won at once", "statecode": "1", "statuscode": "3"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "Lost at once", "statecode": "2"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "Still open", "statecode": "0"}},
	})
	if err != nil || len(res) != 3 {
		t.Fatalf("creates: %v %+v", err, res)
	}
	for i, want := range [][3]string{{"Won at once", "1", "3"}, {"Lost at once", "2", "4"}, {"Still open", "0", "1"}} {
		if res[i].Err != nil || !res[i].Created {
			t.Fatalf("create %d: %+v", i, res[i])
		}
		wantOpportunity(t, e, res[i].ID, want[0], want[1], want[2])
	}
	stats := e.sim.Stats()
	if stats["BATCH POST /api/data/v9.2/WinOpportunity"] != 2 || stats["BATCH POST /api/data/v9.2/LoseOpportunity"] != 3 {
		t.Errorf("calls: %v", stats)
	}
}

// TestOpportunityCloseRefusedFailsThatRecord: a close Dataverse
// refuses (a Won status reason for Lost) fails that record alone, with
// Dataverse's message, and writes none of its other columns.
func TestOpportunityCloseRefusedFailsThatRecord(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 12})
	c := e.connect(t)
	a, err := e.sim.Create("opportunities", map[string]any{"name": "A"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.sim.Create("opportunities", map[string]any{"name": "B"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(t.Context(), "opportunities", []connector.Op{
		{Kind: connector.OpUpdate, ID: a.ID, Fields: map[string]string{"name": "A renamed", "statecode": "2", "statuscode": "3"}},
		{Kind: connector.OpUpdate, ID: b.ID, Fields: map[string]string{"name": "B won", "statecode": "1"}},
	})
	if err != nil || len(res) != 2 {
		t.Fatalf("write: %v %+v", err, res)
	}
	if res[0].Err == nil {
		t.Errorf("a Won reason for Lost: %+v, want Dataverse's refusal", res[0])
	} else if re, ok := res[0].Err.(*connector.RecordError); !ok || re.RecordID != a.ID || re.Message == "" {
		t.Errorf("refusal %#v names no record or message", res[0].Err)
	}
	wantOpportunity(t, e, a.ID, "A", "0", "1")
	if res[1].Err != nil {
		t.Fatalf("B: %v", res[1].Err)
	}
	wantOpportunity(t, e, b.ID, "B won", "1", "3")
}

// TestWonOpportunityLostReopensFirst: Dataverse closes only an open
// opportunity, so a won deal that becomes lost (the plan read it Won) is
// reopened and lost in one change set; its other columns go with it.
func TestWonOpportunityLostReopensFirst(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 12})
	c := e.connect(t)
	ctx := t.Context()
	res, err := c.Write(ctx, "opportunities", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "Flip", "statecode": "1", "statuscode": "3"}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("create: %v %+v", err, res)
	}
	id := res[0].ID
	res, err = c.Write(ctx, "opportunities", []connector.Op{{Kind: connector.OpUpdate, ID: id,
		Fields: map[string]string{"name": "Flip lost", "statecode": "2", "statuscode": "5"},
		Was:    map[string]string{"name": "Flip", "statecode": "1", "statuscode": "3"}}})
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("won to lost: %v %+v", err, res)
	}
	wantOpportunity(t, e, id, "Flip lost", "2", "5")
}
