package dynamics

import (
	"fmt"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestCloseOfClosedOpportunityNamesState: a person closed the
// opportunity as Lost after crmsync read it Open, and the sync's write
// closes it as Won (its amount with it). Dataverse closes only an open
// opportunity: WinOpportunity answers OpportunityIsAlreadyClosed
// (0x80040515, "The opportunity is already closed.", web service error
// codes). That record fails alone naming the row, the state column and
// Microsoft's message, and its change set writes nothing: the person's
// Lost and the old amount stay.
func TestCloseOfClosedOpportunityNamesState(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 12})
	c := e.connect(t)
	opp, err := e.sim.Create("opportunities", map[string]any{"name": "Closed meanwhile", "estimatedvalue": 100})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.sim.Create("opportunities", map[string]any{"name": "Still open"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.CloseOpportunity(opp.ID, false, -1); err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(t.Context(), "opportunities", []connector.Op{
		{Kind: connector.OpUpdate, ID: opp.ID, Fields: map[string]string{"statecode": "1", "estimatedvalue": "999"},
			Was: map[string]string{"statecode": "0", "estimatedvalue": "100"}},
		{Kind: connector.OpUpdate, ID: other.ID, Fields: map[string]string{"statecode": "1"}, Was: map[string]string{"statecode": "0"}},
	})
	if err != nil || len(res) != 2 {
		t.Fatalf("write: %v %+v", err, res)
	}
	re, ok := res[0].Err.(*connector.RecordError)
	if !ok {
		t.Fatalf("win of an opportunity already lost: %#v, want a record error", res[0])
	}
	if re.RecordID != opp.ID || re.Field != "statecode" || re.Code != "0x80040515" || re.Message != "The opportunity is already closed." {
		t.Errorf("refusal names record %q field %q code %q message %q; want %s, statecode, 0x80040515 and Dataverse's message",
			re.RecordID, re.Field, re.Code, re.Message, opp.ID)
	}
	row, _ := e.sim.Get("opportunities", opp.ID)
	if got := fmt.Sprint(row.Fields["statecode"], "/", row.Fields["estimatedvalue"]); got != "2/100" {
		t.Errorf("opportunity %s statecode/estimatedvalue %s after the refused close, want 2/100 (Lost as the person left it, nothing written)", opp.ID, got)
	}
	if res[1].Err != nil {
		t.Fatalf("the other record: %v", res[1].Err)
	}
	wantOpportunity(t, e, other.ID, "Still open", "1", "3")
}
