package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
)

// TestZohoLockedRecordFailsAlone: a Zoho contact under a record lock
// (a locking rule, or a user's lock) is refused its update with
// RECORD_LOCKED, naming the record's own id (crm-oas v8.0 updateRecords
// recordlockederror). The run's error row names the record with Zoho's
// code and words, as the record's problem saying it waits for an unlock:
// not a passing fault on Zoho's side ("server"), nor a field "id" to fix.
// The other contact is written, the connection stays connected, and once
// unlocked the edit is written.
func TestZohoLockedRecordFailsAlone(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 4703, 6, "zoho", "zc", app.DemoZohoSync("s", "hs", "zc"))
	zc := srv.Zoho()
	links := syncLinks(t, a, "s")
	locked, free := links[0], links[1]
	if err := zc.LockRecord("Contacts", locked.BID, true); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{locked.AID, free.AID} {
		if _, err := srv.HubSpot().Update("contacts", l, map[string]string{"jobtitle": "Locked in Zoho"}); err != nil {
			t.Fatal(err)
		}
	}
	_, errs := runAndErrors(t, a, "s")
	if len(errs) != 1 || errs[0].RecordID != locked.BID || errs[0].Code != "RECORD_LOCKED" ||
		!strings.Contains(errs[0].Message, "the record is locked") {
		t.Fatalf("run errors %+v; want %s failed with Zoho's RECORD_LOCKED", errs, locked.BID)
	}
	if c := errs[0].Category; c == string(connector.CatServer) || c == string(connector.CatConflict) {
		t.Errorf("locked record's category %q; it is neither a passing fault on Zoho's side nor a conflict", c)
	}
	if errs[0].Field != "" {
		t.Errorf("locked record's error names field %q; the lock is the record's, no field to fix", errs[0].Field)
	}
	if !strings.Contains(errs[0].Message, "unlock") {
		t.Errorf("message %q does not say the record is written once unlocked", errs[0].Message)
	}
	if r, _ := zc.Get("Contacts", free.BID); r.Fields["Title"] != "Locked in Zoho" {
		t.Errorf("unlocked contact %s Title %q; want the edit written", free.BID, r.Fields["Title"])
	}
	if st, d := connStatus(t, a, "zc"); st != "connected" {
		t.Errorf("connection zc: %q (%s); a locked record is no account or sign-in problem", st, d)
	}

	if err := zc.LockRecord("Contacts", locked.BID, false); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true, Trigger: app.TriggerRetry})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the unlock: %v %+v %v", err, res.Summary, res.Failures)
	}
	if r, _ := zc.Get("Contacts", locked.BID); r.Fields["Title"] != "Locked in Zoho" {
		t.Errorf("contact %s Title %q after the unlock; want the edit written", locked.BID, r.Fields["Title"])
	}
}
