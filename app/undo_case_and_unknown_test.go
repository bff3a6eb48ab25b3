package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestUndoAfterCaseOnlyEmailEdit: run 2 copies two HubSpot contacts'
// new addresses to Salesforce; a rep then retypes one there with capitals
// ("Case.Only@Example.com") and the other back to its old address with
// capitals. To HubSpot, to the planner (lowerRow) and to HubSpot's own
// Salesforce integration a case-only difference in an email is no change.
// Undoing run 2 must write the first old address back, as for an
// untouched field, and count the second as back already, rather than send
// either email to Review as somebody's change; the run after writes nothing.
func TestUndoAfterCaseOnlyEmailEdit(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 7101, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	retyped, backAgain := links[0], links[1]
	old := map[string]string{}
	for _, l := range links[:2] {
		c, _ := sf.Get("Contact", l.BID)
		old[l.BID] = c.Fields["Email"]
	}
	time.Sleep(5 * time.Millisecond)
	for i, l := range links[:2] {
		if _, err := hs.Update("contacts", l.AID, map[string]string{"email": []string{"case.only@example.com", "moved.away@example.com"}[i]}); err != nil {
			t.Fatal(err)
		}
	}
	run2 := runUpdating(ctx, t, a, "contacts", 2)
	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Update("Contact", retyped.BID, map[string]string{"Email": "Case.Only@Example.com"}); err != nil {
		t.Fatal(err)
	}
	capitalOld := strings.ToUpper(old[backAgain.BID])
	if _, err := sf.Update("Contact", backAgain.BID, map[string]string{"Email": capitalOld}); err != nil {
		t.Fatal(err)
	}
	u := undoLogged(ctx, t, a, run2.Summary.RunID)
	for _, it := range u.Plan.Review {
		t.Errorf("the undo sends a case-only difference to review: %+v", it)
	}
	if c, _ := sf.Get("Contact", retyped.BID); c.Fields["Email"] != old[retyped.BID] {
		t.Errorf("Salesforce %s email after the undo: %q; want the old %q back", retyped.BID, c.Fields["Email"], old[retyped.BID])
	}
	if c, _ := sf.Get("Contact", backAgain.BID); c.Fields["Email"] != capitalOld {
		t.Errorf("Salesforce %s email after the undo: %q; the rep's %q is the old address already", backAgain.BID, c.Fields["Email"], capitalOld)
	}
	// The next run leaves the undone address alone on both sides; the
	// rep's retyping of the other one is their edit, synced as without
	// an undo.
	after, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || after.Summary.Review != 0 {
		t.Fatalf("run after the undo: %v %+v\n%s", err, after.Summary, after.Plan.Summary())
	}
	if c, _ := sf.Get("Contact", retyped.BID); c.Fields["Email"] != old[retyped.BID] {
		t.Errorf("Salesforce %s email after the next run: %q; want the undone %q to stay", retyped.BID, c.Fields["Email"], old[retyped.BID])
	}
	if c, _ := hs.Get("contacts", retyped.AID); c.Properties["email"] != "case.only@example.com" {
		t.Errorf("HubSpot %s email after the next run: %q; the undo left it %q", retyped.AID, c.Properties["email"], "case.only@example.com")
	}
	if c, _ := hs.Get("contacts", backAgain.AID); c.Properties["email"] != old[backAgain.BID] {
		t.Errorf("HubSpot %s email after the next run: %q; want the rep's Salesforce edit %q (lower-cased) copied", backAgain.AID, c.Properties["email"], capitalOld)
	}
}

// TestUndoReasonOfUnknownWrite: a run stops with Klaviyo's update of
// a profile's first name unconfirmed; a person then types another name
// there, and the next run settles the stopped run's write as "outcome
// unknown" (the profile holds neither the old nor the sent value). Undoing
// the stopped run sends that field to Review, and the item must not say
// "run N wrote" a value no answer ever confirmed: it must say the write's
// outcome was unknown at the stop.
func TestUndoReasonOfUnknownWrite(t *testing.T) {
	ctx := context.Background()
	k := stoppedKlaviyoRun(t, 7103)
	a, srv, links, stopped := k.a, k.srv, k.links, k.stopped
	var unconfirmed store.LinkRow
	for i, l := range links {
		if p, _ := srv.Klaviyo().Profile(l.BID); p.FirstName != fmt.Sprintf("Renamed%d", i) {
			unconfirmed = l
			break
		}
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := srv.Klaviyo().UpdateProfile(unconfirmed.BID, map[string]any{"first_name": "Typed"}); err != nil {
		t.Fatal(err)
	}
	if next, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil || next.Summary.Status != "success" {
		t.Fatalf("next run: %v %+v", err, next.Summary)
	}
	auditOf(t, a, stopped.RunID)
	undoLogged(ctx, t, a, stopped.RunID)
	item := openItemOf(t, a, "s", unconfirmed.BID)
	if item.ID == 0 {
		t.Fatalf("the undo sent nothing of %s to review", unconfirmed.BID)
	}
	reason := reasonOf(t, item)
	if !strings.Contains(reason, "outcome unknown") {
		t.Errorf("the undo's item for %s says %q; want it to say the stopped run's write was of unknown outcome", unconfirmed.BID, reason)
	}
	if strings.Contains(reason, fmt.Sprintf("run %d wrote", stopped.RunID)) {
		t.Errorf("the undo's item for %s says %q: no answer confirmed that run %d wrote it", unconfirmed.BID, reason, stopped.RunID)
	}
}
