package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestConflictTakeAAfterADeleted: a first-name conflict waits in
// review; a person takes A, then the HubSpot contact is archived before the
// next run (a sync that propagates deletes). The run must not fail, write
// nothing to the deleted contact, and the delete must still reach review.
func TestConflictTakeAAfterADeleted(t *testing.T) {
	for _, action := range []string{"take-a", "take-b"} {
		t.Run(action, func(t *testing.T) {
			ctx := context.Background()
			a, srv, l := firstNameConflict(t)
			def := app.DemoSync("contacts", "hs", "sf")
			def.Conflict = engine.ConflictReview
			def.Safety.PropagateDeletes = true
			saveSyncs(t, a, def)
			item := openItem(t, a, "conflict", l.AID, "firstname>FirstName")
			if err := a.Decide(ctx, item.ID, engine.Decision{Action: action}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(5 * time.Millisecond)
			if !srv.HubSpot().Archive("contacts", l.AID) {
				t.Fatal("archive")
			}
			res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Summary.Status != "success" || res.Summary.Failed != 0 {
				t.Errorf("run after the decision on a deleted A: %+v failures %+v\n%s", res.Summary, res.Failures, res.Plan.Summary())
			}
			if n := openAbout(t, a, "delete", l.AID, ""); n != 1 {
				dels, _ := a.Reviews(ctx, "contacts", "delete", "open")
				t.Errorf("HubSpot %s was archived but %d held deletes name it (open: %+v)\n%s", l.AID, n, dels, res.Plan.Summary())
			}
			if c, _ := srv.Salesforce().Get("Contact", l.BID); c.Deleted {
				t.Errorf("Salesforce %s deleted without approval", l.BID)
			}
		})
	}
}

// TestOpenConflictChangedAgainThenDecided: a first-name conflict waits
// in review; both CRMs change the name again. The item must show the
// latest values; taking A writes A's latest value to Salesforce once, and
// the runs after write nothing and raise no conflict.
func TestOpenConflictChangedAgainThenDecided(t *testing.T) {
	ctx := context.Background()
	a, srv, l := firstNameConflict(t)
	time.Sleep(5 * time.Millisecond)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": "Augustina"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"FirstName": "Adela"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 0 {
		t.Fatalf("run after both changed again: %v %+v", err, res.Summary)
	}
	if n := openAbout(t, a, "conflict", l.AID, "firstname>FirstName"); n != 1 {
		t.Fatalf("%d open first-name conflicts, want 1", n)
	}
	item := openItem(t, a, "conflict", l.AID, "firstname>FirstName")
	if !strings.Contains(item.Detail, "Augustina") || !strings.Contains(item.Detail, "Adela") {
		t.Fatalf("the open conflict does not show the latest values: %s", item.Detail)
	}
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "take-a"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := srv.Salesforce().Get("Contact", l.BID)
		h, _ := srv.HubSpot().Get("contacts", l.AID)
		if c.Fields["FirstName"] != "Augustina" || h.Properties["firstname"] != "Augustina" {
			t.Fatalf("run %d: HubSpot %q, Salesforce %q; want Augustina in both\n%s", i+1, h.Properties["firstname"], c.Fields["FirstName"], r.Plan.Summary())
		}
		if want := map[bool]int{true: 1, false: 0}[i == 0]; r.Summary.Updated != want || conflictsOn(r.Plan, "firstname>FirstName") != 0 {
			t.Fatalf("run %d updated %d (want %d), conflicts %+v\n%s", i+1, r.Summary.Updated, want, r.Plan.Conflicts, r.Plan.Summary())
		}
	}
	if n := openAbout(t, a, "conflict", l.AID, "firstname>FirstName"); n != 0 {
		t.Fatalf("%d open conflicts left", n)
	}
}

