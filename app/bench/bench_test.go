package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestBenchCallRatio runs the benchmark at CI size with the sandboxes' real
// rate limits and asserts what is deterministic: API calls against the
// vendors' floor. It asserts no time.
func TestBenchCallRatio(t *testing.T) {
	if testing.Short() {
		t.Skip("the CI-sized benchmark takes about 40 s")
	}
	contacts := 2000
	if raceEnabled {
		contacts = 1000
	}
	var log bytes.Buffer
	rep, err := Run(context.Background(), Options{Contacts: contacts, ChangedPercent: 10, Home: t.TempDir(), Out: &log})
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, log.String())
	}
	var table bytes.Buffer
	rep.Text(&table)
	t.Log("\n" + table.String())
	if len(rep.Runs) != 4 {
		t.Fatalf("want 4 runs, got %d", len(rep.Runs))
	}
	initial, echo, still, changed := rep.Runs[0], rep.Runs[1], rep.Runs[2], rep.Runs[3]

	// The initial sync reads everything and creates the ~70 % each side lacks.
	if initial.ReadA < contacts || initial.ReadB < contacts || initial.CreateA < contacts/2 || initial.CreateB < contacts/2 {
		t.Fatalf("initial run did not do the expected work: %+v", initial)
	}
	// Reads and writes at the floor. Metadata (schema, API version) was
	// fetched when the sync was saved and is cached per connection, so no
	// run spends a call on it.
	for _, r := range rep.Runs {
		for _, s := range r.Sides {
			if got, floor := s.ReadCalls+s.WriteCalls, s.Floor; float64(got) > 1.05*float64(floor)+1 {
				t.Errorf("%s run, %s: %d read+write calls for a floor of %d\n%v", r.Name, s.Vendor, got, floor, s.Endpoints)
			}
			if s.OtherCalls != 0 {
				t.Errorf("%s run, %s: %d metadata calls, want 0 (cached): %v", r.Name, s.Vendor, s.OtherCalls, s.Endpoints)
			}
		}
	}
	// Everything counted: the targets, 1.05 x the floor.
	for _, r := range []RunReport{initial, changed} {
		if float64(r.Calls) > math.Ceil(1.05*float64(r.Floor)) {
			t.Errorf("%s run: %d calls for a floor of %d (ratio %.3f)", r.Name, r.Calls, r.Floor, r.Ratio)
		}
	}
	// Nothing changed anywhere: one read call per side, no writes.
	for _, s := range still.Sides {
		if s.ReadCalls != 1 || s.WriteCalls > 0 {
			t.Errorf("no-change run, %s: %d read and %d write calls, want exactly 1 read: %v", s.Vendor, s.ReadCalls, s.WriteCalls, s.Endpoints)
		}
	}
	if still.UpdateA+still.UpdateB+still.CreateA+still.CreateB != 0 {
		t.Errorf("no-change run planned writes: %+v", still)
	}
	// The echo of the initial run's writes merges as no-ops (no loop).
	if echo.UpdateA+echo.UpdateB+echo.CreateA+echo.CreateB != 0 {
		t.Errorf("echo run planned writes (a sync loop?): %+v", echo)
	}
	// P % of every linked pair was edited on each side, including the
	// records crmsync created, which keep seq 0 in the index.
	if links := initial.Linked + initial.CreateA + initial.CreateB; rep.Edited[0] != links*10/100 || rep.Edited[1] != links*10/100 {
		t.Errorf("edited HubSpot %d, Salesforce %d records; want 10 %% of the %d links each", rep.Edited[0], rep.Edited[1], links)
	}
	// The changed run propagates exactly the edits, across.
	if rep.Edited[0] == 0 || changed.UpdateB != rep.Edited[0] || changed.UpdateA != rep.Edited[1] {
		t.Errorf("changed run: edited HubSpot %d, Salesforce %d; planned updates A %d, B %d", rep.Edited[0], rep.Edited[1], changed.UpdateA, changed.UpdateB)
	}
	// The report serializes and its table names every run.
	if _, err := json.Marshal(rep); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"initial", "echo", "no-change", "10%-changed"} {
		if !strings.Contains(table.String(), name) {
			t.Errorf("table lacks run %q", name)
		}
	}
}

func TestFloorAndEndpointKinds(t *testing.T) {
	eps := map[string]int64{
		"POST /crm/objects/2026-03/contacts/search":       3,
		"POST /crm/objects/2026-03/contacts/batch/upsert": 2,
		"POST /crm/objects/2026-03/contacts/batch/read":   1,
		"GET /crm/properties/2026-03/contacts":            1,
		"POST /oauth/2026-03/token":                       5,
	}
	s := side("hubspot", eps, 401, 150, 0, hubspotPage, hubspotBatch)
	if s.ReadCalls != 3 || s.WriteCalls != 2 || s.OtherCalls != 2 || s.Calls != 7 {
		t.Fatalf("classified %+v", s)
	}
	if s.Floor != 3+2 {
		t.Fatalf("floor %d, want ceil(401/200)+ceil(150/100) = 5", s.Floor)
	}
	if f := side("salesforce", nil, 0, 0, 0, salesforcePage, salesforceBatch).Floor; f != 1 {
		t.Fatalf("a read of nothing still costs one call: floor %d", f)
	}
	for ep, want := range map[string]string{
		"GET /services/data/v67.0/query":                                       "read",
		"GET /services/data/v67.0/query/{locator}":                             "read",
		"PATCH /services/data/v67.0/composite/sobjects/Contact/Crmsync_Key__c": "write",
		"GET /services/data/v67.0/sobjects/Contact/describe":                   "other",
		"POST /services/oauth2/token":                                          "oauth",
	} {
		if got := endpointKind(ep); got != want {
			t.Errorf("%s: %s, want %s", ep, got, want)
		}
	}
}
