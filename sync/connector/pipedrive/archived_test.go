package pipedrive

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// msgAccountNotOpen is the description of 402 on Pipedrive's status codes
// page (pipedrive.readme.io/docs/core-api-concepts-http-status-codes);
// the exact error text of a live 402 is [unverified].
const msgAccountNotOpen = "Company account is not open (possible reason: trial expired, payment details not entered)"

// TestAccountNotOpenStopsWrite: Pipedrive answers every call of a
// company whose account is not open (trial expired, no payment details)
// with 402 Payment Required. No later call of the run can succeed, so the
// write stops at the first refusal with Pipedrive's words, instead of
// sending every record and filing each as a record the user must fix.
func TestAccountNotOpenStopsWrite(t *testing.T) {
	var closed atomic.Bool
	var posts atomic.Int64
	sim := pdsim.New(pdsim.Options{PathPrefix: "/pipedrive", Seed: 93})
	gate := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if closed.Load() && strings.HasPrefix(r.URL.Path, "/api/") {
			if r.Method == http.MethodPost {
				posts.Add(1)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusPaymentRequired)
			w.Write([]byte(`{"success":false,"error":"` + msgAccountNotOpen + `","error_info":"Please check developers.pipedrive.com for more information about Pipedrive API.","data":null,"additional_data":null}`))
			return
		}
		sim.ServeHTTP(w, r)
	})
	e := &env{sim: sim, base: conformance.Serve(t, "/pipedrive", gate)}
	c := e.connect(t)
	if _, err := c.Schema(t.Context(), "persons"); err != nil {
		t.Fatal(err)
	}
	closed.Store(true)
	ops := []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "Ann One"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "Bob Two"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "Cy Three"}},
	}
	res, err := c.Write(t.Context(), "persons", ops)
	if err == nil {
		var got []string
		for _, r := range res {
			got = append(got, r.Err.Error()+" (category "+string(connector.CategoryOf(r.Err))+")")
		}
		t.Fatalf("write to a closed account: no error, %d records sent, results %q; want the write stopped at the first 402", posts.Load(), got)
	}
	if !connector.Stops(t.Context(), err) || !strings.Contains(err.Error(), msgAccountNotOpen) {
		t.Errorf("write to a closed account: %v (category %s); want a stop with Pipedrive's words", err, connector.CategoryOf(err))
	}
	if n := posts.Load(); n != 1 {
		t.Errorf("write to a closed account sent %d records; want 1", n)
	}
	if sim.CountPersons() != 0 {
		t.Errorf("persons in the sandbox: %d; want 0", sim.CountPersons())
	}
}

// TestArchivedDealIsNotDeleted: GET /api/v2/deals "Returns data about
// all not archived deals" (v2 spec, getDeals; the archived ones are at GET
// /api/v2/deals/archived, getArchivedDeals). A deal archived in Pipedrive
// is still there: the ids ListIDs gives the engine, which takes a missing
// id for a delete to carry to the other side, must keep it.
func TestArchivedDealIsNotDeleted(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 94})
	live, err := e.sim.CreateDeal(map[string]any{"title": "Live deal"})
	if err != nil {
		t.Fatal(err)
	}
	shelved, err := e.sim.CreateDeal(map[string]any{"title": "Shelved deal"})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := e.sim.CreateDeal(map[string]any{"title": "Deleted deal"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.UpdateDeal(shelved.ID, map[string]any{"is_archived": true}); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.DeleteDeal(gone.ID); err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	var got []string
	for ids, err := range c.ListIDs(t.Context(), "deals") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids...)
	}
	slices.Sort(got)
	want := []string{strconv.FormatInt(live.ID, 10), strconv.FormatInt(shelved.ID, 10)}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("deal ids listed: %v; want %v (the live and the archived deal, not the deleted one)", got, want)
	}
}
