package dynamics

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestStatusReasonOnlyRefusalNamesRecordAndField: a sync that maps
// an opportunity's statuscode alone and writes a Won reason (3) onto an
// open opportunity is refused by Dataverse (a reason of another state);
// the record fails alone, and its error names the record, the field and
// Dataverse's own words, so the run's errors say what to map.
func TestStatusReasonOnlyRefusalNamesRecordAndField(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 14})
	c := e.connect(t)
	open, err := e.sim.Create("opportunities", map[string]any{"name": "Reason only"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.sim.Create("opportunities", map[string]any{"name": "Untouched"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(t.Context(), "opportunities", []connector.Op{
		{Kind: connector.OpUpdate, ID: open.ID, Fields: map[string]string{"statuscode": "3"}},
		{Kind: connector.OpUpdate, ID: other.ID, Fields: map[string]string{"name": "Renamed"}},
	})
	if err != nil || len(res) != 2 {
		t.Fatalf("write: %v %+v", err, res)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) {
		t.Fatalf("statuscode 3 on an open opportunity: %+v, want Dataverse's refusal of that record", res[0])
	}
	if re.RecordID != open.ID || re.Field != "statuscode" || !strings.Contains(re.Message, "3") {
		t.Fatalf("refusal %+v: want record %s, field statuscode and Dataverse's message naming the reason", re, open.ID)
	}
	t.Logf("Dataverse's words: %s %s", re.Code, re.Message)
	wantOpportunity(t, e, open.ID, "Reason only", "0", "1")
	if res[1].Err != nil {
		t.Fatalf("the other record: %v", res[1].Err)
	}
	wantOpportunity(t, e, other.ID, "Renamed", "0", "1")
}
