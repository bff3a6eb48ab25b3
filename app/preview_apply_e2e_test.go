package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// previewMatchesApply previews sync name twice (the two previews must
// agree, and write nothing), then applies with the first preview's
// confirmation and checks the run did what the preview said.
func previewMatchesApply(t *testing.T, a *app.App, name string) app.RunResult {
	t.Helper()
	ctx := context.Background()
	p1, err := a.Run(ctx, name, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	p2, err := a.Run(ctx, name, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatalf("second preview: %v", err)
	}
	c1, c2 := p1.Plan.Counts, p2.Plan.Counts
	c1.ReadA, c1.ReadB, c1.ReadUnchanged, c2.ReadA, c2.ReadB, c2.ReadUnchanged = 0, 0, 0, 0, 0, 0 // the first preview indexed what it read
	// ... and the second merges what the first read (ReadEarlier): read accounting, not the plan.
	c1.ReadEarlierA, c1.ReadEarlierB, c2.ReadEarlierA, c2.ReadEarlierB = 0, 0, 0, 0
	if c1 != c2 || p1.Plan.Reason != p2.Plan.Reason {
		t.Errorf("a second preview differs from the first:\n%s\n%s", p1.Plan.Summary(), p2.Plan.Summary())
	}
	res, err := a.Run(ctx, name, app.RunOptions{Confirm: true, ConfirmReason: p1.Plan.Reason})
	if err != nil {
		t.Fatalf("apply: %v\npreview:\n%s\napplied:\n%s", err, p1.Plan.Summary(), res.Plan.Summary())
	}
	c, s := p1.Plan.Counts, res.Summary
	want := fmt.Sprintf("created %d updated %d linked %d conflicts %d review %d deleted %d", c.CreateA+c.CreateB, c.UpdateA+c.UpdateB, c.Link, c.Conflicts, c.Review, c.Delete)
	got := fmt.Sprintf("created %d updated %d linked %d conflicts %d review %d deleted %d", s.Created, s.Updated, s.Linked, s.Conflicts, s.Review, s.Deleted)
	if got != want {
		t.Errorf("the run did not do what its preview said:\npreview %s\nrun     %s\n%s%+v\n%s", want, got, p1.Plan.Summary(), *s, res.Plan.Summary())
	}
	d, err := a.RunDetail(ctx, s.RunID)
	if err != nil {
		t.Fatal(err)
	}
	// Every field change the run wrote was in the preview, old -> new.
	previewed := map[string]int{}
	for _, w := range append(append([]engine.Write{}, p1.Plan.Creates...), p1.Plan.Updates...) {
		for _, ch := range w.Changes {
			previewed[changeKey(w.Side, w.ID, ch.Field, ch.Old, ch.New)]++
		}
	}
	written := map[string]int{}
	for _, r := range d.Audit {
		if r.Field == "(upsert key)" {
			continue // the key crmsync stamps on a create, not a mapped field
		}
		if strings.HasPrefix(r.Field, "(") {
			// A write besides the fields (an unsubscribe): the preview
			// names it in a warning about the record.
			if !slices.ContainsFunc(p1.Plan.Warnings, func(w string) bool { return strings.Contains(w, r.RecordID) }) {
				t.Errorf("the run wrote %s %s %s %q, which no warning of its preview named: %q", r.Side, r.RecordID, r.Field, r.New, p1.Plan.Warnings)
			}
			continue
		}
		id := r.RecordID
		if isCreate(p1.Plan, r.Side, id) {
			id = ""
		}
		written[changeKey(r.Side, id, r.Field, r.Old, r.New)]++
	}
	for k, n := range written {
		if previewed[k] < n {
			t.Errorf("the run wrote %s, which its preview did not show", k)
		}
	}
	for k, n := range previewed {
		if written[k] < n {
			t.Errorf("the preview showed %s, which the run did not write", k)
		}
	}
	return res
}

func changeKey(side, id, field, old, new string) string {
	return fmt.Sprintf("%s %s %s: %q -> %q", side, id, field, old, new)
}

// isCreate: the plan did not update record id of side, so the run created it.
func isCreate(p *engine.Plan, side, id string) bool {
	for _, w := range p.Updates {
		if w.Side == side && w.ID == id {
			return false
		}
	}
	return true
}

func TestPreviewMatchesApply(t *testing.T) {
	a, srv := connectedSandbox(t, 7, 40)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Conflict = engine.ConflictReview
	saveSyncs(t, a, def)
	previewMatchesApply(t, a, "contacts")

	links := syncLinks(t, a, "contacts")
	hs, sf := srv.HubSpot(), srv.Salesforce()
	for i, l := range links[:6] {
		switch i % 3 {
		case 0:
			if _, err := hs.Update("contacts", l.AID, map[string]string{"firstname": "Ann" + fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		case 1:
			if _, err := sf.Update("Contact", l.BID, map[string]string{"Title": "Boss" + fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		case 2:
			if _, err := hs.Update("contacts", l.AID, map[string]string{"firstname": "Hx"}); err != nil {
				t.Fatal(err)
			}
			if _, err := sf.Update("Contact", l.BID, map[string]string{"FirstName": "Sx"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := hs.Create("contacts", map[string]string{"email": "new.one@example.com", "firstname": "New", "lastname": "One"}); err != nil {
		t.Fatal(err)
	}
	previewMatchesApply(t, a, "contacts")
	previewMatchesApply(t, a, "contacts")

	links = syncLinks(t, a, "contacts")
	l := links[10]
	if _, err := hs.Update("contacts", l.AID, map[string]string{"phone": "(415) 555-0134", "hs_buying_role": "CHAMPION;BLOCKER"}); err != nil {
		t.Fatal(err)
	}
	if !hs.UnsubscribeFromAll(hsEmail(t, hs, links[11].AID)) {
		t.Fatal("unsubscribe")
	}
	if _, err := sf.Update("Contact", links[12].BID, map[string]string{"MailingCity": "", "FirstName": "Zed", "Email": "MiXed.Case@Example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Create("Contact", map[string]string{"LastName": "Solo", "Email": "Solo.Person@Example.com", "Phone": "415 555 0199", "HasOptedOutOfEmail": "true"}); err != nil {
		t.Fatal(err)
	}
	previewMatchesApply(t, a, "contacts")
	previewMatchesApply(t, a, "contacts")
}

func hsEmail(t *testing.T, hs interface {
	Get(string, string) (hubspot.Record, bool)
}, id string) string {
	r, ok := hs.Get("contacts", id)
	if !ok {
		t.Fatalf("no hubspot contact %s", id)
	}
	return r.Properties["email"]
}

// TestUnappliedPreviewLosesNothing: a preview read the changes (an
// edit in HubSpot, a delete in each CRM) and was not applied. More edits
// follow. The next real run must still carry every change and hold both
// deletes for review.
func TestUnappliedPreviewLosesNothing(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 11, true)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if _, err := hs.Update("contacts", links[0].AID, map[string]string{"jobtitle": "Seen In Preview"}); err != nil {
		t.Fatal(err)
	}
	if !hs.Archive("contacts", links[1].AID) || !sf.Delete("Contact", links[2].BID) {
		t.Fatal("delete")
	}
	p, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Plan.Counts.UpdateB != 1 || p.Plan.Counts.HeldDelete != 2 {
		t.Fatalf("preview:\n%s", p.Plan.Summary())
	}
	if _, err := sf.Update("Contact", links[3].BID, map[string]string{"Title": "After Preview"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Plan.Counts; c.UpdateA != 1 || c.UpdateB != 1 || c.HeldDelete != 2 {
		t.Errorf("the run after an unapplied preview:\n%s", res.Plan.Summary())
	}
	if r, _ := sf.Get("Contact", links[0].BID); r.Fields["Title"] != "Seen In Preview" {
		t.Errorf("the edit the preview saw never reached Salesforce: %q", r.Fields["Title"])
	}
	rs, err := a.Reviews(ctx, "contacts", "delete", "open")
	if err != nil || len(rs) != 2 {
		t.Errorf("held deletes in review after the run: %d %v", len(rs), err)
	}
}
