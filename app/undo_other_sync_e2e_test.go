package app_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestUndoLeavesAnotherSyncsLaterWrite: HubSpot contacts are synced
// with Salesforce (sf-contacts) and with Pipedrive (pd-contacts). Run N of
// sf-contacts copies a Salesforce first name "Xena" to HubSpot; a person
// then types "Zed" in HubSpot, pd-contacts copies it to Pipedrive, someone
// there types "Xena" back and pd-contacts' run M writes "Xena" to HubSpot.
// HubSpot holds the value run N wrote, but it is run M's newer write: undoing
// run N must not write its old first name over it; it asks, naming run M,
// as it does for a later run of its own sync.
func TestUndoLeavesAnotherSyncsLaterWrite(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 7311, 4)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoSync("sf-contacts", "hs", "sf"), app.DemoPipedriveSync("pd-contacts", "hs", "pd", ""))
	if _, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil); err != nil {
		t.Fatal(err)
	}
	hs, sf, pd := srv.HubSpot(), srv.Salesforce(), srv.Pipedrive()
	pdOf := map[string]string{} // HubSpot id -> Pipedrive person id
	for _, l := range syncLinks(t, a, "pd-contacts") {
		pdOf[l.AID] = l.BID
	}
	var hsID, sfID, pdID string
	for _, l := range syncLinks(t, a, "sf-contacts") {
		h, _ := hs.Get("contacts", l.AID)
		// Pipedrive's name splits before its last word: a one-word last name.
		if p, ok := pdOf[l.AID]; ok && h.Properties["lastname"] != "" && !strings.Contains(h.Properties["lastname"], " ") {
			hsID, sfID, pdID = l.AID, l.BID, p
			break
		}
	}
	if hsID == "" {
		t.Fatal("no HubSpot contact linked by both syncs")
	}
	h, _ := hs.Get("contacts", hsID)
	old, last := h.Properties["firstname"], h.Properties["lastname"]
	pause := func() { time.Sleep(1100 * time.Millisecond) } // the vendors keep modified times to the second
	pause()
	if _, err := sf.Update("Contact", sfID, map[string]string{"FirstName": "Xena"}); err != nil {
		t.Fatal(err)
	}
	runN := runUpdating(ctx, t, a, "sf-contacts", 1).Summary.RunID
	pause()
	if _, err := hs.Update("contacts", hsID, map[string]string{"firstname": "Zed"}); err != nil {
		t.Fatal(err)
	}
	runUpdating(ctx, t, a, "pd-contacts", 1)
	pause()
	pid, _ := strconv.ParseInt(pdID, 10, 64)
	if _, err := pd.UpdatePerson(pid, map[string]any{"name": "Xena " + last}); err != nil {
		t.Fatal(err)
	}
	runM := runUpdating(ctx, t, a, "pd-contacts", 1).Summary.RunID
	if h, _ := hs.Get("contacts", hsID); h.Properties["firstname"] != "Xena" {
		t.Fatalf("pd-contacts run %d left HubSpot %s firstname %q; want %q", runM, hsID, h.Properties["firstname"], "Xena")
	}
	u := undoLogged(ctx, t, a, runN)
	if h, _ := hs.Get("contacts", hsID); h.Properties["firstname"] != "Xena" {
		t.Fatalf("HubSpot %s firstname after undoing sf-contacts run %d: %q (its old value %q); pd-contacts run %d's later write of %q was reverted",
			hsID, runN, h.Properties["firstname"], old, runM, "Xena")
	}
	if u.Summary.Updated != 0 {
		t.Errorf("the undo wrote %d records; want none", u.Summary.Updated)
	}
	item := openItemOf(t, a, "sf-contacts", hsID)
	if item.ID == 0 {
		t.Fatalf("the undo of run %d left %s's firstname without a word", runN, hsID)
	}
	if reason := reasonOf(t, item); !strings.Contains(reason, fmt.Sprintf("run %d", runM)) || !strings.Contains(reason, "pd-contacts") {
		t.Errorf("the undo's item says %q; want it to name run %d of pd-contacts, which wrote the value since", reason, runM)
	}
}
