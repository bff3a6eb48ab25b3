package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// klaviyoPatch matches Klaviyo's Update Profile, the one-call-a-profile
// write the connector uses for a batch of up to three updates.
func klaviyoPatch(r *http.Request) bool {
	return r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/klaviyo/api/profiles/")
}

// auditOf is the audit of run id, logged.
func auditOf(t *testing.T, a *app.App, id int64) []store.AuditRow {
	t.Helper()
	rows, err := a.DB().Audit(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		t.Logf("run %d audit %s %s %s %q → %q (%s)", id, r.Side, r.RecordID, r.Field, r.Old, r.New, r.Rule)
	}
	return rows
}

// runRowOf is run id as History shows it.
func runRowOf(t *testing.T, a *app.App, id int64) store.RunRow {
	t.Helper()
	row, err := a.DB().Run(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return row
}

// syncedThenEdited runs sync name once and then, a second later (the
// vendors keep modified times to the second), edits the first n linked
// records through the vendor's API; it returns those n links.
func syncedThenEdited(t *testing.T, a *app.App, name string, n int, edit func(i int, l store.LinkRow) error) []store.LinkRow {
	t.Helper()
	if res, err := a.Run(context.Background(), name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	links := syncLinks(t, a, name)
	if len(links) < n {
		t.Fatalf("%d links; want %d or more", len(links), n)
	}
	links = links[:n]
	time.Sleep(1100 * time.Millisecond)
	for i, l := range links {
		if err := edit(i, l); err != nil {
			t.Fatal(err)
		}
	}
	return links
}

// assertStoppedRunAuditsOnce checks that stopped run id audits side's
// field for exactly the written records, once each, and that History
// counts them as updated.
func assertStoppedRunAuditsOnce(t *testing.T, a *app.App, id int64, side, field string, written int) {
	t.Helper()
	perRecord := map[string]int{}
	for _, row := range auditOf(t, a, id) {
		if row.Side == side && row.Field == field {
			perRecord[row.RecordID]++
		}
	}
	if len(perRecord) != written {
		t.Errorf("the stopped run audits %d records' %s; the CRM took %d", len(perRecord), field, written)
	}
	for rec, n := range perRecord {
		if n != 1 {
			t.Errorf("the stopped run audits %s's %s %d times; want once", rec, field, n)
		}
	}
	if row := runRowOf(t, a, id); row.Updated != written {
		t.Errorf("History shows the stopped run with %d updated; the CRM took %d", row.Updated, written)
	}
}

// klaviyoStop is a run stopped partway through one engine write to
// Klaviyo (stoppedKlaviyoRun).
type klaviyoStop struct {
	a        *app.App
	srv      *sandbox.Server
	links    []store.LinkRow   // the three records renamed
	oldNames map[string]string // Klaviyo profile id → first name before
	stopped  engine.RunSummary
}

// stoppedKlaviyoRun: three linked HubSpot contacts get a new first name
// (Renamed0..2); Klaviyo takes the first profile's update (one call a
// profile) and answers 429 to everything after, so the run stops with
// the three updates of unknown outcome (no answer came for the batch).
func stoppedKlaviyoRun(t *testing.T, seed int64) klaviyoStop {
	t.Helper()
	a, srv, tr := lossyApp(t, seed, 8, [2]string{"hubspot", "hs"}, [2]string{"klaviyo", "v"})
	saveSyncs(t, a, app.DemoKlaviyoSync("s", "hs", "v"))
	k := klaviyoStop{a: a, srv: srv, oldNames: map[string]string{}}
	k.links = syncedThenEdited(t, a, "s", 3, func(i int, l store.LinkRow) error {
		p, _ := srv.Klaviyo().Profile(l.BID)
		k.oldNames[l.BID] = p.FirstName
		_, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": fmt.Sprintf("Renamed%d", i)})
		return err
	})
	var patches atomic.Int32
	tr.setHook(func(r *http.Request) {
		if klaviyoPatch(r) && patches.Add(1) == 2 {
			srv.Klaviyo().Faults().Set(simkit.Faults{P429: 1})
		}
	})
	stopped, err := a.Run(context.Background(), "s", app.RunOptions{Confirm: true})
	tr.setHook(nil)
	srv.Klaviyo().Faults().Set(simkit.Faults{})
	if err != nil || stopped.Summary == nil || stopped.Summary.Stopped == nil {
		t.Fatalf("the run did not stop: %v %+v", err, stopped.Summary)
	}
	t.Logf("stopped run: %+v", stopped.Summary)
	k.stopped = *stopped.Summary
	return k
}

// TestStopAfterFirstUpdateCall: three linked HubSpot contacts get a
// new first name; Klaviyo takes the first profile's update (one call per
// profile) and then answers 429 to every call, so the run stops partway
// through one engine write. The profile Klaviyo updated must be audited
// under the stopped run, the others written once by the next run and
// audited only there, and undoing the stopped run must put back only the
// profile it changed.
func TestStopAfterFirstUpdateCall(t *testing.T) {
	ctx := context.Background()
	k := stoppedKlaviyoRun(t, 8401)
	a, srv, links, oldNames := k.a, k.srv, k.links, k.oldNames
	written := ""
	for i, l := range links {
		if p, _ := srv.Klaviyo().Profile(l.BID); p.FirstName == fmt.Sprintf("Renamed%d", i) {
			if written != "" {
				t.Fatalf("Klaviyo took more than one update before the storm")
			}
			written = l.BID
		}
	}
	if written == "" {
		t.Fatal("Klaviyo took no update before the storm")
	}
	next, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
	if err != nil || next.Summary.Status != "success" {
		t.Fatalf("next run: %v %+v", err, next.Summary)
	}
	for i, l := range links {
		if p, _ := srv.Klaviyo().Profile(l.BID); p.FirstName != fmt.Sprintf("Renamed%d", i) {
			t.Errorf("profile %s first name %q after the next run; want Renamed%d", l.BID, p.FirstName, i)
		}
	}
	for _, row := range auditOf(t, a, k.stopped.RunID) {
		if row.Field == "first_name" && row.RecordID != written {
			t.Errorf("stopped run %d audits %s %q → %q (%s), a profile Klaviyo refused", k.stopped.RunID, row.RecordID, row.Old, row.New, row.Rule)
		}
	}
	auditOf(t, a, next.Summary.RunID)
	if row := runRowOf(t, a, k.stopped.RunID); row.Updated != 1 {
		t.Errorf("History shows the stopped run with %d updated; Klaviyo took its update of %s", row.Updated, written)
	}
	if res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created+res.Summary.Updated != 0 {
		t.Errorf("run after that: %v %+v; want nothing to write", err, res.Summary)
	}
	undo, err := a.Undo(ctx, k.stopped.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo of the stopped run: %v", err)
	}
	t.Logf("undo: %+v", undo.Summary)
	for i, l := range links {
		p, _ := srv.Klaviyo().Profile(l.BID)
		want := fmt.Sprintf("Renamed%d", i)
		if l.BID == written {
			want = oldNames[l.BID]
		}
		if p.FirstName != want {
			t.Errorf("after undoing the stopped run, profile %s first name %q; want %q", l.BID, p.FirstName, want)
		}
	}
}

// TestStopAfterFirstCreateCalls: six new HubSpot contacts go to
// Brevo, which creates contacts one call each; from the third create call
// on Brevo answers 429 to everything, so the run stops partway through one
// engine write. The contacts Brevo made before the storm must be linked
// and audited as created under the stopped run, the rest created once by
// the next run, nothing twice, and undoing the stopped run must offer to
// delete only the contacts it made. (TestBrevo429StormStopsCreates
// stops at the first create; this covers the audit and undo of the ones
// made before the stop.)
func TestStopAfterFirstCreateCalls(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 8402, 8, [2]string{"hubspot", "hs"}, [2]string{"brevo", "v"})
	saveSyncs(t, a, app.DemoBrevoSync("s", "hs", "v"))
	if res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	var emails []string
	for i := range 6 {
		e := fmt.Sprintf("stopped.create%d@example.org", i)
		emails = append(emails, e)
		mustCreateHS(t, srv.HubSpot(), "contacts", map[string]string{"email": e, "firstname": "Stopped", "lastname": fmt.Sprintf("Create %d", i)})
	}
	var creates atomic.Int32
	tr.setHook(func(r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/brevo/v3/contacts") && creates.Add(1) == 3 {
			srv.Brevo().Faults().Set(simkit.Faults{P429: 1})
		}
	})
	stopped, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
	tr.setHook(nil)
	srv.Brevo().Faults().Set(simkit.Faults{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stopped run: %+v", stopped.Summary)
	if stopped.Summary.Stopped == nil {
		t.Fatalf("the run did not stop: %+v", stopped.Summary)
	}
	made := map[string]bool{} // Brevo ids made before the storm
	for _, e := range emails {
		if c, ok := srv.Brevo().ContactByEmail(e); ok {
			made[fmt.Sprint(c.ID)] = true
		}
	}
	if len(made) == 0 || len(made) == len(emails) {
		t.Fatalf("Brevo made %d of %d contacts before the storm; want some", len(made), len(emails))
	}
	if next, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil || next.Summary.Status != "success" {
		t.Fatalf("next run: %v %+v", err, next.Summary)
	}
	for _, e := range emails {
		n := 0
		for _, c := range srv.Brevo().Contacts() {
			if strings.EqualFold(c.Email, e) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("Brevo holds %d contacts with %s; want one", n, e)
		}
	}
	if n, links := srv.Brevo().Count(), len(syncLinks(t, a, "s")); n != links {
		t.Errorf("%d Brevo contacts, %d links", n, links)
	}
	created := map[string]bool{}
	for _, row := range auditOf(t, a, stopped.Summary.RunID) {
		if row.Side == "b" && row.Field == "email" && row.Old == "" {
			created[row.RecordID] = true
		}
	}
	for id := range made {
		if !created[id] {
			t.Errorf("Brevo contact %s, made by the stopped run, is not audited as created under it", id)
		}
	}
	for id := range created {
		if !made[id] {
			t.Errorf("the stopped run audits Brevo contact %s as created; it was made by the next run", id)
		}
	}
	if row := runRowOf(t, a, stopped.Summary.RunID); row.Created != len(made) {
		t.Errorf("History shows the stopped run with %d created; Brevo made %d of its contacts", row.Created, len(made))
	}
	undo, err := a.Undo(ctx, stopped.Summary.RunID, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatalf("undo preview of the stopped run: %v", err)
	}
	offered := map[string]bool{}
	for _, it := range undo.Plan.Review {
		if it.Kind == "delete" {
			offered[it.OtherID] = true
		}
	}
	if len(offered) != len(made) {
		t.Errorf("undo of the stopped run offers to delete %v; want the %d contacts it made %v", offered, len(made), made)
	}
}

// hsContactUpdates is the endpoint of HubSpot's batch update of contacts.
const hsContactUpdates = "POST /crm/objects/2026-03/contacts/batch/update"

// TestStopAfterHubSpotSplitsBatch: HubSpot refuses a batch of four
// contact updates as a whole once (400), so the connector sends it again
// in halves within the same engine write; the first half is written, then
// HubSpot answers 429 to every call. Only the first half's records must be
// counted and audited under the stopped run, the second half written once
// by the next run.
func TestStopAfterHubSpotSplitsBatch(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 8403, 8, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	links := syncedThenEdited(t, a, "contacts", 4, func(i int, l store.LinkRow) error {
		_, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"FirstName": fmt.Sprintf("Half%d", i)})
		return err
	})
	hs := srv.HubSpot()
	hs.Faults().RefuseEndpoint(hsContactUpdates, simkit.Refusal{Status: http.StatusBadRequest, Code: "VALIDATION_ERROR", Message: "refused once", Times: 1})
	var calls atomic.Int32
	tr.setHook(func(r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/contacts/batch/update") && calls.Add(1) == 3 {
			hs.Faults().Set(simkit.Faults{P429: 1})
		}
	})
	stopped, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	tr.setHook(nil)
	hs.Faults().Set(simkit.Faults{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stopped run: %+v; %d batch update calls", stopped.Summary, calls.Load())
	if stopped.Summary.Stopped == nil {
		t.Fatalf("the run did not stop: %+v", stopped.Summary)
	}
	written := 0
	for i, l := range links {
		if c, _ := hs.Get("contacts", l.AID); c.Properties["firstname"] == fmt.Sprintf("Half%d", i) {
			written++
		}
	}
	if written == 0 || written == len(links) {
		t.Fatalf("HubSpot took %d of %d updates before the storm; want some", written, len(links))
	}
	if next, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || next.Summary.Status != "success" {
		t.Fatalf("next run: %v %+v", err, next.Summary)
	}
	assertStoppedRunAuditsOnce(t, a, stopped.Summary.RunID, "a", "firstname", written)
	for i, l := range links {
		if c, _ := hs.Get("contacts", l.AID); c.Properties["firstname"] != fmt.Sprintf("Half%d", i) {
			t.Errorf("HubSpot %s firstname %q after the next run; want Half%d", l.AID, c.Properties["firstname"], i)
		}
	}
}

// inputsOf counts the inputs of a HubSpot batch request, read through
// GetBody so the request still sends its body.
func inputsOf(r *http.Request) int {
	if r.GetBody == nil {
		return -1
	}
	b, err := r.GetBody()
	if err != nil {
		return -1
	}
	defer b.Close()
	body, err := io.ReadAll(b)
	if err != nil {
		return -1
	}
	return strings.Count(string(body), `"id":`)
}

// TestStopInSecondHalfOfEngineSplit: HubSpot fails a batch of four
// contact updates with 500 through every retry, so the engine resends it
// in halves, each a write of its own; the first half is written, then
// HubSpot answers 429 to every call. The failed batch's journal stays
// for the next plan; settling it must not audit or count the first half
// a second time under the stopped run.
func TestStopInSecondHalfOfEngineSplit(t *testing.T) {
	t.Parallel() // its own sandbox and app; mostly waiting, not computing
	ctx := context.Background()
	// A 1 ms first back-off step: the 500s are retried as often, without
	// the seconds between tries.
	a, srv, tr := lossyAppWith(t, 8404, 8, app.Options{RetryMinWait: time.Millisecond}, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	links := syncedThenEdited(t, a, "contacts", 4, func(i int, l store.LinkRow) error {
		_, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"FirstName": fmt.Sprintf("Part%d", i)})
		return err
	})
	hs := srv.HubSpot()
	hs.Faults().RefuseEndpoint(hsContactUpdates, simkit.Refusal{Status: http.StatusInternalServerError, Code: "INTERNAL_ERROR", Message: "internal error"})
	var halves atomic.Int32
	tr.setHook(func(r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/contacts/batch/update") || inputsOf(r) != 2 {
			return
		}
		switch halves.Add(1) {
		case 1:
			hs.Faults().RefuseEndpoint(hsContactUpdates, simkit.Refusal{})
		case 2:
			hs.Faults().Set(simkit.Faults{P429: 1})
		}
	})
	stopped, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	tr.setHook(nil)
	hs.Faults().Set(simkit.Faults{})
	hs.Faults().RefuseEndpoint(hsContactUpdates, simkit.Refusal{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stopped run: %+v", stopped.Summary)
	if stopped.Summary.Stopped == nil || halves.Load() < 2 {
		t.Fatalf("the run did not stop in the second half (%d halves sent): %+v", halves.Load(), stopped.Summary)
	}
	written := 0
	for i, l := range links {
		if c, _ := hs.Get("contacts", l.AID); c.Properties["firstname"] == fmt.Sprintf("Part%d", i) {
			written++
		}
	}
	if written != 2 {
		t.Fatalf("HubSpot took %d of %d updates before the storm; want the first half", written, len(links))
	}
	if next, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || next.Summary.Status != "success" {
		t.Fatalf("next run: %v %+v", err, next.Summary)
	}
	assertStoppedRunAuditsOnce(t, a, stopped.Summary.RunID, "a", "firstname", written)
	for i, l := range links {
		if c, _ := hs.Get("contacts", l.AID); c.Properties["firstname"] != fmt.Sprintf("Part%d", i) {
			t.Errorf("HubSpot %s firstname %q after the next run; want Part%d", l.AID, c.Properties["firstname"], i)
		}
	}
}
