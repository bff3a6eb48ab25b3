package app_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// TestPipedriveRetiredEndpointFailsRunNotHeldDelete: Pipedrive answers
// 410 both for a purged record and for an endpoint it retired ("This
// endpoint is deprecated and out of support…", changelog 2026-08-01).
// When the person update endpoint answers the retirement, the run fails
// naming the endpoint and Pipedrive's words (a stop of the persons'
// writes, connector.CatTarget); it holds no delete and warns
// of none, and once the endpoint answers again the next run writes the
// edit (the person was never marked deleted in the store).
func TestPipedriveRetiredEndpointFailsRunNotHeldDelete(t *testing.T) {
	a, srv := syncedThrough(t, 41, 12, "pipedrive", "pd", app.DemoPipedriveSync("s", "hs", "pd", ""))
	pd, hs := srv.Pipedrive(), srv.HubSpot()
	l := syncLinks(t, a, "s")[0]
	const ep, msg = "PATCH /api/v2/persons/{id}", "This endpoint is deprecated and out of support. Use the API v2 endpoint instead."
	pd.Faults().RefuseEndpoint(ep, simkit.Refusal{Status: http.StatusGone, Message: msg})
	res := goneRunWith(t, a, "s", hubSpotEdit(hs, "contacts", l.AID, map[string]string{"firstname": "Audited"}), nil)
	// The retirement stops the persons' writes (one call, not one per
	// record): the run fails with the stop, not with a failed record.
	if s := res.Summary; s.Status == "success" || s.Stopped == nil {
		t.Fatalf("run %+v: want the update stopped by the retired endpoint\n%s", s, res.Plan.Summary())
	}
	for _, w := range res.Plan.Warnings {
		if strings.Contains(w, "was deleted") {
			t.Fatalf("warning %q: a retired endpoint read as a delete", w)
		}
	}
	if m := res.Summary.Message; !strings.Contains(m, ep) || !strings.Contains(m, msg) || connector.CategoryOf(res.Summary.Stopped) == connector.CatNotFound {
		t.Fatalf("run message %q: want it to name %s with Pipedrive's words, not as not found", m, ep)
	}
	pd.Faults().RefuseEndpoint(ep, simkit.Refusal{})
	again, err := a.Run(context.Background(), "s", app.RunOptions{Confirm: true, Trigger: app.TriggerRetry})
	if err != nil || again.Summary.Status != "success" || again.Summary.Updated == 0 {
		t.Fatalf("run once the endpoint answers: %+v %v\n%s", again.Summary, err, again.Plan.Summary())
	}
	id, err := strconv.ParseInt(l.BID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := pd.GetPerson(id); !ok || p.Deleted || p.FirstName != "Audited" {
		t.Fatalf("Pipedrive person %s after the endpoint answers again: %+v", l.BID, p)
	}
}