// TestUndoOfConflictWinner: with prefer-a, a run settles a first-name
// conflict by writing HubSpot's value to Salesforce. Undoing that run puts
// Salesforce's own value back; the runs after must not raise the conflict
// again nor write either side.
func TestUndoOfConflictWinner(t *testing.T) {
	ctx := context.Background()
	a, srv, l := linkedUnder(t, 41, engine.ConflictPreferA)
	time.Sleep(5 * time.Millisecond)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": "Augusta"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"FirstName": "Ada"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 || len(res.Plan.Conflicts) != 1 {
		t.Fatalf("conflict run: %v %+v %+v", err, res.Summary, res.Plan.Conflicts)
	}
	if c, _ := srv.Salesforce().Get("Contact", l.BID); c.Fields["FirstName"] != "Augusta" {
		t.Fatalf("prefer-a left Salesforce %q", c.Fields["FirstName"])
	}
	time.Sleep(5 * time.Millisecond)
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil || u.Summary.Updated != 1 {
		t.Fatalf("undo: %v %+v\n%s", err, u.Summary, u.Plan.Summary())
	}
	if c, _ := srv.Salesforce().Get("Contact", l.BID); c.Fields["FirstName"] != "Ada" {
		t.Fatalf("undo left Salesforce %q, want Ada", c.Fields["FirstName"])
	}
	for i := range 3 {
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		if r.Summary.Updated != 0 || len(r.Plan.Conflicts) != 0 || len(r.Plan.Review) != 0 {
			t.Fatalf("run %d after the undo: %+v conflicts %+v review %+v\n%s", i+1, r.Summary, r.Plan.Conflicts, r.Plan.Review, r.Plan.Summary())
		}
	}
	c, _ := srv.Salesforce().Get("Contact", l.BID)
	h, _ := srv.HubSpot().Get("contacts", l.AID)
	if c.Fields["FirstName"] != "Ada" || h.Properties["firstname"] != "Augusta" {
		t.Fatalf("after the undo and runs: HubSpot %q, Salesforce %q", h.Properties["firstname"], c.Fields["FirstName"])
	}
	// A later edit on one side is carried as usual.
	time.Sleep(5 * time.Millisecond)
	if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"FirstName": "Adelaide"}); err != nil {
		t.Fatal(err)
	}
	r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := srv.HubSpot().Get("contacts", l.AID); h.Properties["firstname"] != "Adelaide" || len(r.Plan.Conflicts) != 0 {
		t.Fatalf("Salesforce's later edit: HubSpot %q, conflicts %+v\n%s", h.Properties["firstname"], r.Plan.Conflicts, r.Plan.Summary())
	}
}

// TestSameChangeBothSides: both CRMs change a contact the same way
// (first name to the same value, phone to the same number in other
// formats, Buying Role to the same options in another order). No conflict,
// no write, and the next run is quiet too.
func TestSameChangeBothSides(t *testing.T) {
	ctx := context.Background()
	a, srv, l := linkedUnder(t, 43, engine.ConflictReview)
	time.Sleep(5 * time.Millisecond)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": "Same", "phone": "+1 415-555-0101", "hs_buying_role": "CHAMPION;BLOCKER"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"FirstName": "Same", "Phone": "(415) 555-0101", "Buying_Role__c": "Blocker;Champion"}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		if r.Summary.Updated != 0 || conflictsOn(r.Plan, "firstname>FirstName", "phone>Phone", "hs_buying_role>Buying_Role__c") != 0 {
			t.Fatalf("run %d: %+v conflicts %+v review %+v\n%s", i+1, r.Summary, r.Plan.Conflicts, r.Plan.Review, r.Plan.Summary())
		}
	}
	// The base moved: a later one-sided edit is carried, not a conflict.
	time.Sleep(5 * time.Millisecond)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": "Later"}); err != nil {
		t.Fatal(err)
	}
	r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := srv.Salesforce().Get("Contact", l.BID); c.Fields["FirstName"] != "Later" || r.Summary.Updated != 1 {
		t.Fatalf("later edit: Salesforce %q, %+v\n%s", c.Fields["FirstName"], r.Summary, r.Plan.Summary())
	}
}

// conflictsOn counts plan's conflicts on rows.
func conflictsOn(plan *engine.Plan, rows ...string) int {
	n := 0
	for _, c := range plan.Conflicts {
		if slices.Contains(rows, c.Row) {
			n++
		}
	}
	return n
}

