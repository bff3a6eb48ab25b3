package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestLiveContactWithRefusedAccountIsNotGone: a HubSpot contact is
// moved to a company whose linked Salesforce Account was purged since
// (the companies sync has not seen it), and Salesforce refuses that
// AccountId with INVALID_CROSS_REFERENCE_KEY naming no field, the answer
// it also gives for the Contact itself purged. The live Contact is not
// held as deleted: the run fails that record, naming it, AccountId and
// Salesforce's words, the store keeps the Contact live, and once the
// contact points at a live company the next run writes the edit made
// with the move: nothing is lost.
func TestLiveContactWithRefusedAccountIsNotGone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, srv := connectedSandbox(t, 43, 20)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies"))
	runOK(t, a, "companies")
	runOK(t, a, "contacts")
	companies := syncLinks(t, a, "companies")
	l := syncLinks(t, a, "contacts")[0]
	c, _ := hs.Get("contacts", l.AID)
	var others []store.LinkRow // companies the contact is not at
	for _, co := range companies {
		if co.AID != c.Properties["associatedcompanyid"] {
			others = append(others, co)
		}
	}
	if len(others) < 2 {
		t.Fatalf("want two linked companies besides the contact's, have %d", len(others))
	}
	purged, live := others[0], others[1]
	if !sf.Purge("Account", purged.BID) {
		t.Fatalf("purge of Account %s failed", purged.BID)
	}
	sf.RefusedReferenceNamesNoField(true)
	time.Sleep(5 * time.Millisecond) // past the read cursors' millisecond
	if err := hs.SetPrimaryCompany("contacts", l.AID, purged.AID); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("contacts", l.AID, map[string]string{"jobtitle": "Audited"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Plan.Warnings {
		if strings.Contains(w, l.BID+" was deleted") {
			t.Errorf("warning %q: the live Contact %s taken for deleted", w, l.BID)
		}
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	said := false
	for _, e := range d.Errors {
		said = said || e.RecordID == l.BID && e.Field == "AccountId" && strings.Contains(e.Message, "invalid cross reference id")
	}
	if res.Summary.Failed != 1 || !said {
		t.Errorf("run %+v, errors %+v: want Contact %s failed naming AccountId and Salesforce's message", res.Summary, d.Errors, l.BID)
	}
	row, err := a.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := a.DB().Records(ctx, row.ID, "b", []string{l.BID})
	if err != nil || len(recs) != 1 || recs[0].Deleted {
		t.Errorf("stored Contact %s: %+v %v, want it live", l.BID, recs, err)
	}

	// The person points the contact at a live company: the edit arrives.
	sf.RefusedReferenceNamesNoField(false)
	time.Sleep(5 * time.Millisecond)
	if err := hs.SetPrimaryCompany("contacts", l.AID, live.AID); err != nil {
		t.Fatal(err)
	}
	runOK(t, a, "contacts")
	if r, ok := sf.Get("Contact", l.BID); !ok || r.Fields["Title"] != "Audited" || r.Fields["AccountId"] != live.BID {
		t.Errorf("Contact %s after the move: %+v, want Title Audited and Account %s", l.BID, r, live.BID)
	}
}
