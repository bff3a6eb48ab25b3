package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestSalesforceLockedRowInRun: a Salesforce contact's row is held by
// another transaction (UNABLE_TO_LOCK_ROW). Held for one call, the run
// still writes it; held throughout, the run fails that record with
// Salesforce's message and the next run, the lock gone, writes it.
func TestSalesforceLockedRowInRun(t *testing.T) {
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := app.DemoSync("contacts", "hs", "sf")
	sf := srv.Salesforce()
	l := openAfterSchemaChange(t, a, srv, clock, def, func() error { return nil })

	sf.LockRow(l.BID, 1)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"jobtitle": "Head of Locks"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	_, errs := runAndErrors(t, a, def.Name)
	if len(errs) != 0 {
		t.Fatalf("a row locked for one call failed the run: %+v", errs)
	}
	if rec, _ := sf.Get("Contact", l.BID); rec.Fields["Title"] != "Head of Locks" {
		t.Fatalf("Title = %q after a lock held for one call", rec.Fields["Title"])
	}

	sf.LockRow(l.BID, -1)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"jobtitle": "Still Locked"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	_, errs = runAndErrors(t, a, def.Name)
	failed := false
	for _, e := range errs {
		failed = failed || e.RecordID == l.BID && e.Code == "UNABLE_TO_LOCK_ROW" &&
			strings.Contains(e.Message, "unable to obtain exclusive access to this record")
	}
	if !failed {
		t.Fatalf("a row locked throughout does not fail %s with Salesforce's message: %+v", l.BID, errs)
	}

	sf.LockRow(l.BID, 0)
	clock.step(2 * time.Minute)
	if _, errs = runAndErrors(t, a, def.Name); len(errs) != 0 {
		t.Fatalf("the next run failed: %+v", errs)
	}
	if rec, _ := sf.Get("Contact", l.BID); rec.Fields["Title"] != "Still Locked" {
		t.Fatalf("the next run did not write the record the lock held: Title %q", rec.Fields["Title"])
	}
}
