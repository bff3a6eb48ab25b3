package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestMappingRowAddedReachesSyncedPairs adds a row to a saved sync that has
// run: the next run, previewed first, reads every record and merges every
// pair again, so the new row reaches the records already synced (not only
// those edited later), then runs incrementally again. A change of schedule
// alone asks for no full pass.
func TestMappingRowAddedReachesSyncedPairs(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 23, 40)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	full := app.DemoSync("contacts", "hs", "sf")
	withoutCity := full
	withoutCity.Fields = slices.DeleteFunc(slices.Clone(full.Fields), func(f mapping.Field) bool { return f.A == "city" })
	if len(withoutCity.Fields) != len(full.Fields)-1 {
		t.Fatal("the demo sync has no city row to leave out")
	}
	if err := a.SaveSync(ctx, withoutCity); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	cityMissing := func() (n int) {
		for _, l := range syncLinks(t, a, "contacts") {
			h, _ := hs.Get("contacts", l.AID)
			s, _ := sf.Get("Contact", l.BID)
			if h.Properties["city"] != "" && s.Fields["MailingCity"] == "" {
				n++
			}
		}
		return n
	}
	before := cityMissing()
	if before == 0 {
		t.Fatal("no synced pair has a HubSpot city and a blank Salesforce one; the test shows nothing")
	}

	rescheduled := withoutCity
	rescheduled.Schedule = "every 2h"
	if err := a.SaveSync(ctx, rescheduled); err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Sync(ctx, "contacts"); v.FullPass != "" {
		t.Fatalf("a new schedule asks for a full pass: %q", v.FullPass)
	}

	full.Schedule = rescheduled.Schedule
	if err := a.SaveSync(ctx, full); err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Sync(ctx, "contacts"); !strings.Contains(v.FullPass, "the field mapping changed") {
		t.Fatalf("full pass due after adding the city row = %q; want it to say the mapping changed", v.FullPass)
	}
	preview, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if line := preview.Plan.FullPassLine(); !strings.Contains(line, "the field mapping changed") {
		t.Fatalf("preview's full-pass line = %q", line)
	}
	if u := preview.Plan.Counts.UpdateB; u < before {
		t.Fatalf("preview updates %d Salesforce contacts; want at least the %d pairs missing a city\n%s", u, before, preview.Plan.Summary())
	}
	if n := cityMissing(); n != before {
		t.Fatalf("the preview wrote: %d pairs miss a city, were %d", n, before)
	}

	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after adding the city row: %v %+v", err, res.Summary)
	}
	if n := cityMissing(); n != 0 {
		t.Fatalf("%d of %d synced pairs still miss the city HubSpot holds after the full pass", n, before)
	}
	if v, _ := a.Sync(ctx, "contacts"); v.FullPass != "" {
		t.Fatalf("full pass still due after it was applied: %q", v.FullPass)
	}
	again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if again.Plan.FullPass != "" || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after the full pass: full pass %q, %d creates, %d updates; want an incremental run writing nothing",
			again.Plan.FullPass, again.Summary.Created, again.Summary.Updated)
	}
}

// TestAskFullResync: a person's Resync makes the next run read and merge
// everything, previewed with why, and once applied the runs after it are
// incremental again.
func TestAskFullResync(t *testing.T) {
	ctx := context.Background()
	a, _ := connectedSandbox(t, 24, 20)
	if err := a.SaveSync(ctx, app.DemoSync("contacts", "hs", "sf")); err != nil {
		t.Fatal(err)
	}
	first, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, first.Summary)
	}
	// The run after reads back what the first one wrote; the one after it
	// would read nothing.
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if err := a.AskFullResync(ctx, "contacts"); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Plan.FullPassLine(), "you asked for a full resync") {
		t.Fatalf("resync run's full-pass line = %q", res.Plan.FullPassLine())
	}
	if links := len(syncLinks(t, a, "contacts")); res.Plan.Counts.Unchanged < links {
		t.Fatalf("the resync found %d pairs unchanged; want all %d linked pairs merged again: %+v", res.Plan.Counts.Unchanged, links, res.Plan.Counts)
	}
	if v, _ := a.Sync(ctx, "contacts"); v.FullPass != "" {
		t.Fatalf("resync still due after it ran: %q", v.FullPass)
	}
	if err := a.AskFullResync(ctx, "nope"); err == nil {
		t.Fatal("a resync of a sync that does not exist was accepted")
	}
}
