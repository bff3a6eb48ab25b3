package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// TestDuplicateCreateAnywayReleasesCandidate: a two-way sync holds
// HubSpot's Dana and her candidate, Salesforce's Dana. The person decides
// they are two people (create anyway): Salesforce's Dana is no longer held
// and, unlinked, is copied to HubSpot like any other Contact, without
// having to change first.
func TestDuplicateCreateAnywayReleasesCandidate(t *testing.T) {
	ctx := context.Background()
	a, srv, clock, def, hsID, sfID, item := twoWayDanaHeld(t)
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "create"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		clock.step(time.Minute)
		if r, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || r.Summary.Failed != 0 {
			t.Fatalf("run %d after create anyway: %+v %+v", i+1, r.Summary, errs)
		}
	}
	if hs, sf := whitCount(srv); hs != 2 || sf != 2 {
		t.Fatalf("after create anyway %d HubSpot and %d Salesforce Danas, want 2 and 2 (two people, each in both CRMs)", hs, sf)
	}
	if got := linkedA(t, a, def.Name, sfID); got == hsID {
		t.Fatalf("Salesforce's Dana linked with HubSpot's Dana %s, whom the person called someone else", hsID)
	}
	open, _ := a.Reviews(ctx, def.Name, "", "open")
	for _, it := range open {
		if it.RecordID == hsID || it.RecordID == sfID {
			t.Fatalf("open item about Dana: %+v", it)
		}
	}
}

