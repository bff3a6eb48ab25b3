package ui

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestEditorOffersOrgZoneBetweenOtherCRMs: a Los Angeles company
// syncing Salesforce Events' StartDateTime onto Zoho Tasks' Due_Date (no
// HubSpot anywhere) is offered the date in America/Los_Angeles, the
// Salesforce org's zone, first: date:UTC puts an event at 17:00 on the
// next day.
func TestEditorOffersOrgZoneBetweenOtherCRMs(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.srv.Salesforce().SetTimeZone("America/Los_Angeles")
	l.srv.Zoho().SetTimeZone("Europe/Berlin")
	for _, v := range [][2]string{{"salesforce", demoSalesforce}, {"zoho", demoZoho}} {
		if _, err := l.a.ConnectSandbox(ctx, l.srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	def := engine.Definition{Name: "events to tasks",
		A: engine.SideDef{Connection: demoSalesforce, Object: "Event"}, B: engine.SideDef{Connection: demoZoho, Object: "Tasks"},
		Direction: mapping.AtoB, Match: []engine.MatchRule{{A: "Subject", B: "Subject", Normalize: "text"}},
		Unmatched: engine.UnmatchedCreate, Conflict: engine.ConflictNewer, Schedule: "manual",
		Fields: []mapping.Field{{A: "Subject", B: "Subject"}, {A: "StartDateTime", B: "Due_Date", Transform: "date:UTC"}}}
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.openEditor(def.Name) })
	l.see(demoZoho + " Tasks field (B)")
	l.see("fields loaded")
	opts := transformOptions(t, l, "date:UTC")
	want := []string{"date:America/Los_Angeles", "datetime:America/Los_Angeles", "date:Europe/Berlin", "datetime:Europe/Berlin"}
	if len(opts) < len(want) {
		t.Fatalf("transform choices %q, want %q first", opts, want)
	}
	for i, w := range want {
		if opts[i] != w {
			t.Fatalf("transform choices %q, want %q first (the datetime's side, Salesforce's, first)", opts, want)
		}
	}
}

// TestSuggestUsesDatetimeSidesZone: a datetime on A onto a date on B
// is proposed in A's zone; a date on A onto a datetime on B in B's.
func TestSuggestUsesDatetimeSidesZone(t *testing.T) {
	dt := &connector.Schema{Fields: []connector.Field{{Name: "Due", Label: "Due", Type: connector.TypeDateTime}}}
	d := &connector.Schema{Fields: []connector.Field{{Name: "Due", Label: "Due", Type: connector.TypeDate}}}
	if got := suggest(dt, d, nil, "America/Los_Angeles", "Europe/Tallinn"); len(got) != 1 || got[0].f.Transform != "date:America/Los_Angeles" {
		t.Fatalf("datetime A → date B = %+v; want date:America/Los_Angeles", got)
	}
	got := suggest(d, dt, nil, "America/Los_Angeles", "Europe/Tallinn")
	if len(got) != 1 || got[0].f.Transform != "datetime:Europe/Tallinn" || got[0].f.ReverseTransform != "date:Europe/Tallinn" {
		t.Fatalf("date A → datetime B = %+v; want datetime:Europe/Tallinn and back date:Europe/Tallinn", got)
	}
}
