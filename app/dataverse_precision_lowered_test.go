package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	dvsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestDecimalPrecisionLoweredInsideCacheDay: a Dataverse Decimal
// column of 4 places holds a HubSpot deal's 1234.5678. Within the day the
// table's definition is cached, a maker lowers the column to 2 places, and
// a HubSpot user sets the amount to 2000.1234. Dataverse stores the write
// as 2000.12: the next runs must not take that rounding for a Dataverse
// edit and write it back over HubSpot's 2000.1234.
func TestDecimalPrecisionLoweredInsideCacheDay(t *testing.T) {
	ctx := context.Background()
	a, srv, deal, defs := dataverseAmountColumn(t, dvsim.DecimalColumn, 4, "Audit lowered precision", "1234.5678")
	dv, hs := srv.Dynamics(), srv.HubSpot()
	deals, res := runLinkedThenDeals(t, a, defs)
	if res.Summary.Status != "success" {
		t.Fatalf("deals run: %+v", res.Summary)
	}
	if got := storedAmount(dv, "Audit lowered precision"); got != "1234.5678" {
		t.Fatalf("the opportunity holds %q, want 1234.5678 at 4 places", got)
	}
	if err := dv.SetNumberPrecision("opportunities", amountColumn, 2); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("deals", deal.ID, map[string]string{"amount": "2000.1234"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		before := dataverseCalls(dv)
		res, err := a.Run(ctx, deals, app.RunOptions{Confirm: true})
		t.Logf("run %d: %d Dataverse calls", i+1, dataverseCalls(dv)-before) // 4, 11 (the definition read again), 2
		if err != nil || res.Summary.Status != "success" {
			t.Fatalf("deals run %d after the change: %v %+v", i+1, err, res.Summary)
		}
		if i > 0 && res.Summary.Created+res.Summary.Updated != 0 {
			t.Errorf("deals run %d after the change wrote %d records, want none", i+1, res.Summary.Created+res.Summary.Updated)
		}
	}
	if got := storedAmount(dv, "Audit lowered precision"); got != "2000.12" {
		t.Errorf("the opportunity holds %q, want 2000.12 (2 places now)", got)
	}
	h, _ := hs.Get("deals", deal.ID)
	if got := strings.TrimSuffix(h.Properties["amount"], ".0"); got != "2000.1234" {
		t.Errorf("HubSpot's deal of 2000.1234 became %q: Dataverse's rounding came back", got)
	}
	// A value Dataverse stores as sent refreshes nothing: only the
	// rounding of a changed precision costs the definition's calls.
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("deals", deal.ID, map[string]string{"amount": "2000.5"}); err != nil {
		t.Fatal(err)
	}
	defs0 := definitionCalls(dv)
	for i := range 2 {
		if res, err := a.Run(ctx, deals, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("deals run %d after 2000.5: %v %+v", i+1, err, res.Summary)
		}
	}
	if n := definitionCalls(dv) - defs0; n != 0 {
		t.Errorf("writing 2000.5, stored as sent, read the table's definition again (%d times)", n)
	}
	if got := storedAmount(dv, "Audit lowered precision"); got != "2000.5" {
		t.Errorf("the opportunity holds %q, want 2000.5", got)
	}
}

// storedAmount is amountColumn of the opportunity called name, as text.
func storedAmount(dv *dvsim.Sim, name string) string {
	for _, r := range dv.Records("opportunities") {
		if r.Fields["name"] == name {
			return numText(r.Fields[amountColumn])
		}
	}
	return ""
}

// dataverseCalls is how many requests the Dataverse sandbox has answered.
func dataverseCalls(dv *dvsim.Sim) int64 {
	var n int64
	for _, c := range dv.Stats() {
		n += c
	}
	return n
}

// definitionCalls is how many full reads of a table's definition the
// Dataverse sandbox has answered: the read of its Decimal columns'
// Precision is one of them (a session's check of secured columns is not).
func definitionCalls(dv *dvsim.Sim) int64 {
	var n int64
	for k, c := range dv.Stats() {
		if strings.Contains(k, "DecimalAttributeMetadata") {
			n += c
		}
	}
	return n
}
