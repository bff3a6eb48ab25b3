package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// TestDuplicateCreateAnywayUndo: "create anyway", then that run undone
// and its delete approved. The runs after must neither create Dana again
// nor fail, and her item must not be left stuck.
func TestDuplicateCreateAnywayUndo(t *testing.T) {
	ctx := context.Background()
	a, srv, clock, def, _, _, _ := decidedDuplicate(t, salesforce.StandardContactDuplicateRule(), "create")
	sf := srv.Salesforce()
	clock.step(time.Minute)
	res, errs := runAndErrors(t, a, def.Name)
	if len(errs) != 0 || res.Summary.Created != 1 {
		t.Fatalf("create anyway: %+v %+v", res.Summary, errs)
	}
	clock.step(time.Minute)
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	dels, err := a.Reviews(ctx, def.Name, "delete", "open")
	if err != nil || len(dels) != 1 {
		t.Fatalf("undo %+v: delete reviews %v %+v", u.Summary, err, dels)
	}
	if err := a.Decide(ctx, dels[0].ID, engine.Decision{Action: "delete"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	if r, errs := runAndErrors(t, a, def.Name); len(errs) != 0 {
		t.Fatalf("run applying the delete: %+v %+v", r.Summary, errs)
	}
	live := sf.Count("Contact")
	for i := range 3 {
		clock.step(time.Minute)
		r, errs := runAndErrors(t, a, def.Name)
		if len(errs) != 0 || r.Summary.Created != 0 {
			t.Fatalf("run %d after the approved delete: %+v %+v\n%s", i+1, r.Summary, errs, r.Plan.Summary())
		}
	}
	if n := sf.Count("Contact"); n != live {
		t.Fatalf("Salesforce Contacts %d → %d", live, n)
	}
	all, _ := a.Reviews(ctx, def.Name, "", "")
	for _, x := range all {
		t.Logf("item %d %s %s %s:%s %s", x.ID, x.Kind, x.Status, x.Side, x.RecordID, x.Field)
	}
	if dec, _ := a.Reviews(ctx, def.Name, "", "decided"); len(dec) != 0 {
		t.Fatalf("decided items stuck: %+v", dec)
	}
}

// TestDuplicateCreateAnywayLostOrKilled: the answer to a "create
// anyway" is lost after Salesforce made the Contact, or the process dies
// before hearing it; the next runs link it, make no second one, and
// leave nothing open, decided or failing.
func TestDuplicateCreateAnywayLostOrKilled(t *testing.T) {
	for _, kill := range []bool{false, true} {
		t.Run(lostOrKilled(kill), func(t *testing.T) {
			bg := context.Background()
			a, srv, tr := lossyApp(t, 5, 12, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
			sf := srv.Salesforce()
			def := app.DemoSync("contacts", "hs", "sf")
			def.Direction = mapping.AtoB
			saveSyncs(t, a, def)
			if res, err := a.Run(bg, def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
				t.Fatalf("first run: %v %+v", err, res.Summary)
			}
			time.Sleep(5 * time.Millisecond) // the sandbox stamps changes with the real clock
			hsID, sfID := danaTwice(t, srv, salesforce.StandardContactDuplicateRule())
			time.Sleep(5 * time.Millisecond)
			it := heldDuplicate(t, a, def.Name, hsID, sfID, "Standard_Contact_Duplicate_Rule")
			if err := a.Decide(bg, it.ID, engine.Decision{Action: "create"}); err != nil {
				t.Fatal(err)
			}
			before := sf.Count("Contact")
			ctx, cancel := context.WithCancel(bg)
			defer cancel()
			if kill {
				tr.kill = cancel
			}
			tr.arm(1, func(r *http.Request) bool { return strings.Contains(r.URL.Path, "/composite/sobjects/Contact/") })
			r1, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
			t.Logf("run with the answer lost: %v %+v lost %v", err, r1.Summary, tr.lostCalls())
			tr.kill = nil
			if len(tr.lostCalls()) != 1 {
				t.Fatal("no answer was lost")
			}
			for i := range 2 {
				time.Sleep(5 * time.Millisecond)
				if r, errs := runAndErrors(t, a, def.Name); len(errs) != 0 {
					t.Fatalf("run %d after: %+v %+v", i+1, r.Summary, errs)
				}
			}
			if n := sf.Count("Contact"); n != before+1 {
				t.Fatalf("Salesforce Contacts %d → %d; want one created", before, n)
			}
			if linked := linkedB(t, a, def.Name, hsID); linked == sfID {
				t.Fatalf("HubSpot Dana linked to %q", linked)
			}
			if open, _ := a.Reviews(bg, def.Name, "duplicate", "open"); len(open) != 0 {
				t.Fatalf("open duplicate items: %+v", open)
			}
			if dec, _ := a.Reviews(bg, def.Name, "", "decided"); len(dec) != 0 {
				t.Fatalf("decided items: %+v", dec)
			}
		})
	}
}

// TestDuplicateSkipSticks: a skipped duplicate item stays skipped when
// the HubSpot record changes, with no errors; when Salesforce's Dana
// takes HubSpot Dana's email, the key links them.
func TestDuplicateSkipSticks(t *testing.T) {
	ctx := context.Background()
	a, srv, clock, def, hsID, sfID, _ := decidedDuplicate(t, salesforce.StandardContactDuplicateRule(), "skip")
	sf := srv.Salesforce()
	clock.step(time.Minute)
	runAndErrors(t, a, def.Name)
	before := sf.Count("Contact")
	for i := range 2 {
		clock.step(time.Minute)
		if _, err := srv.HubSpot().Update("contacts", hsID, map[string]string{"jobtitle": fmt.Sprintf("Title %d", i)}); err != nil {
			t.Fatal(err)
		}
		clock.step(time.Minute)
		r, errs := runAndErrors(t, a, def.Name)
		if len(errs) != 0 || r.Summary.Created != 0 || r.Summary.Review != 0 {
			t.Fatalf("run %d after the skip: %+v %+v", i, r.Summary, errs)
		}
		found := false
		for _, s := range r.Plan.Skips {
			found = found || s.ID == hsID && strings.Contains(s.Reason, "skipped in review")
		}
		if !found {
			t.Fatalf("the plan does not say why %s is skipped: %+v", hsID, r.Plan.Skips)
		}
	}
	if open, _ := a.Reviews(ctx, def.Name, "duplicate", "open"); len(open) != 0 {
		t.Fatalf("the skip did not stick: %+v", open)
	}
	if n := sf.Count("Contact"); n != before {
		t.Fatalf("Contacts %d → %d", before, n)
	}
	clock.step(time.Minute)
	if _, err := sf.Update("Contact", sfID, map[string]string{"Email": "dana@whit-new.example"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	r, errs := runAndErrors(t, a, def.Name)
	linked := isLinked(t, a, def.Name, hsID, sfID)
	if !linked || len(errs) != 0 {
		t.Fatalf("a key match after the skip: linked %v, %+v %+v\n%s", linked, r.Summary, errs, r.Plan.Summary())
	}
}

// TestDuplicatePreview: the dry run while the item is open says why the
// record is not created.
func TestDuplicatePreview(t *testing.T) {
	ctx := context.Background()
	a, srv, clock, def, hsID, sfID := duplicateRuleSetup(t, salesforce.StandardContactDuplicateRule())
	heldDuplicate(t, a, def.Name, hsID, sfID, "Standard_Contact_Duplicate_Rule")
	clock.step(time.Minute)
	if _, err := srv.HubSpot().Update("contacts", hsID, map[string]string{"jobtitle": "Boss"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	res, err := a.Run(ctx, def.Name, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range res.Plan.Skips {
		found = found || s.ID == hsID && strings.Contains(s.Reason, "duplicate")
	}
	if !found || res.Plan.Counts.CreateB != 0 {
		t.Fatalf("preview: skips %+v\n%s", res.Plan.Skips, res.Plan.Summary())
	}
}

// TestDuplicateBatchPartial: 200 new HubSpot contacts at once, every
// tenth a look-alike of a Salesforce Contact: the rest are created and
// linked, exactly the look-alikes held.
func TestDuplicateBatchPartial(t *testing.T) {
	ctx := context.Background()
	a, srv, clock, def, hsID, _ := duplicateRuleSetup(t, salesforce.StandardContactDuplicateRule())
	sf, hs := srv.Salesforce(), srv.HubSpot()
	want := map[string]bool{hsID: true}
	var plain []string
	for i := range 199 {
		first, last := fmt.Sprintf("Bulk%d", i), "Person"
		phone := fmt.Sprintf("+1415555%04d", 1000+i)
		if i%10 == 0 {
			if _, err := sf.Create("Contact", map[string]string{"FirstName": first, "LastName": last, "Phone": phone, "Email": fmt.Sprintf("sf%d@bulk.example", i)}); err != nil {
				t.Fatal(err)
			}
		}
		c, err := hs.Create("contacts", map[string]string{"firstname": first, "lastname": last, "phone": phone, "email": fmt.Sprintf("hs%d@bulk.example", i)})
		if err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			want[c.ID] = true
		} else {
			plain = append(plain, c.ID)
		}
	}
	clock.step(time.Minute)
	res, errs := runAndErrors(t, a, def.Name)
	if len(errs) != 0 || res.Summary.Created != len(plain) {
		t.Fatalf("run: %+v %d errors; want %d created", res.Summary, len(errs), len(plain))
	}
	linked := map[string]bool{}
	for _, l := range syncLinks(t, a, def.Name) {
		linked[l.AID] = true
	}
	for _, id := range plain {
		if !linked[id] {
			t.Fatalf("%s not linked", id)
		}
	}
	items, _ := a.Reviews(ctx, def.Name, "duplicate", "open")
	if len(items) != len(want) {
		t.Fatalf("%d open duplicate items, want %d", len(items), len(want))
	}
	for _, it := range items {
		if !want[it.RecordID] || linked[it.RecordID] {
			t.Fatalf("item %+v", it)
		}
	}
}

// TestDuplicateTwoWayLater: a one-way sync holds HubSpot's Dana as a
// duplicate of Salesforce's; the sync is then made two-way. Salesforce's
// Dana, the candidate of the open item, must not be copied to HubSpot
// (a second Dana there), and the item's link must stay possible.
func TestDuplicateTwoWayLater(t *testing.T) {
	ctx := context.Background()
	a, _, clock, def, hsID, sfID := duplicateRuleSetup(t, salesforce.StandardContactDuplicateRule())
	it := heldDuplicate(t, a, def.Name, hsID, sfID, "Standard_Contact_Duplicate_Rule")
	def.Direction = mapping.TwoWay
	saveSyncs(t, a, def)
	for i := range 2 {
		clock.step(time.Minute)
		r, errs := runAndErrors(t, a, def.Name)
		if len(errs) != 0 {
			t.Fatalf("run %d two-way: %+v %+v", i+1, r.Summary, errs)
		}
	}
	for _, l := range syncLinks(t, a, def.Name) {
		if l.BID == sfID {
			t.Fatalf("Salesforce's Dana %s, the open item's candidate, was copied to HubSpot as %s", sfID, l.AID)
		}
	}
	if err := a.Decide(ctx, it.ID, engine.Decision{Action: "link", OtherID: sfID}); err != nil {
		t.Fatalf("link with the candidate: %v", err)
	}
	clock.step(time.Minute)
	if r, errs := runAndErrors(t, a, def.Name); len(errs) != 0 {
		t.Fatalf("run after the link: %+v %+v", r.Summary, errs)
	}
	linked := isLinked(t, a, def.Name, hsID, sfID)
	if !linked {
		t.Fatal("not linked")
	}
}

// TestDuplicateCandidateAlreadyLinked: the rule matches a Contact the
// sync already links to another HubSpot contact (the person is in
// HubSpot twice). The item must say so, as an ambiguous item does
// (linked_to), rather than offer a link that Decide then refuses.
func TestDuplicateCandidateAlreadyLinked(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	hs, sf := srv.HubSpot(), srv.Salesforce()
	def := app.DemoSync("contacts", "hs", "sf")
	def.Direction = mapping.AtoB
	saveSyncs(t, a, def)
	old, err := hs.Create("contacts", map[string]string{"firstname": "Dana", "lastname": "Whit", "phone": "+1 415 555 0142", "email": "dana@whit-old.example"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	if res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	sfID := linkedB(t, a, def.Name, old.ID)
	if err := sf.AddDuplicateRule("Contact", salesforce.StandardContactDuplicateRule()); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	h, err := hs.Create("contacts", map[string]string{"firstname": "Dana", "lastname": "Whit", "phone": "+1 415 555 0142", "email": "dana@whit-new.example"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	it := heldDuplicate(t, a, def.Name, h.ID, sfID, "Standard_Contact_Duplicate_Rule")
	if !strings.Contains(it.Detail, `"linked_to":"`+old.ID+`"`) {
		t.Fatalf("the item does not say its candidate %s is linked to HubSpot %s: %s", sfID, old.ID, it.Detail)
	}
}

// TestDuplicateHeldNotMadeALead: a HubSpot contact the contacts sync holds
// as a likely duplicate is in review to be matched, as an unmatched one
// is: the leads sync beside it (filter linked:contacts false) must not
// make it a Salesforce Lead meanwhile, a second record of the person.
func TestDuplicateHeldNotMadeALead(t *testing.T) {
	ctx := context.Background()
	a, srv, clock, def, hsID, sfID := duplicateRuleSetup(t, salesforce.StandardContactDuplicateRule())
	heldDuplicate(t, a, def.Name, hsID, sfID, "Standard_Contact_Duplicate_Rule")
	leads := app.DemoLeadsSync("leads", "hs", "sf", def.Name)
	saveSyncs(t, a, leads)
	clock.step(time.Minute)
	res, err := a.Run(ctx, leads.Name, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("leads run: %+v", res.Summary)
	for _, l := range syncLinks(t, a, leads.Name) {
		if l.AID == hsID {
			r, _ := srv.Salesforce().Get("Lead", l.BID)
			t.Fatalf("HubSpot %s, held in review as a duplicate of Contact %s, was made Lead %s %+v", hsID, sfID, l.BID, r.Fields)
		}
	}
}

// TestDuplicateCreateAnywayAfterKeyAppears: "create anyway" decided, and
// before the next run Salesforce's Dana is given HubSpot Dana's email.
// The key now matches: the run must link them, as a decided create of an
// unmatched record does (matchAppeared), not create a second Contact
// with the same email acknowledging the rule's alert.
func TestDuplicateCreateAnywayAfterKeyAppears(t *testing.T) {
	ctx := context.Background()
	a, srv, clock, def, hsID, sfID, _ := decidedDuplicate(t, salesforce.StandardContactDuplicateRule(), "create")
	sf := srv.Salesforce()
	clock.step(time.Minute)
	if _, err := sf.Update("Contact", sfID, map[string]string{"Email": "dana@whit-new.example"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	before := sf.Count("Contact")
	res, errs := runAndErrors(t, a, def.Name)
	if n := sf.Count("Contact"); n != before {
		t.Fatalf("Salesforce Contacts %d → %d: a second Dana with her email was created (%+v %+v)", before, n, res.Summary, errs)
	}
	linked := isLinked(t, a, def.Name, hsID, sfID)
	if !linked {
		t.Fatalf("HubSpot Dana %s not linked with Salesforce Dana %s: %+v %+v", hsID, sfID, res.Summary, errs)
	}
	for _, status := range []string{"open", "decided"} {
		if left, _ := a.Reviews(ctx, def.Name, "duplicate", status); len(left) != 0 {
			t.Fatalf("%s duplicate items left: %+v", status, left)
		}
	}
}
