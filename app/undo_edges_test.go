package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// reasonOf is the reason a stored review item's detail gives, as the
// Review screen shows it.
func reasonOf(t *testing.T, it app.ReviewView) string {
	t.Helper()
	var d struct {
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(it.Detail), &d); err != nil {
		t.Fatalf("review item %d detail %q: %v", it.ID, it.Detail, err)
	}
	return d.Reason
}

// TestCreateHeldItemSaysNewReason: a decided "create" the run holds
// back because the key was given to a HubSpot contact since goes back to
// review. The item must say why now (that contact holds the email), not
// the reason it first waited for (two Contacts sharing the email), which
// would lead the person to decide "create" again.
func TestCreateHeldItemSaysNewReason(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := app.DemoSync("createover", "hs", "sf")
	saveSyncs(t, a, def)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	var cons []string
	for _, last := range []string{"One", "Two"} {
		c, err := sf.Create("Contact", map[string]string{"Email": "dee@over.example", "FirstName": "Dee", "LastName": last})
		if err != nil {
			t.Fatal(err)
		}
		cons = append(cons, c.ID)
	}
	clock.step(time.Minute)
	runAndErrors(t, a, def.Name)
	item := openItemOf(t, a, def.Name, cons[0])
	first := reasonOf(t, item)
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "create"}); err != nil {
		t.Fatalf("create with no HubSpot contact holding the email: %v", err)
	}
	deeHS, err := hs.Create("contacts", map[string]string{"email": "dee@over.example", "firstname": "Deirdre", "lastname": "Entered"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	runAndErrors(t, a, def.Name)
	again := openItemOf(t, a, def.Name, cons[0])
	if again.ID != item.ID {
		t.Fatalf("item %d is not back in review (open item %d)", item.ID, again.ID)
	}
	now := reasonOf(t, again)
	if now == first || !strings.Contains(now, deeHS.ID) || !strings.Contains(now, "write over") {
		t.Errorf("the item back in review says %q (it first said %q); want it to name HubSpot %s, which now holds the email, and that a create would write over it", now, first, deeHS.ID)
	}
}

// TestUndoOnMergeSurvivorChecksItsValue: a run copies a Salesforce
// edit of email and phone to HubSpot contact A. An admin then merges A
// into contact B (B primary: the contact the merge makes keeps B's email
// and phone), and the next run moves B's link to it. Undoing the first
// run must leave that contact's phone (B's, never written by the run)
// alone and say why, rather than write A's old phone over it or ask a
// person whether to; the email likewise.
func TestUndoOnMergeSurvivorChecksItsValue(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 614, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	edited, primary := links[0], links[1]
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("contacts", primary.AID, map[string]string{"phone": "+14155550142"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Update("Contact", edited.BID, map[string]string{"Email": "moved.on@example.com", "Phone": "+14155550177"}); err != nil {
		t.Fatal(err)
	}
	edit, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || edit.Summary.Updated < 2 {
		t.Fatalf("run copying the edits: %v %+v", err, edit.Summary)
	}
	if c, _ := hs.Get("contacts", edited.AID); c.Properties["phone"] != "+14155550177" || c.Properties["email"] != "moved.on@example.com" {
		t.Fatalf("HubSpot %s after the run: %v", edited.AID, c.Properties)
	}
	time.Sleep(5 * time.Millisecond)
	merged, err := hs.Merge("contacts", primary.AID, edited.AID)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || linkedB(t, a, "contacts", merged) != primary.BID {
		t.Fatalf("run after the merge: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	before, _ := hs.Get("contacts", merged)
	u, err := a.Undo(ctx, edit.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	after, _ := hs.Get("contacts", merged)
	for _, f := range []string{"phone", "email"} {
		if after.Properties[f] != before.Properties[f] {
			t.Errorf("HubSpot %s (%s merged into it) %s: %q before the undo, %q after; the run never wrote that value there",
				merged, edited.AID, f, before.Properties[f], after.Properties[f])
		}
	}
	for _, it := range u.Plan.Review {
		if it.RecordID == merged {
			t.Errorf("the undo asks a person to write %s's old %s over %s's: %+v", edited.AID, it.Field, merged, it)
		}
	}
	warned := strings.Join(u.Plan.Warnings, "\n")
	if !strings.Contains(warned, "phone") || !strings.Contains(warned, merged) || !strings.Contains(warned, "+14155550142") {
		t.Errorf("the undo does not say it left phone of %s (%q) alone: %v", merged, before.Properties["phone"], u.Plan.Warnings)
	}
}
