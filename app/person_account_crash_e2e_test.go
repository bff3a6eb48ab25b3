package app_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// personDuplicates lists the emails held by more than one live Salesforce
// Contact or more than one live person account, and counts the person
// accounts.
func personDuplicates(srv *sandbox.Server) (dups []string, persons int) {
	sf := srv.Salesforce()
	contacts, accts := map[string]int{}, map[string]int{}
	for _, r := range sf.Records("Contact") {
		if e := strings.ToLower(r.Fields["Email"]); !r.Deleted && e != "" {
			contacts[e]++
		}
	}
	for _, r := range sf.Records("Account") {
		if !r.Deleted && r.Fields["IsPersonAccount"] == "true" {
			persons++
			accts[strings.ToLower(r.Fields["PersonEmail"])]++
		}
	}
	for e, n := range contacts {
		if n > 1 {
			dups = append(dups, e+" (Contacts)")
		}
	}
	for e, n := range accts {
		if n > 1 {
			dups = append(dups, e+" (person accounts)")
		}
	}
	return dups, persons
}

// lostPersonCreate runs the contacts sync into an org with person
// accounts, where the POST creating new people as person accounts is
// carried out but its answer lost (a 502) or, with kill, the process dies
// before hearing it; before sees the sandbox just before that run.
func lostPersonCreate(t *testing.T, kill bool, before func(*sandbox.Server)) (*app.App, *sandbox.Server, app.RunResult) {
	t.Helper()
	a, srv, tr := lossyApp(t, 61, 12, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	if err := srv.Salesforce().EnablePersonAccounts(); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	before(srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if kill {
		tr.kill = cancel
	}
	tr.arm(1, func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/composite/sobjects")
	})
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("run 1: %v %+v lost=%v", err, res.Summary, tr.lostCalls())
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("no person-account create answer was lost: %v", tr.lostCalls())
	}
	tr.kill = nil
	return a, srv, res
}

// lostOrKilled names a subtest of lostPersonCreate.
func lostOrKilled(kill bool) string {
	if kill {
		return "killed"
	}
	return "lost"
}

// TestPersonAccountCreateLostOrKilled: in an org with person
// accounts, the POST that creates new people as person accounts is
// carried out by Salesforce, but its answer is lost (a 502) or the
// process dies before hearing it. The next runs must find the person
// accounts made and link them, not make a second person account (and
// person contact) for anyone.
func TestPersonAccountCreateLostOrKilled(t *testing.T) {
	for _, kill := range []bool{false, true} {
		t.Run(lostOrKilled(kill), func(t *testing.T) {
			var hsBefore int
			var seeded []string // the seed's own duplicates, for review
			a, srv, _ := lostPersonCreate(t, kill, func(srv *sandbox.Server) {
				hsBefore = srv.HubSpot().Count("contacts")
				seeded, _ = personDuplicates(srv)
			})
			_, made := personDuplicates(srv)
			if made == 0 {
				t.Fatal("the lost call created no person account")
			}
			for i := range 2 {
				res, err := a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true})
				t.Logf("run %d after: %v %+v", i+1, err, res.Summary)
				if err != nil {
					t.Fatal(err)
				}
				if d, err := a.RunDetail(context.Background(), res.Summary.RunID); err == nil {
					for _, e := range d.Errors {
						t.Errorf("run %d after: %s %s %s %s", i+1, e.RecordID, e.Field, e.Code, e.Message)
					}
				}
			}
			all, persons := personDuplicates(srv)
			var dups []string
			for _, d := range all {
				if !slices.Contains(seeded, d) {
					dups = append(dups, d)
				}
			}
			if len(dups) > 0 || persons != made {
				t.Errorf("after a lost person-account create: %d person accounts (%d made by the lost call), duplicates %v", persons, made, dups)
			}
			if got := srv.HubSpot().Count("contacts"); got < hsBefore {
				t.Errorf("HubSpot contacts %d → %d", hsBefore, got)
			}
			links := syncLinks(t, a, "contacts")
			seen := map[string]bool{}
			for _, l := range links {
				if seen[l.BID] {
					t.Errorf("Salesforce %s linked twice", l.BID)
				}
				seen[l.BID] = true
			}
		})
	}
}

