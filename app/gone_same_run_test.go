package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// goneRun edits the partner of a record deleted on the other side since the
// last run and runs the sync once: the write meets the vendor's "no such
// record" answer. It returns that run.
func goneRun(t *testing.T, a *app.App, name string, edit func() error) app.RunResult {
	t.Helper()
	time.Sleep(5 * time.Millisecond)
	if err := edit(); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), name, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res
}

// assertGoneHeld checks a run whose update met a record deleted since the
// last read: no failure, a warning naming the record and its partner, and
// a run after that writes and fails nothing.
func assertGoneHeld(t *testing.T, a *app.App, name string, res app.RunResult, gone, kept string) {
	t.Helper()
	if s := res.Summary; s.Failed != 0 || s.Status != "success" || s.Updated != 0 {
		t.Fatalf("run %+v: want the deleted record held, not failed\n%s", s, res.Plan.Summary())
	}
	var warned bool
	for _, w := range res.Plan.Warnings {
		warned = warned || strings.Contains(w, gone+" was deleted") && strings.Contains(w, kept+" was left as it is")
	}
	if !warned {
		t.Fatalf("warnings %q: want one saying %s was deleted and %s left as it is", res.Plan.Warnings, gone, kept)
	}
	d, err := a.RunDetail(context.Background(), res.Summary.RunID)
	if err != nil || len(d.Errors) != 0 {
		t.Fatalf("run errors %+v %v, want none", d.Errors, err)
	}
	if again := runOK(t, a, name); again.Summary.Created+again.Summary.Updated+again.Summary.Failed != 0 {
		t.Fatalf("run after %+v\n%s", again.Summary, again.Plan.Summary())
	}
}

// TestGoneInHubSpotHeldSameRun: a linked HubSpot contact is archived
// and its Salesforce Contact edited. The ready-made sync reads no HubSpot
// deletes, so the update meets HubSpot's OBJECT_NOT_FOUND; that is the
// delete, held in this run: no failure, a warning, the Salesforce Contact
// kept and nothing created in HubSpot.
func TestGoneInHubSpotHeldSameRun(t *testing.T) {
	a, srv := connectedSandbox(t, 41, 20)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	runOK(t, a, "contacts")
	l := syncLinks(t, a, "contacts")[0]
	hsCount := hs.Count("contacts")
	if !hs.Archive("contacts", l.AID) {
		t.Fatal("archive failed")
	}
	res := goneRun(t, a, "contacts", func() error {
		_, err := sf.Update("Contact", l.BID, map[string]string{"Title": "Audit: edited after the archive"})
		return err
	})
	assertGoneHeld(t, a, "contacts", res, l.AID, l.BID)
	if _, ok := sf.Get("Contact", l.BID); !ok {
		t.Fatalf("Salesforce Contact %s deleted", l.BID)
	}
	if n := hs.Count("contacts"); n != hsCount-1 {
		t.Fatalf("HubSpot contacts %d → %d, want the archived one not created again", hsCount, n)
	}
}

// TestGoneInSalesforceHeldSameRun: the mirror case. Salesforce's
// deletes are read, so only a Contact deleted between the plan's read and
// its write reaches the update, which meets ENTITY_IS_DELETED on the
// Contact's own id.
func TestGoneInSalesforceHeldSameRun(t *testing.T) {
	a, srv := connectedSandbox(t, 41, 20)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	runOK(t, a, "contacts")
	l := syncLinks(t, a, "contacts")[0]
	sfCount := sf.Count("Contact")
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("contacts", l.AID, map[string]string{"jobtitle": "Audit: edited before the delete"}); err != nil {
		t.Fatal(err)
	}
	deleted := false
	deleteOnceStored := func(p engine.Progress) {
		if p.Phase == "store" && p.Done == p.Total && !deleted {
			deleted = sf.Delete("Contact", l.BID)
		}
	}
	res, err := a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true, Progress: deleteOnceStored})
	if err != nil || !deleted {
		t.Fatalf("run: %v (deleted between plan and write: %v)", err, deleted)
	}
	assertGoneHeld(t, a, "contacts", res, l.BID, l.AID)
	if _, ok := hs.Get("contacts", l.AID); !ok {
		t.Fatalf("HubSpot contact %s deleted", l.AID)
	}
	if n := sf.Count("Contact"); n != sfCount-1 {
		t.Fatalf("Salesforce Contacts %d → %d, want the deleted one not created again", sfCount, n)
	}
}
