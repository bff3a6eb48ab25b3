package app_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestPreviewMatchesApplyEveryDemoSync: every ready-made sync's
// preview shows, field by field, what its run then writes (dates, picklists,
// amounts and references included) on its first run.
func TestPreviewMatchesApplyEveryDemoSync(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	a, srv := connectedSandbox(t, 47, 12)
	defs := app.DemoSyncs(connectAll(t, a, srv))
	saveSyncs(t, a, defs...)
	for _, def := range defs {
		previewMatchesApply(t, a, def.Name)
	}
}

// TestPreviewDuringRunKeepsItsWrites: a person opens the preview while
// a run of the same sync is writing (a scheduled run, Sync all). The
// preview must not take the running run's plan away: the update it was
// about to send after its creates must still reach Salesforce.
func TestPreviewDuringRunKeepsItsWrites(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 13, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if _, err := hs.Create("contacts", map[string]string{"email": "mid.run@example.com", "firstname": "Mid", "lastname": "Run"}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("contacts", links[0].AID, map[string]string{"jobtitle": "Written After Creates"}); err != nil {
		t.Fatal(err)
	}
	paused, resume := make(chan struct{}), make(chan struct{})
	var once sync.Once
	type out struct {
		res app.RunResult
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := a.Run(ctx, "contacts", app.RunOptions{Progress: func(p engine.Progress) {
			if p.Phase == "create b" {
				once.Do(func() { close(paused); <-resume })
			}
		}})
		done <- out{res, err}
	}()
	select {
	case <-paused:
	case o := <-done:
		t.Fatalf("the run ended before its creates: %v %+v", o.err, o.res.Summary)
	case <-time.After(time.Minute):
		t.Fatal("the run never reached its creates")
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true}); err != nil {
		t.Logf("preview during the run: %v", err)
	}
	// Apply pressed meanwhile is refused, and plans nothing away either.
	if _, err := a.Run(ctx, "contacts", app.RunOptions{}); !errors.Is(err, store.ErrRunOpen) {
		t.Errorf("apply during the run: %v; want it refused as a run already open", err)
	}
	close(resume)
	o := <-done
	if o.err != nil {
		t.Fatalf("run: %v", o.err)
	}
	if r, _ := sf.Get("Contact", links[0].BID); r.Fields["Title"] != "Written After Creates" {
		t.Errorf("a preview during the run lost its update: Salesforce Title %q; run %+v", r.Fields["Title"], *o.res.Summary)
	}
	// Nor is it left for a later run to find: the change was marked done.
	res, err := a.Run(ctx, "contacts", app.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := sf.Get("Contact", links[0].BID); r.Fields["Title"] != "Written After Creates" {
		t.Errorf("the next run did not write it either: Salesforce Title %q; next run %+v", r.Fields["Title"], *res.Summary)
	}
	// What the preview read mid-run (the run's own creates) is no change.
	if s := res.Summary; s.Created+s.Updated+s.Linked+s.Review != 0 {
		t.Errorf("the run after it wrote again: %+v\n%s", *s, res.Plan.Summary())
	}
}

// TestPreviewsDoNotPileUp: Apply plans again, so a preview's stored
// items are never read after it is shown. Refreshing the preview of a
// first sync must not keep a copy of every plan in the data file (at 100k
// records a plan is tens of MB) until the sync first runs.
func TestPreviewsDoNotPileUp(t *testing.T) {
	ctx := context.Background()
	a, _ := connectedSandbox(t, 17, 30)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	for range 3 {
		p, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if p.Plan.Empty() {
			t.Fatalf("the first sync's preview writes nothing:\n%s", p.Plan.Summary())
		}
	}
	var plans, chunks int
	db := a.DB().SQL()
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM plans").Scan(&plans); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM plan_chunks").Scan(&chunks); err != nil {
		t.Fatal(err)
	}
	if plans+chunks > 0 {
		t.Errorf("after three previews the data file holds %d plans in %d chunks", plans, chunks)
	}
	// The preview's Apply still writes what it showed.
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Created == 0 {
		t.Fatalf("apply after the previews: %v %+v", err, res.Summary)
	}
}

// TestRecordMadeAfterPreviewIsLinkedNotDuplicated: the preview plans
// to create a HubSpot contact in Salesforce; before Apply, someone adds
// the same person in Salesforce by hand. Apply must link the two, not
// create a second Salesforce contact with that email.
func TestRecordMadeAfterPreviewIsLinkedNotDuplicated(t *testing.T) {
	ctx := context.Background()
	a, srv, _ := syncedContacts(t, 19, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	aid, err := hs.Create("contacts", map[string]string{"email": "late.twin@example.com", "firstname": "Late", "lastname": "Twin"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
	if err != nil || p.Plan.Counts.CreateB != 1 {
		t.Fatalf("preview: %v\n%s", err, p.Plan.Summary())
	}
	bid, err := sf.Create("Contact", map[string]string{"LastName": "Twin", "FirstName": "Late", "Email": "Late.Twin@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true, ConfirmReason: p.Plan.Reason})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	n := 0
	for _, r := range sf.Records("Contact") {
		if strings.EqualFold(r.Fields["Email"], "late.twin@example.com") {
			n++
		}
	}
	if n != 1 || !isLinked(t, a, "contacts", aid.ID, bid.ID) {
		t.Errorf("%d Salesforce contacts share the email after Apply (linked to the hand-made one: %v); run %+v\n%s", n, isLinked(t, a, "contacts", aid.ID, bid.ID), *res.Summary, res.Plan.Summary())
	}
}