// TestPersonAccountUndoThenRuns: a run creates two new HubSpot
// contacts as person accounts; the run is undone and the deletes
// approved; the runs after must write nothing: no person account or
// person contact made again, none left behind, HubSpot untouched.
func TestPersonAccountUndoThenRuns(t *testing.T) {
	ctx := context.Background()
	a, clock, sf, hs := personContactsSynced(t)
	emails := []string{"ula.undo@example.com", "uri.undo@example.com"}
	var hsIDs []string
	for i, e := range emails {
		c, err := hs.Create("contacts", map[string]string{"email": e, "firstname": []string{"Ula", "Uri"}[i], "lastname": "Undo", "jobtitle": "Baker"})
		if err != nil {
			t.Fatal(err)
		}
		hsIDs = append(hsIDs, c.ID)
	}
	clock.step(time.Minute)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Created != 2 {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	live := func() (accts, contacts int) {
		for _, r := range sf.Records("Account") {
			if !r.Deleted && slices.Contains(emails, strings.ToLower(r.Fields["PersonEmail"])) {
				accts++
			}
		}
		for _, r := range sf.Records("Contact") {
			if !r.Deleted && slices.Contains(emails, strings.ToLower(r.Fields["Email"])) {
				contacts++
			}
		}
		return accts, contacts
	}
	if ac, co := live(); ac != 2 || co != 2 {
		t.Fatalf("after the run: %d person accounts, %d contacts; want 2 and 2", ac, co)
	}
	clock.step(time.Minute)
	if dels := approveUndoDeletes(t, a, res.Summary.RunID, "contacts"); len(dels) != 2 {
		t.Fatalf("delete reviews %+v; want two", dels)
	}
	hsBefore := hs.Count("contacts")
	for i := range 3 {
		clock.step(time.Minute)
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		d, _ := a.RunDetail(ctx, r.Summary.RunID)
		for _, e := range d.Errors {
			t.Errorf("run %d after the undo: %s %s %s %s", i, e.RecordID, e.Field, e.Code, e.Message)
		}
		t.Logf("run %d after the undo: %+v", i, r.Summary)
		if i > 0 && r.Summary.Created+r.Summary.Updated+r.Summary.Deleted != 0 {
			t.Errorf("run %d after the approved deletes wrote: %+v\n%s", i, r.Summary, r.Plan.Summary())
		}
	}
	if ac, co := live(); ac != 0 || co != 0 {
		t.Errorf("after the undo and the runs: %d person accounts, %d contacts live; want none", ac, co)
	}
	for _, id := range hsIDs {
		if r, ok := hs.Get("contacts", id); !ok || r.Archived {
			t.Errorf("HubSpot contact %s was deleted", id)
		}
	}
	if n := hs.Count("contacts"); n != hsBefore {
		t.Errorf("HubSpot contacts %d → %d", hsBefore, n)
	}
}

// TestPersonAccountCreateRefused: a new HubSpot contact that
// Salesforce refuses as a person account (no last name; an email
// Salesforce finds invalid) must fail with an error naming the HubSpot
// record, the field and Salesforce's message, leave nothing half made
// (no person account, no Contact), and the next run must try it once
// more, not pile up partial creations.
func TestPersonAccountCreateRefused(t *testing.T) {
	a, clock, sf, hs := personContactsSynced(t)
	nameless, err := hs.Create("contacts", map[string]string{"email": "no.name@example.com", "firstname": "Nora"})
	if err != nil {
		t.Fatal(err)
	}
	now := clock.now()
	ids, err := hs.Seed("contacts", []string{"email", "firstname", "lastname"},
		[]hubspot.SeedRow{{Values: []string{"bad email@@example", "Bea", "Bad"}, Created: now, Modified: now}})
	if err != nil {
		t.Fatal(err)
	}
	bad := ids[0]
	accounts, contacts := sf.Count("Account"), sf.Count("Contact")
	for i := range 2 {
		clock.step(time.Minute)
		res, errs := runAndErrors(t, a, "contacts")
		t.Logf("run %d: %+v errors %+v", i, res.Summary, errs)
		want := map[string]string{nameless.ID: "LastName", bad: "Email"}
		for _, e := range errs {
			if f, ok := want[e.RecordID]; ok && strings.EqualFold(e.Field, f) && e.Message != "" {
				delete(want, e.RecordID)
			}
		}
		if len(want) > 0 {
			t.Errorf("run %d: no error naming HubSpot record and field %v: %+v", i, want, errs)
		}
		if res.Summary.Failed != 2 {
			t.Errorf("run %d: failed %d, want the two refused people", i, res.Summary.Failed)
		}
	}
	if a2, c2 := sf.Count("Account"), sf.Count("Contact"); a2 != accounts || c2 != contacts {
		t.Errorf("refused person creates left records behind: Accounts %d → %d, Contacts %d → %d", accounts, a2, contacts, c2)
	}
}

// TestPersonAccountLostCreateUndone: the run whose person-account
// create lost its answer (or died with it) is settled by the next run;
// undoing it and approving the deletes must take away every person
// account it made (none left behind), and the runs after must write
// nothing.
func TestPersonAccountLostCreateUndone(t *testing.T) {
	for _, kill := range []bool{false, true} {
		t.Run(lostOrKilled(kill), func(t *testing.T) {
			a, srv, res := lostPersonCreate(t, kill, func(*sandbox.Server) {})
			bg := context.Background()
			next, err := a.Run(bg, "contacts", app.RunOptions{Confirm: true})
			t.Logf("run 2: %v %+v", err, next.Summary)
			if _, made := personDuplicates(srv); made == 0 {
				t.Fatal("no person account made")
			}
			t.Logf("undo: %d delete reviews", len(approveUndoDeletes(t, a, res.Summary.RunID, "contacts")))
			for i := range 2 {
				r, err := a.Run(bg, "contacts", app.RunOptions{Confirm: true})
				t.Logf("run after the undo %d: %v %+v", i, err, r.Summary)
				if i > 0 && (err != nil || r.Summary.Created+r.Summary.Updated+r.Summary.Deleted != 0) {
					t.Errorf("run %d after the approved deletes wrote: %v %+v\n%s", i, err, r.Summary, r.Plan.Summary())
				}
			}
			if _, left := personDuplicates(srv); left != 0 {
				var names []string
				for _, r := range srv.Salesforce().Records("Account") {
					if !r.Deleted && r.Fields["IsPersonAccount"] == "true" {
						names = append(names, r.ID+" "+r.Fields["PersonEmail"])
					}
				}
				t.Errorf("the undo of the run that made the person accounts left %d of them: %v", left, names)
			}
		})
	}
}

// TestPersonAccountUndoDeleteAnswerLost: the undo of a run that
// made person accounts is approved; Salesforce carries out a delete but
// its answer is lost (a 502), so the call is sent again and Salesforce
// says the record is already deleted (ENTITY_IS_DELETED). The delete the
// person approved did happen: it must count as deleted and be kept in the
// run's record, not fail ("they will be retried") with "entity is
// deleted".
func TestPersonAccountUndoDeleteAnswerLost(t *testing.T) {
	a, srv, tr := lossyApp(t, 61, 12, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	if err := srv.Salesforce().EnablePersonAccounts(); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	ctx := context.Background()
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, made := personDuplicates(srv); made == 0 {
		t.Fatal("the run made no person account")
	}
	dels := approveUndoDeletes(t, a, res.Summary.RunID, "contacts")
	if len(dels) == 0 {
		t.Fatal("the undo held no delete for review")
	}
	tr.arm(1, func(r *http.Request) bool {
		return r.Method == http.MethodDelete && strings.HasSuffix(r.URL.Path, "/composite/sobjects")
	})
	run, errs := runAndErrors(t, a, "contacts")
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("no delete answer was lost: %v", tr.lostCalls())
	}
	for _, e := range errs {
		t.Errorf("the approved delete whose answer was lost failed: %s %s %s %s", e.RecordID, e.Field, e.Code, e.Message)
	}
	if s := run.Summary; s.Deleted != len(dels) || s.Failed != 0 {
		t.Errorf("run applying %d approved deletes: %+v", len(dels), s)
	}
	if _, left := personDuplicates(srv); left != 0 {
		t.Errorf("%d person accounts left after the approved deletes", left)
	}
}