// TestDuplicateSkipAsksAboutCandidate: the person skips HubSpot's
// Dana (she stays out of Salesforce). Salesforce's Dana is not held for
// good without a word, nor copied unseen into the duplicate the rule
// warned of: she is asked about in review on her own item, naming
// HubSpot's Dana; deciding create copies her.
func TestDuplicateSkipAsksAboutCandidate(t *testing.T) {
	ctx := context.Background()
	a, srv, clock, def, hsID, sfID, item := twoWayDanaHeld(t)
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "skip"}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		clock.step(time.Minute)
		if r, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || r.Summary.Failed != 0 {
			t.Fatalf("run %d after the skip: %+v %+v", i+1, r.Summary, errs)
		}
	}
	if hs, sf := whitCount(srv); hs != 1 || sf != 1 {
		t.Fatalf("after the skip %d HubSpot and %d Salesforce Danas, want 1 and 1", hs, sf)
	}
	open, _ := a.Reviews(ctx, def.Name, "", "open")
	var ask *app.ReviewView
	for i := range open {
		if open[i].Side == "b" && open[i].RecordID == sfID {
			ask = &open[i]
		}
	}
	if ask == nil || !strings.Contains(ask.Detail, hsID) {
		t.Fatalf("no open item asks about Salesforce's Dana %s naming HubSpot's %s: %+v", sfID, hsID, open)
	}
	if err := a.Decide(ctx, ask.ID, engine.Decision{Action: "create"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	if r, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || r.Summary.Created != 1 {
		t.Fatalf("run after create: %+v %+v", r.Summary, errs)
	}
	if hs, sf := whitCount(srv); hs != 2 || sf != 1 {
		t.Fatalf("after create %d HubSpot and %d Salesforce Danas, want 2 and 1", hs, sf)
	}
	if got := linkedA(t, a, def.Name, sfID); got == hsID {
		t.Fatalf("Salesforce's Dana linked with the skipped HubSpot Dana")
	}
}

// TestDuplicateBlockedRetryAfterRuleChanged: a rule that blocks holds
// HubSpot's Dana, and "create" stays refused. The admin then makes the
// rule alert, or deactivates it, or leaves it: the person retries the
// create, sent as any create is. Under an alert the item comes back open
// with Salesforce's fresh message, now offering create anyway; with the
// rule off Dana is created; still blocking, the item is back as it was.
func TestDuplicateBlockedRetryAfterRuleChanged(t *testing.T) {
	for _, change := range []string{"alerts", "off", "still blocks"} {
		t.Run(change, func(t *testing.T) {
			ctx := context.Background()
			blocking := salesforce.StandardContactDuplicateRule()
			blocking.Name, blocking.Block = "Block_Contact_Duplicates", true
			a, srv, clock, def, hsID, sfID := duplicateRuleSetup(t, blocking)
			sf := srv.Salesforce()
			it := heldDuplicate(t, a, def.Name, hsID, sfID, "Block_Contact_Duplicates")
			if err := a.Decide(ctx, it.ID, engine.Decision{Action: "create"}); err == nil {
				t.Fatal("create anyway accepted on a blocked item")
			}
			changed := blocking
			changed.Block, changed.Inactive = change == "still blocks", change == "off"
			if err := sf.ChangeDuplicateRule("Contact", changed); err != nil {
				t.Fatal(err)
			}
			if err := a.Decide(ctx, it.ID, engine.Decision{Action: "retry"}); err != nil {
				t.Fatalf("retry the create on a blocked item after the rule changed: %v", err)
			}
			before := sf.Count("Contact")
			clock.step(time.Minute)
			r, errs := runAndErrors(t, a, def.Name)
			if len(errs) != 0 || r.Summary.Failed != 0 {
				t.Fatalf("run with the retry: %+v %+v", r.Summary, errs)
			}
			open, _ := a.Reviews(ctx, def.Name, "duplicate", "open")
			switch change {
			case "off":
				if len(open) != 0 || sf.Count("Contact") != before+1 || linkedB(t, a, def.Name, hsID) == sfID {
					t.Fatalf("rule off: open %+v; Contacts %d -> %d", open, before, sf.Count("Contact"))
				}
				return
			case "still blocks":
				if len(open) != 1 || open[0].ID != it.ID || !strings.Contains(open[0].Detail, "blocks duplicates") || sf.Count("Contact") != before {
					t.Fatalf("still blocking: open %+v; Contacts %d -> %d", open, before, sf.Count("Contact"))
				}
				return
			}
			if len(open) != 1 || open[0].ID != it.ID || strings.Contains(open[0].Detail, "blocks duplicates") || !strings.Contains(open[0].Detail, "create it anyway") {
				t.Fatalf("after the retry under an alert, open items: %+v", open)
			}
			if sf.Count("Contact") != before {
				t.Fatalf("the retry acknowledged the alert: Contacts %d -> %d", before, sf.Count("Contact"))
			}
			if err := a.Decide(ctx, it.ID, engine.Decision{Action: "create"}); err != nil {
				t.Fatalf("create anyway after the rule alerts: %v", err)
			}
			clock.step(time.Minute)
			if r, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || r.Summary.Created != 1 {
				t.Fatalf("create anyway: %+v %+v", r.Summary, errs)
			}
		})
	}
}

// TestDuplicateHubSpotRecordDeleted: HubSpot's Dana, held in review,
// is deleted in HubSpot (the sync propagates deletes, so it learns of it).
// A "create anyway" decided then must not make a Salesforce Contact of a
// deleted HubSpot contact, and the item must not stay open for good.
func TestDuplicateHubSpotRecordDeleted(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := app.DemoSync("contacts", "hs", "sf")
	def.Direction = mapping.AtoB
	def.Safety.PropagateDeletes = true
	saveSyncs(t, a, def)
	if r, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || r.Summary.Status != "success" {
		t.Fatalf("first run: %+v %+v", r.Summary, errs)
	}
	clock.step(time.Minute)
	hsID, sfID := danaTwice(t, srv, salesforce.StandardContactDuplicateRule())
	clock.step(time.Minute)
	it := heldDuplicate(t, a, def.Name, hsID, sfID, "Standard_Contact_Duplicate_Rule")
	clock.step(time.Minute)
	if !srv.HubSpot().Archive("contacts", hsID) {
		t.Fatal("archive")
	}
	clock.step(time.Minute)
	runAndErrors(t, a, def.Name)
	sf := srv.Salesforce()
	before := sf.Count("Contact")
	if err := a.Decide(ctx, it.ID, engine.Decision{Action: "create"}); err == nil {
		clock.step(time.Minute)
		r, errs := runAndErrors(t, a, def.Name)
		if n := sf.Count("Contact"); n != before {
			t.Fatalf("a deleted HubSpot contact was created in Salesforce: Contacts %d -> %d (%+v %+v)", before, n, r.Summary, errs)
		}
	}
	for _, status := range []string{"open", "decided"} {
		if left, _ := a.Reviews(ctx, def.Name, "duplicate", status); len(left) != 0 {
			t.Fatalf("%s duplicate items about a deleted record: %+v", status, left)
		}
	}
}

// TestDuplicateCreateAnywayRuleNowBlocks: "create anyway" decided
// under an alerting rule, and the admin makes the rule block before the
// run. Salesforce refuses the create again: the item must be back open
// saying the rule blocks, not left decided and sent again on every run.
func TestDuplicateCreateAnywayRuleNowBlocks(t *testing.T) {
	ctx := context.Background()
	rule := salesforce.StandardContactDuplicateRule()
	a, srv, clock, def, _, _, it := decidedDuplicate(t, rule, "create")
	sf := srv.Salesforce()
	rule.Block = true
	if err := sf.ChangeDuplicateRule("Contact", rule); err != nil {
		t.Fatal(err)
	}
	before := sf.Count("Contact")
	for i := range 2 {
		clock.step(time.Minute)
		r, errs := runAndErrors(t, a, def.Name)
		if len(errs) != 0 || r.Summary.Failed != 0 || r.Summary.Created != 0 {
			t.Fatalf("run %d: %+v %+v", i+1, r.Summary, errs)
		}
		// A run's calls include its reads (one page of Salesforce here): a
		// create sent again would be a second call.
		if i == 1 && r.Summary.APICallsB > 1 {
			t.Fatalf("the refused create was sent again: %+v", r.Summary)
		}
	}
	if dec, _ := a.Reviews(ctx, def.Name, "duplicate", "decided"); len(dec) != 0 {
		t.Fatalf("the refused create anyway is still decided: %+v", dec)
	}
	open, _ := a.Reviews(ctx, def.Name, "duplicate", "open")
	if len(open) != 1 || open[0].ID != it.ID || !strings.Contains(open[0].Detail, "blocks duplicates") {
		t.Fatalf("open duplicate items: %+v", open)
	}
	if n := sf.Count("Contact"); n != before {
		t.Fatalf("Contacts %d -> %d", before, n)
	}
}