// TestNewerPicksTheLaterEdit: with the newer policy, the CRM whose edit
// came last wins a first-name conflict, in either order, and the runs
// after are quiet: HubSpot (times in milliseconds) against Salesforce and
// Zoho CRM (whole seconds).
func TestNewerPicksTheLaterEdit(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	type other struct {
		name, row string
		setup     func(t *testing.T) (*app.App, *sandbox.Server, string)
		edit      func(srv *sandbox.Server, id string) error
		first     func(srv *sandbox.Server, id string) string
	}
	for _, o := range []other{
		{name: "salesforce", row: "firstname>FirstName",
			setup: func(t *testing.T) (*app.App, *sandbox.Server, string) {
				a, srv := connectedSandbox(t, 47, 12)
				def := app.DemoSync("contacts", "hs", "sf")
				def.Conflict = engine.ConflictNewer
				saveSyncs(t, a, def)
				if res, err := a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
					t.Fatalf("first run: %v %+v", err, res)
				}
				return a, srv, "contacts"
			},
			edit: func(srv *sandbox.Server, id string) error {
				_, err := srv.Salesforce().Update("Contact", id, map[string]string{"FirstName": "Ada"})
				return err
			},
			first: func(srv *sandbox.Server, id string) string {
				c, _ := srv.Salesforce().Get("Contact", id)
				return c.Fields["FirstName"]
			}},
		{name: "zoho", row: "firstname>First_Name",
			setup: func(t *testing.T) (*app.App, *sandbox.Server, string) {
				def := app.DemoZohoSync("s", "hs", "zc")
				def.Conflict = engine.ConflictNewer
				a, srv := syncedThrough(t, 59, 12, "zoho", "zc", def)
				return a, srv, "s"
			},
			edit: func(srv *sandbox.Server, id string) error {
				_, err := srv.Zoho().Update("Contacts", id, map[string]any{"First_Name": "Ada"})
				return err
			},
			first: func(srv *sandbox.Server, id string) string {
				z, _ := srv.Zoho().Get("Contacts", id)
				return fmt.Sprint(z.Fields["First_Name"])
			}},
	} {
		for _, hubspotLast := range []bool{true, false} {
			t.Run(o.name+map[bool]string{true: "/hubspot-last", false: "/other-last"}[hubspotLast], func(t *testing.T) {
				t.Parallel() // each has its own sandbox and app; most of it is the 2.2 s of sleeps
				a, srv, name := o.setup(t)
				l := syncLinks(t, a, name)[0]
				hs := func() {
					if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": "Augusta"}); err != nil {
						t.Fatal(err)
					}
				}
				other := func() {
					if err := o.edit(srv, l.BID); err != nil {
						t.Fatal(err)
					}
				}
				first, last, want := other, hs, "Augusta"
				if !hubspotLast {
					first, last, want = hs, other, "Ada"
				}
				time.Sleep(1100 * time.Millisecond) // the other CRM keeps whole seconds
				first()
				time.Sleep(1100 * time.Millisecond)
				last()
				for i := range 2 {
					r, err := a.Run(context.Background(), name, app.RunOptions{Confirm: true})
					if err != nil {
						t.Fatal(err)
					}
					h, _ := srv.HubSpot().Get("contacts", l.AID)
					if got := o.first(srv, l.BID); got != want || h.Properties["firstname"] != want {
						t.Fatalf("run %d: HubSpot %q, %s %q; want the later edit %q in both; conflicts %+v", i+1, h.Properties["firstname"], o.name, got, want, r.Plan.Conflicts)
					}
					if i == 1 && (r.Summary.Updated != 0 || conflictsOn(r.Plan, o.row) != 0) {
						t.Fatalf("run 2 not quiet: %+v %+v", r.Summary, r.Plan.Conflicts)
					}
				}
			})
		}
	}
}

