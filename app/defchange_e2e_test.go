package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

func withoutRows(def engine.Definition, aFields ...string) engine.Definition {
	def.Fields = slices.DeleteFunc(slices.Clone(def.Fields), func(f mapping.Field) bool { return slices.Contains(aFields, f.A) })
	return def
}

// TestRowAddedDuringFullPassRun: a person adds a mapping row while
// the full pass of an earlier change runs (the scheduler started it; the
// editor saves meanwhile). That run planned with the old definition, so
// the new row reaches none of the pairs it merged; the full pass the save
// asked for must stay due rather than be cleared by the run that never saw
// the row.
func TestRowAddedDuringFullPassRun(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 23, 40)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	full := app.DemoSync("contacts", "hs", "sf")
	if err := a.SaveSync(ctx, withoutRows(full, "city", "jobtitle")); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	titleMissing := func() (n int) {
		for _, l := range syncLinks(t, a, "contacts") {
			h, _ := hs.Get("contacts", l.AID)
			s, _ := sf.Get("Contact", l.BID)
			if h.Properties["jobtitle"] != "" && s.Fields["Title"] == "" {
				n++
			}
		}
		return n
	}
	before := titleMissing()
	if before == 0 {
		t.Fatal("no synced pair has a HubSpot job title and a blank Salesforce one; the test shows nothing")
	}
	// The city row is added: a full pass is due.
	if err := a.SaveSync(ctx, withoutRows(full, "jobtitle")); err != nil {
		t.Fatal(err)
	}
	// While that full pass applies, the job title row is added too.
	saved := false
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true, Progress: func(engine.Progress) {
		if saved {
			return
		}
		saved = true
		if err := a.SaveSync(ctx, full); err != nil {
			t.Errorf("save during the run: %v", err)
		}
	}})
	if err != nil || res.Summary.Status != "success" || !saved {
		t.Fatalf("run during which the row was added: %v %+v (saved during it: %v)", err, res.Summary, saved)
	}
	if v, _ := a.Sync(ctx, "contacts"); !strings.Contains(v.FullPass, "the field mapping changed") {
		t.Errorf("after a run that planned without the job title row, full pass due = %q; want the mapping change still due", v.FullPass)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if n := titleMissing(); n != 0 {
		t.Fatalf("%d of %d synced pairs still miss the job title HubSpot holds after the row was added", n, before)
	}
}

// TestRowAddedAfterFirstPreview: the usual first steps: a new sync is
// previewed, a missing row is noticed and added in the editor, and the sync
// is applied. The preview read both sides (and kept its cursors) with the
// old mapping, so the first applied run must still read every record with
// the new row, or the records that did not change since the preview are
// created and linked without it, and never get it.
func TestRowAddedAfterFirstPreview(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 23, 40)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	full := app.DemoSync("contacts", "hs", "sf")
	if err := a.SaveSync(ctx, withoutRows(full, "jobtitle")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true}); err != nil {
		t.Fatalf("preview: %v", err)
	}
	if err := a.SaveSync(ctx, full); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	var missing, withTitle int
	for _, l := range syncLinks(t, a, "contacts") {
		h, _ := hs.Get("contacts", l.AID)
		s, _ := sf.Get("Contact", l.BID)
		if h.Properties["jobtitle"] != "" {
			withTitle++
			if s.Fields["Title"] == "" {
				missing++
			}
		}
	}
	if withTitle == 0 {
		t.Fatal("no linked HubSpot contact has a job title; the test shows nothing")
	}
	if missing != 0 {
		t.Fatalf("%d of %d synced HubSpot contacts with a job title have none in Salesforce after the first run with the job title row", missing, withTitle)
	}
}
