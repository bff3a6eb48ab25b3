package app_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// undoQuietly undoes run runID of sync name and checks that nobody's
// change is claimed (no review), that each field goes back to the undone
// run's old value verbatim, and that the two runs after write nothing.
func undoQuietly(t *testing.T, a *app.App, name string, runID int64) {
	t.Helper()
	ctx := context.Background()
	d, err := a.RunDetail(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.Undo(ctx, runID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	for _, it := range u.Plan.Review {
		t.Errorf("undo sent %s %s %s to review though nobody changed it: %s", it.Side, it.RecordID, it.Field, it.Reason)
	}
	ud, err := a.RunDetail(ctx, u.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	wrote := map[string]string{}
	for _, r := range ud.Audit {
		wrote[r.Side+" "+r.RecordID+" "+r.Field] = r.New
	}
	for _, r := range d.Audit {
		if strings.HasPrefix(r.Field, "(") {
			continue
		}
		if got, ok := wrote[r.Side+" "+r.RecordID+" "+r.Field]; !ok || got != r.Old {
			t.Errorf("undo of %s %s %s wrote %q (written: %v), want the old %q back", r.Side, r.RecordID, r.Field, got, ok, r.Old)
		}
	}
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		if s := res.Summary; s.Created+s.Updated+s.Failed != 0 {
			t.Errorf("%s run %d after the undo wrote: %+v", name, i, s)
			for _, w := range res.Plan.Updates {
				t.Logf("  update %s %s: %+v", w.Side, w.ID, w.Changes)
			}
		}
	}
}

// TestUndoOfVendorRewrittenValues: a run carries a HubSpot
// contact's phone and a deal's amount and close date to a vendor that
// stores them in its own form (national phone format, 1200.5 for 1200.50,
// its own date-time form). Undoing that run must put the old values back
// verbatim without sending the vendor's own form to review as somebody's
// change, and the runs after must be quiet.
func TestUndoOfVendorRewrittenValues(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		vendor, conn string
		contacts     func(name, hs, other, companies string) engine.Definition
		orgs, deals  func(name, hs, other, companies string) engine.Definition
	}{
		{"salesforce", "sf", func(n, h, o, _ string) engine.Definition { return app.DemoSync(n, h, o) },
			func(n, h, o, _ string) engine.Definition { return app.DemoCompaniesSync(n, h, o) }, app.DemoDealsSync},
		{"pipedrive", "pd", app.DemoPipedriveSync,
			func(n, h, o, _ string) engine.Definition { return app.DemoPipedriveCompaniesSync(n, h, o) }, app.DemoPipedriveDealsSync},
		{"zoho", "zh", func(n, h, o, _ string) engine.Definition { return app.DemoZohoSync(n, h, o) },
			func(n, h, o, _ string) engine.Definition { return app.DemoZohoCompaniesSync(n, h, o) }, app.DemoZohoDealsSync},
		{"dynamics", "dv", app.DemoDynamicsSync,
			func(n, h, o, _ string) engine.Definition { return app.DemoDynamicsCompaniesSync(n, h, o) }, app.DemoDynamicsDealsSync},
	}
	for _, c := range cases {
		t.Run(c.vendor, func(t *testing.T) {
			a, srv := connectedSandbox(t, 97, 0)
			if c.vendor != "salesforce" {
				if _, err := a.ConnectSandbox(ctx, srv, c.vendor, c.conn); err != nil {
					t.Fatal(err)
				}
			}
			hs := srv.HubSpot()
			ct, err := hs.Create("contacts", map[string]string{"email": "undo.rewrite@gmail.com", "firstname": "Ann", "lastname": "Lee", "phone": "+1 415 555 0100"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := hs.Create("companies", map[string]string{"name": "Audit Undo Widgets", "domain": "auditundowidgets.com"}); err != nil {
				t.Fatal(err)
			}
			deal, err := hs.Create("deals", map[string]string{"dealname": "Audit undo deal", "amount": "1000", "dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2025-06-30T00:00:00Z"})
			if err != nil {
				t.Fatal(err)
			}
			saveSyncs(t, a, c.contacts("contacts", "hs", c.conn, ""), c.orgs("orgs", "hs", c.conn, ""), c.deals("deals", "hs", c.conn, "orgs"))
			for _, name := range []string{"contacts", "orgs", "deals"} {
				if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Failed != 0 {
					t.Fatalf("%s first run: %v %+v", name, err, res.Summary)
				}
			}
			time.Sleep(5 * time.Millisecond)
			if _, err := hs.Update("contacts", ct.ID, map[string]string{"phone": "+1 (212) 555-0199"}); err != nil {
				t.Fatal(err)
			}
			if _, err := hs.Update("deals", deal.ID, map[string]string{"amount": "1200.50", "closedate": "2025-09-30T23:30:00-05:00"}); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"contacts", "deals"} {
				res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
				if err != nil || res.Summary.Updated != 1 {
					t.Fatalf("%s run: %v %+v\n%s", name, err, res.Summary, res.Plan.Summary())
				}
				t.Run(name, func(t *testing.T) { undoQuietly(t, a, name, res.Summary.RunID) })
			}
		})
	}
}

// TestUndoZohoTaskMovedToAnotherContact: a rep moves a Zoho task
// from one contact to another; the run moves its HubSpot task's contact
// association. Undoing the run must put the HubSpot task back on its
// first contact alone (not on both, not on none), and the runs after
// must write nothing.
func TestUndoZohoTaskMovedToAnotherContact(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 39, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zc"); err != nil {
		t.Fatalf("connect zoho: %v", err)
	}
	saveSyncs(t, a, app.DemoZohoCompaniesSync("accounts", "hs", "zc"), app.DemoZohoSyncWithAccounts("contacts", "hs", "zc", "accounts"),
		app.DemoZohoTasksSync("tasks", "hs", "zc", "contacts"))
	for _, name := range []string{"accounts", "contacts", "tasks"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	hs, zc := srv.HubSpot(), srv.Zoho()
	contactOf := map[string]string{} // Zoho contact -> HubSpot contact
	for _, l := range syncLinks(t, a, "contacts") {
		contactOf[l.BID] = l.AID
	}
	var taskA, taskB, fromZ, toZ string
	for _, l := range syncLinks(t, a, "tasks") {
		ids, _ := hs.Associated("tasks", l.AID, "contacts")
		z, _ := zc.Get("Tasks", l.BID)
		if len(ids) == 1 && contactOf[z.Fields["Who_Id"]] == ids[0] {
			taskA, taskB, fromZ = l.AID, l.BID, z.Fields["Who_Id"]
			break
		}
	}
	for zid := range contactOf {
		if zid != fromZ {
			toZ = zid
			break
		}
	}
	if taskA == "" || toZ == "" {
		t.Fatal("no linked task on a linked contact, or no second contact")
	}
	time.Sleep(1100 * time.Millisecond) // Zoho's Modified_Time has one-second resolution
	if _, err := zc.Update("Tasks", taskB, map[string]any{"Who_Id": map[string]any{"id": toZ}}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("tasks run after the move: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if ids, _ := hs.Associated("tasks", taskA, "contacts"); len(ids) != 1 || ids[0] != contactOf[toZ] {
		t.Fatalf("the run left HubSpot task %s on %v, want %s", taskA, ids, contactOf[toZ])
	}
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	t.Logf("undo: %+v warnings %q review %+v\n%s", u.Summary, u.Plan.Warnings, u.Plan.Review, planWrites(u.Plan))
	if ids, _ := hs.Associated("tasks", taskA, "contacts"); len(ids) != 1 || ids[0] != contactOf[fromZ] {
		t.Errorf("after the undo HubSpot task %s is on contacts %v, want %s alone", taskA, ids, contactOf[fromZ])
	}
	if z, _ := zc.Get("Tasks", taskB); z.Fields["Who_Id"] != toZ {
		t.Errorf("the undo moved Zoho task %s to %q; the run never wrote it", taskB, z.Fields["Who_Id"])
	}
	for i := range 2 {
		r, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
		if err != nil || r.Summary.Created+r.Summary.Updated != 0 {
			t.Errorf("run %d after the undo: %v %+v\n%s", i+1, err, r.Summary, planWrites(r.Plan))
		}
	}
}

// TestUndoOlderRunAfterNewerChangedField: run 1 copies a first
// and last name to Salesforce, run 2 a newer first name. Undoing run 1
// must keep run 2's first name (sent to review, naming both values) and
// put the last name back; the runs after write nothing.
func TestUndoOlderRunAfterNewerChangedField(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 87, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	l := links[0]
	before, _ := sf.Get("Contact", l.BID)
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("contacts", l.AID, map[string]string{"firstname": "Bartholomew", "lastname": "Olderrun"}); err != nil {
		t.Fatal(err)
	}
	run1, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || run1.Summary.Updated != 1 {
		t.Fatalf("run 1: %v %+v", err, run1.Summary)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("contacts", l.AID, map[string]string{"firstname": "Cornelius"}); err != nil {
		t.Fatal(err)
	}
	if r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || r.Summary.Updated != 1 {
		t.Fatalf("run 2: %v %+v", err, r.Summary)
	}
	u, err := a.Undo(ctx, run1.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	t.Logf("undo: %+v review %+v\n%s", u.Summary, u.Plan.Review, planWrites(u.Plan))
	got, _ := sf.Get("Contact", l.BID)
	if got.Fields["FirstName"] != "Cornelius" {
		t.Errorf("undo of run 1 overwrote run 2's FirstName: %q", got.Fields["FirstName"])
	}
	if got.Fields["LastName"] != before.Fields["LastName"] {
		t.Errorf("LastName after the undo %q, want %q back", got.Fields["LastName"], before.Fields["LastName"])
	}
	said := false
	for _, it := range u.Plan.Review {
		said = said || it.Field == "FirstName" && strings.Contains(it.Reason, "Bartholomew") && strings.Contains(it.Reason, "Cornelius")
	}
	if !said || u.Summary.Review == 0 {
		t.Errorf("the undo did not say FirstName was kept (review %+v, summary %+v)", u.Plan.Review, u.Summary)
	}
	for i := range 2 {
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil || r.Summary.Created+r.Summary.Updated != 0 {
			t.Errorf("run %d after the undo: %v %+v\n%s", i+1, err, r.Summary, planWrites(r.Plan))
		}
	}
}

// TestUndoOneRecordRefused: a run copies a Salesforce contact's new
// email and another's new first name to HubSpot. Before the undo someone
// creates a HubSpot contact with the first one's old email, so HubSpot
// refuses that email back. The undo must write the other record, end
// partial with HubSpot's own message naming the record and field, and
// undoing again once the clash is gone must finish it.
func TestUndoOneRecordRefused(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 89, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	l1, l2 := links[0], links[1]
	h1, _ := hs.Get("contacts", l1.AID)
	h2, _ := hs.Get("contacts", l2.AID)
	oldEmail := h1.Properties["email"]
	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Update("Contact", l1.BID, map[string]string{"Email": "moved.undo@gmail.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Update("Contact", l2.BID, map[string]string{"FirstName": "Philippa"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 2 {
		t.Fatalf("run: %v %+v\n%s", err, res.Summary, planWrites(res.Plan))
	}
	clash, err := hs.Create("contacts", map[string]string{"email": oldEmail, "firstname": "Someone", "lastname": "Else"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	t.Logf("undo: %+v review %+v warnings %q\n%s", u.Summary, u.Plan.Review, u.Plan.Warnings, planWrites(u.Plan))
	if got, _ := hs.Get("contacts", l2.AID); got.Properties["firstname"] != h2.Properties["firstname"] {
		t.Errorf("the undo left contact %s firstname %q, want %q back", l2.AID, got.Properties["firstname"], h2.Properties["firstname"])
	}
	d, _ := a.RunDetail(ctx, u.Summary.RunID)
	named := false
	for _, e := range d.Errors {
		t.Logf("error: %+v", e)
		named = named || e.RecordID == l1.AID && e.Field == "email" && e.Message != ""
	}
	if u.Summary.Status != "partial" || !named {
		t.Errorf("undo status %q, errors %+v: want partial with HubSpot's refusal of %s email", u.Summary.Status, d.Errors, l1.AID)
	}
	if !strings.Contains(u.Summary.Message, "undo run") {
		t.Errorf("the partial undo's message %q does not say how to finish it", u.Summary.Message)
	}
	if !hs.Archive("contacts", clash.ID) {
		t.Fatal("archive the clashing contact")
	}
	again, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo again: %v", err)
	}
	t.Logf("undo again: %+v review %+v\n%s", again.Summary, again.Plan.Review, planWrites(again.Plan))
	if got, _ := hs.Get("contacts", l1.AID); got.Properties["email"] != oldEmail {
		t.Errorf("after undoing again contact %s email %q, want %q", l1.AID, got.Properties["email"], oldEmail)
	}
}

// TestUndoCreatedActivityDeleted: a run copies a new HubSpot task
// to Pipedrive (an activity) and to Zoho (a Task). Undoing it offers the
// created activity for deletion; approved, the next run deletes it there
// (and only there: the HubSpot task stays), and the runs after neither
// create it again nor write anything.
func TestUndoCreatedActivityDeleted(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		vendor, conn string
		contacts     engine.Definition
		tasks        engine.Definition
	}{
		{vendor: "pipedrive", conn: "pd", contacts: app.DemoPipedriveSync("contacts", "hs", "pd", ""), tasks: app.DemoPipedriveTasksSync("tasks", "hs", "pd", "contacts")},
		{vendor: "zoho", conn: "zc", contacts: app.DemoZohoSync("contacts", "hs", "zc"), tasks: app.DemoZohoTasksSync("tasks", "hs", "zc", "contacts")},
	}
	for _, c := range cases {
		t.Run(c.vendor, func(t *testing.T) {
			a, srv := connectedSandbox(t, 43, 5)
			if _, err := a.ConnectSandbox(ctx, srv, c.vendor, c.conn); err != nil {
				t.Fatal(err)
			}
			hs := srv.HubSpot()
			gone := func(id string) bool {
				if c.vendor == "zoho" {
					r, ok := srv.Zoho().Get("Tasks", id)
					return !ok || r.Deleted
				}
				n, _ := strconv.ParseInt(id, 10, 64)
				r, ok := srv.Pipedrive().GetActivity(n)
				return !ok || r.Deleted
			}
			saveSyncs(t, a, c.contacts, c.tasks)
			for _, name := range []string{"contacts", "tasks"} {
				if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Failed != 0 {
					t.Fatalf("%s run: %v %+v", name, err, res.Summary)
				}
			}
			time.Sleep(5 * time.Millisecond)
			task, err := hs.Create("tasks", map[string]string{"hs_task_subject": "Audit undo created task", "hs_timestamp": "2027-01-05T00:00:00.000Z", "hs_task_status": "NOT_STARTED", "hs_task_priority": "HIGH"})
			if err != nil {
				t.Fatal(err)
			}
			res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
			if err != nil || res.Summary.Created != 1 {
				t.Fatalf("tasks run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
			}
			created := linkedB(t, a, "tasks", task.ID)
			u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("undo: %v", err)
			}
			dels, err := a.Reviews(ctx, "tasks", "delete", "open")
			if err != nil || len(dels) != 1 {
				t.Fatalf("undo %+v: delete reviews %v %+v; want one", u.Summary, err, dels)
			}
			if err := a.Decide(ctx, dels[0].ID, engine.Decision{Action: "delete"}); err != nil {
				t.Fatal(err)
			}
			after, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("run applying the delete: %+v warnings %q", after.Summary, after.Plan.Warnings)
			if !gone(created) {
				t.Errorf("approved delete of %s task %s, which the undone run created: still there", c.vendor, created)
			}
			if r, ok := hs.Get("tasks", task.ID); !ok || r.Archived {
				t.Errorf("HubSpot task %s, the one the run copied, was deleted", task.ID)
			}
			for i := range 2 {
				r, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
				if err != nil || r.Summary.Created+r.Summary.Updated+r.Summary.Deleted != 0 {
					t.Errorf("run %d after the approved delete wrote: %v %+v\n%s", i+1, err, r.Summary, r.Plan.Summary())
				}
			}
		})
	}
}

// TestUndoKeepsOptOutInEachVendor: a contact unsubscribes in
// HubSpot, with a new first name, and a run carries both to the other
// CRM. Undoing that run puts the name back but never subscribes the
// person again there, says so, and the runs after write nothing.
func TestUndoKeepsOptOutInEachVendor(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		vendor, conn, optOut string
		def                  engine.Definition
	}{
		{"salesforce", "sf2", "HasOptedOutOfEmail", app.DemoSync("s", "hs", "sf2")},
		{"zoho", "zh", "Email_Opt_Out", app.DemoZohoSync("s", "hs", "zh")},
		{"brevo", "bv", "emailBlacklisted", app.DemoBrevoSync("s", "hs", "bv")},
		{"klaviyo", "kl", app.DemoKlaviyoConsent, app.DemoKlaviyoSync("s", "hs", "kl")},
	}
	for _, c := range cases {
		t.Run(c.vendor, func(t *testing.T) {
			a, srv := syncedThrough(t, 53, 4, c.vendor, c.conn, c.def)
			links := syncLinks(t, a, "s")
			if len(links) == 0 {
				t.Fatal("no links")
			}
			l := links[0]
			time.Sleep(1100 * time.Millisecond) // Zoho's Modified_Time has one-second resolution
			hs := srv.HubSpot()
			if _, err := hs.Update("contacts", l.AID, map[string]string{"firstname": "Optedout"}); err != nil {
				t.Fatal(err)
			}
			if h, _ := hs.Get("contacts", l.AID); !hs.UnsubscribeFromAll(h.Properties["email"]) {
				t.Fatalf("unsubscribe HubSpot contact %s", l.AID)
			}
			res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
			if err != nil || res.Summary.Updated == 0 {
				t.Fatalf("run: %v %+v\n%s", err, res.Summary, planWrites(res.Plan))
			}
			if w := planWrites(res.Plan); !strings.Contains(w, c.optOut) {
				t.Fatalf("the run did not write %s: %s", c.optOut, w)
			}
			u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("undo: %v", err)
			}
			w := planWrites(u.Plan)
			t.Logf("undo: %+v\n%s\nwarnings %q review %+v", u.Summary, w, u.Plan.Warnings, u.Plan.Review)
			if strings.Contains(w, c.optOut) {
				t.Errorf("the undo writes %s back (opting the person in again): %s", c.optOut, w)
			}
			if !strings.Contains(strings.Join(u.Plan.Warnings, "\n"), "never opts anyone back in") {
				t.Errorf("the undo does not say the opt-out stays: %q", u.Plan.Warnings)
			}
			if !strings.Contains(w, "Optedout") {
				t.Errorf("the undo does not put the first name back: %s", w)
			}
			for i := range 2 {
				r, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
				if err != nil || r.Summary.Created+r.Summary.Updated != 0 {
					t.Errorf("run %d after the undo: %v %+v\n%s", i+1, err, r.Summary, planWrites(r.Plan))
				}
			}
		})
	}
}

// TestUndoRateLimitedMidway: HubSpot answers 429 to everything once
// an undo starts writing. The undo must end partial (not success), say to
// undo again, and undoing again once the limit lifts must write the rest.
func TestUndoRateLimitedMidway(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 61, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	var before []string
	for _, l := range links[:3] {
		h, _ := hs.Get("contacts", l.AID)
		before = append(before, h.Properties["firstname"])
	}
	time.Sleep(5 * time.Millisecond)
	for i, l := range links[:3] {
		if _, err := sf.Update("Contact", l.BID, map[string]string{"FirstName": fmt.Sprintf("Ratelimited%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 3 {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	var once gosync.Once
	limit := func(engine.Progress) { once.Do(func() { hs.Faults().Set(simkit.Faults{P429: 1}) }) }
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true, Progress: limit})
	hs.Faults().Set(simkit.Faults{})
	t.Logf("undo: %v %+v", err, u.Summary)
	if u.Summary == nil || u.Summary.Status == "success" {
		t.Fatalf("undo under a 429 storm: %v %+v; want it partial or failed", err, u.Summary)
	}
	if !strings.Contains(u.Summary.Message, "undo run") {
		t.Errorf("the rate-limited undo's message %q does not say how to finish it", u.Summary.Message)
	}
	again, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo again: %v", err)
	}
	t.Logf("undo again: %+v review %+v", again.Summary, again.Plan.Review)
	for i, l := range links[:3] {
		if h, _ := hs.Get("contacts", l.AID); h.Properties["firstname"] != before[i] {
			t.Errorf("after undoing again contact %s firstname %q, want %q", l.AID, h.Properties["firstname"], before[i])
		}
	}
}
