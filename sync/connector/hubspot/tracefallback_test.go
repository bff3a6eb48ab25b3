package hubspot

import (
	"fmt"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestBatchCreateResultsCarryTraceID: HubSpot's batch results echo
// each input's objectWriteTraceId (SimplePublicObject.objectWriteTraceId;
// the error-handling guide: with a trace id per input "the response will
// show which records were created and which were not"), and a failed
// input's error names it in its context. A create whose values HubSpot
// stores in another form (a datetime without milliseconds comes back with
// them) must still be matched to its record: reported as "no result", the
// record HubSpot made is failed and created again on the next run. One bad
// input in the batch fails alone, named by its own trace id.
func TestBatchCreateResultsCarryTraceID(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 5})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	before := e.sim.Count("deals")
	var ops []connector.Op
	for i := range 5 {
		f := map[string]string{"dealname": fmt.Sprintf("Renewal %d", i), "closedate": "2026-12-10T15:00:00Z"}
		if i == 3 {
			f["amount"] = "a lot" // HubSpot refuses it: INVALID_DECIMAL
		}
		ops = append(ops, connector.Op{Kind: connector.OpCreate, Fields: f})
	}
	res, err := c.Write(t.Context(), "deals", ops)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.sim.Count("deals") - before; got != 4 {
		t.Fatalf("HubSpot holds %d new deals; want the 4 valid ones", got)
	}
	for i, r := range res {
		if i == 3 {
			if r.Err == nil || r.ID != "" {
				t.Errorf("deal %d (amount \"a lot\"): %+v; want its own validation error", i, r)
			}
			continue
		}
		if r.Err != nil || r.ID == "" {
			t.Errorf("deal %d: %+v; want the id of the deal HubSpot created", i, r)
			continue
		}
		d, ok := e.sim.Get("deals", r.ID)
		if !ok || d.Properties["dealname"] != fmt.Sprintf("Renewal %d", i) {
			t.Errorf("deal %d got id %s, which holds %+v", i, r.ID, d.Properties)
		}
	}
}