// TestConflictSetValue: a person settles a phone conflict with a value
// of their own, typed as people type phones. Both CRMs must get it, the
// run must record old -> new for each, and the runs after write nothing.
func TestConflictSetValue(t *testing.T) {
	ctx := context.Background()
	a, srv, l := linkedUnder(t, 53, engine.ConflictReview)
	time.Sleep(5 * time.Millisecond)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"phone": "+1 415-555-0111"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"Phone": "(415) 555-0122"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	item := openItem(t, a, "conflict", l.AID, "phone>Phone")
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "set", Value: "(415) 555-0133"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := srv.Salesforce().Get("Contact", l.BID)
		h, _ := srv.HubSpot().Get("contacts", l.AID)
		t.Logf("run %d: HubSpot %q Salesforce %q %+v", i+1, h.Properties["phone"], c.Fields["Phone"], r.Summary)
		if !strings.Contains(digits(h.Properties["phone"]), "4155550133") || !strings.Contains(digits(c.Fields["Phone"]), "4155550133") {
			t.Fatalf("run %d: HubSpot %q, Salesforce %q; want the value set in both\n%s\nwarnings %q", i+1, h.Properties["phone"], c.Fields["Phone"], r.Plan.Summary(), r.Plan.Warnings)
		}
		if i == 0 {
			if r.Summary.Updated != 2 {
				t.Errorf("run 1 updated %d records, want both", r.Summary.Updated)
			}
			continue
		}
		if r.Summary.Updated != 0 || conflictsOn(r.Plan, "phone>Phone") != 0 {
			t.Fatalf("run %d not quiet: %+v %+v\n%s", i+1, r.Summary, r.Plan.Conflicts, r.Plan.Summary())
		}
	}
	if n := openAbout(t, a, "conflict", l.AID, "phone>Phone"); n != 0 {
		t.Fatalf("%d open phone conflicts left", n)
	}
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// TestConflictDecidedAfterBDeleted: a person takes A on a first-name
// conflict; the Salesforce contact is deleted before the next run. The
// delete must reach review, Salesforce must not be written, and the run
// must say the decision was not applied rather than drop it silently.
func TestConflictDecidedAfterBDeleted(t *testing.T) {
	ctx := context.Background()
	a, srv, l := firstNameConflict(t)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Conflict = engine.ConflictReview
	def.Safety.PropagateDeletes = true
	saveSyncs(t, a, def)
	item := openItem(t, a, "conflict", l.AID, "firstname>FirstName")
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "take-a"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if !srv.Salesforce().Delete("Contact", l.BID) {
		t.Fatal("delete")
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Status != "success" || res.Summary.Updated != 0 {
		t.Errorf("run: %+v\n%s", res.Summary, res.Plan.Summary())
	}
	dels, _ := a.Reviews(ctx, "contacts", "delete", "open")
	if len(dels) != 1 || dels[0].RecordID != l.BID {
		t.Errorf("held deletes %+v, want Salesforce %s's", dels, l.BID)
	}
	if !slices.ContainsFunc(res.Plan.Warnings, func(w string) bool { return strings.Contains(w, fmt.Sprint("review item ", item.ID)) }) {
		t.Errorf("the decision on item %d was dropped without a word: warnings %q", item.ID, res.Plan.Warnings)
	}
}

// TestUndoOfTakeB: a person takes B on a first-name conflict and the
// run writes Salesforce's value to HubSpot. Undoing that run puts
// HubSpot's own value back; the runs after write nothing and raise no
// conflict about it.
func TestUndoOfTakeB(t *testing.T) {
	ctx := context.Background()
	a, srv, l := firstNameConflict(t)
	item := openItem(t, a, "conflict", l.AID, "firstname>FirstName")
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "take-b"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("decision run: %v %+v", err, res.Summary)
	}
	if h, _ := srv.HubSpot().Get("contacts", l.AID); h.Properties["firstname"] != "Ada" {
		t.Fatalf("take-b left HubSpot %q", h.Properties["firstname"])
	}
	time.Sleep(5 * time.Millisecond)
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil || u.Summary.Updated != 1 {
		t.Fatalf("undo: %v %+v\n%s", err, u.Summary, u.Plan.Summary())
	}
	if h, _ := srv.HubSpot().Get("contacts", l.AID); h.Properties["firstname"] != "Augusta" {
		t.Fatalf("undo left HubSpot %q, want Augusta", h.Properties["firstname"])
	}
	for i := range 3 {
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		if r.Summary.Updated != 0 || conflictsOn(r.Plan, "firstname>FirstName") != 0 {
			t.Fatalf("run %d after the undo: %+v %+v\n%s", i+1, r.Summary, r.Plan.Conflicts, r.Plan.Summary())
		}
	}
	c, _ := srv.Salesforce().Get("Contact", l.BID)
	h, _ := srv.HubSpot().Get("contacts", l.AID)
	if c.Fields["FirstName"] != "Ada" || h.Properties["firstname"] != "Augusta" {
		t.Fatalf("after the undo: HubSpot %q, Salesforce %q", h.Properties["firstname"], c.Fields["FirstName"])
	}
}
