package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// onStorePhase returns a Progress callback that runs f once, when the
// apply reaches its store phase: after the plan, before any create.
func onStorePhase(f func()) func(engine.Progress) {
	var once sync.Once
	return func(p engine.Progress) {
		if p.Phase == "store" {
			once.Do(f)
		}
	}
}

// TestUpsertOntoLinkedContactFailsOnlyThatRecord: a Salesforce
// Contact is planned to be created in HubSpot; before the apply, someone
// gives a HubSpot contact that is already linked (to another Contact) the
// same email. HubSpot's upsert by email then updates that linked contact.
// The run must not link one HubSpot contact to two Contacts, and must not
// lose the rest of the run: that record fails, naming it, and the others
// are recorded.
func TestUpsertOntoLinkedContactFailsOnlyThatRecord(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 811, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	h1, err := hs.Create("contacts", map[string]string{"email": "first@linked-audit.io", "firstname": "Hana", "lastname": "Linked"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Create("Contact", map[string]string{"Email": "first@linked-audit.io", "FirstName": "Hana", "LastName": "Linked"}); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	time.Sleep(1100 * time.Millisecond)
	s2, err := sf.Create("Contact", map[string]string{"Email": "second@linked-audit.io", "FirstName": "Sam", "LastName": "Second"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := sf.Create("Contact", map[string]string{"Email": "third@linked-audit.io", "FirstName": "Tia", "LastName": "Third"})
	if err != nil {
		t.Fatal(err)
	}
	moveEmail := onStorePhase(func() {
		if _, err := hs.Update("contacts", h1.ID, map[string]string{"email": "second@linked-audit.io"}); err != nil {
			t.Error(err)
		}
	})
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true, Progress: moveEmail})
	t.Logf("second run: %v %+v", err, res.Summary)
	if err != nil {
		t.Fatalf("the run failed as a whole: %v", err)
	}
	if res.Summary.Failed != 1 {
		t.Errorf("failed records: %d, want 1 (the Contact whose email a linked contact took)", res.Summary.Failed)
	}
	byB := map[string]string{}
	byA := map[string]int{}
	for _, l := range syncLinks(t, a, "contacts") {
		byB[l.BID] = l.AID
		byA[l.AID]++
	}
	if byA[h1.ID] != 1 {
		t.Errorf("HubSpot contact %s has %d links, want 1", h1.ID, byA[h1.ID])
	}
	if byB[other.ID] == "" {
		t.Errorf("the other new Contact %s was created but its link was not recorded", other.ID)
	}
	if byB[s2.ID] == h1.ID {
		t.Errorf("Contact %s got linked to %s, which is linked to another Contact", s2.ID, h1.ID)
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range d.Errors {
		if strings.Contains(e.RecordID+e.Message, s2.ID) || strings.Contains(e.Message, h1.ID) {
			found = true
		}
	}
	if !found {
		t.Errorf("no run error names %s or %s: %+v", s2.ID, h1.ID, d.Errors)
	}
}

// TestCreateNewForSharedEmailOverwritesNoOne: two Salesforce
// Contacts share an address (info@), so both wait in review as
// ambiguous; a person decides "create new" for each. HubSpot keeps one
// contact per email and crmsync creates contacts there by upsert on
// email, so the second create would land on the first. The first must be
// created, the second refused by name, nobody's values overwritten, and
// the sync must keep running.
func TestCreateNewForSharedEmailOverwritesNoOne(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 812, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	ann, err := sf.Create("Contact", map[string]string{"Email": "info@shared-audit.io", "FirstName": "Ann", "LastName": "One", "Title": "CEO"})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := sf.Create("Contact", map[string]string{"Email": "info@shared-audit.io", "FirstName": "Bob", "LastName": "Two", "Title": "CFO"})
	if err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Review != 2 {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	items, err := a.Reviews(ctx, "contacts", "ambiguous", "open")
	if err != nil || len(items) != 2 {
		t.Fatalf("ambiguous items: %v %d", err, len(items))
	}
	for _, it := range items {
		if err := a.Decide(ctx, it.ID, engine.Decision{Action: "create"}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("run with both decisions: %v %+v", err, res.Summary)
	if err != nil {
		t.Fatalf("the run with both decisions failed as a whole: %v", err)
	}
	contacts := hs.Records("contacts")
	if len(contacts) != 1 {
		t.Fatalf("%d HubSpot contacts, want 1", len(contacts))
	}
	h := contacts[0]
	links := syncLinks(t, a, "contacts")
	if len(links) != 1 || links[0].AID != h.ID {
		t.Fatalf("links %+v, want one, to HubSpot contact %s", links, h.ID)
	}
	partner := map[string]string{ann.ID: "Ann", bob.ID: "Bob"}[links[0].BID]
	if got := h.Properties["firstname"]; got != partner {
		t.Errorf("HubSpot contact %s is linked to %s's Contact but holds firstname %q: the other create overwrote it", h.ID, partner, got)
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Errors) != 1 || !strings.Contains(d.Errors[0].Message, "info@shared-audit.io") {
		t.Errorf("run errors %+v; want one naming the shared address", d.Errors)
	}
	time.Sleep(1100 * time.Millisecond)
	again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("the next run: %v", err)
	}
	for _, r := range sf.Records("Contact") {
		want := map[string]string{ann.ID: "Ann", bob.ID: "Bob"}[r.ID]
		if r.Fields["FirstName"] != want {
			t.Errorf("Salesforce Contact %s now has FirstName %q, want %q (%+v)", r.ID, r.Fields["FirstName"], want, again.Summary)
		}
	}
}

// TestCreateNewOntoLinkedEmailIsRefused: as above, but the person
// decides one item, runs, then decides the other: by then HubSpot's
// contact with the address is linked to the first Contact, and the second
// "create new" must not overwrite it: it is refused when decided.
func TestCreateNewOntoLinkedEmailIsRefused(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 813, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	for _, n := range [][3]string{{"Ann", "One", "CEO"}, {"Bob", "Two", "CFO"}} {
		if _, err := sf.Create("Contact", map[string]string{"Email": "info@shared-audit.io", "FirstName": n[0], "LastName": n[1], "Title": n[2]}); err != nil {
			t.Fatal(err)
		}
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	items, err := a.Reviews(ctx, "contacts", "ambiguous", "open")
	if err != nil || len(items) != 2 {
		t.Fatalf("ambiguous items: %v %d", err, len(items))
	}
	var names []string
	for i, it := range items {
		// The second is refused when decided (HubSpot's contact with the
		// address is linked by then), naming that contact.
		err := a.Decide(ctx, it.ID, engine.Decision{Action: "create"})
		switch {
		case i == 0 && err != nil:
			t.Fatal(err)
		case i == 1 && (err == nil || !strings.Contains(err.Error(), "write over")):
			t.Fatalf("create onto the linked HubSpot contact was not refused when decided: %v", err)
		}
		time.Sleep(1100 * time.Millisecond)
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatalf("run after deciding item %d: %v", it.ID, err)
		}
		t.Logf("run after deciding item %d: %+v", it.ID, res.Summary)
		for _, h := range hs.Records("contacts") {
			names = append(names, h.Properties["firstname"])
		}
	}
	if len(names) != 2 || names[0] != names[1] {
		t.Errorf("HubSpot contact's first name after each run: %v; the second create overwrote the first", names)
	}
	for _, r := range sf.Records("Contact") {
		if r.Fields["Title"] == "CEO" && r.Fields["FirstName"] != "Ann" || r.Fields["Title"] == "CFO" && r.Fields["FirstName"] != "Bob" {
			t.Errorf("Salesforce Contact %s was overwritten: %v", r.ID, r.Fields)
		}
	}
}
