package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestNoteLongerThanSalesforceBody: a HubSpot note longer than a
// Salesforce Note's Body (32,000) fails that record, naming Body and
// Salesforce's STRING_TOO_LONG, without the whole note in the message; the
// other notes sync, and the next run neither loops nor creates it.
func TestNoteLongerThanSalesforceBody(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 53, 60)
	hs := srv.HubSpot()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoNotesSync("notes", "hs", "sf", "contacts"))
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v", err, res)
	}
	var contact string
	for _, l := range syncLinks(t, a, "contacts") {
		contact = l.AID
	}
	long := "<p>" + strings.Repeat("word ", 7000) + "</p>" // 35,000 characters of text
	big, err := hs.Create("notes", map[string]string{"hs_note_body": long, "hs_timestamp": "2026-11-30T10:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hs.SeedAssociations("notes", "contacts", map[string]string{big.ID: contact}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Failed != 1 || res.Summary.Status != "partial" {
		t.Fatalf("run: %+v, want the long note failed\n%s", res.Summary, res.Plan.Summary())
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil || len(d.Errors) != 1 {
		t.Fatalf("run errors: %+v %v", d.Errors, err)
	}
	e := d.Errors[0]
	if e.RecordID != big.ID || e.Field != "Body" || e.Code != "STRING_TOO_LONG" {
		t.Fatalf("error %+v: want note %s, Body, STRING_TOO_LONG", e, big.ID)
	}
	if len(e.Message) > 2000 {
		t.Errorf("error message is %d bytes long: %.300q…", len(e.Message), e.Message)
	}
	for _, g := range res.Failures {
		if len(g.Line()) > 2000 {
			t.Errorf("failure line is %d bytes long: %.300q…", len(g.Line()), g.Line())
		}
	}
	again, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}

// TestNoteTableCellsKeepTheirWords: a HubSpot note holding a table
// (pasted from a spreadsheet or a quote) reaches Salesforce with each cell's
// words apart, not run together into new words; the run after writes nothing.
func TestNoteTableCellsKeepTheirWords(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 53, 60)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoNotesSync("notes", "hs", "sf", "contacts"))
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v", err, res)
	}
	var contact string
	for _, l := range syncLinks(t, a, "contacts") {
		contact = l.AID
	}
	body := "<p>Quote</p><table><tr><th>Plan</th><th>Seats</th></tr><tr><td>Pro</td><td>25</td></tr></table>"
	n, err := hs.Create("notes", map[string]string{"hs_note_body": body, "hs_timestamp": "2026-11-30T10:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hs.SeedAssociations("notes", "contacts", map[string]string{n.ID: contact}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("notes run: %v %+v", err, res.Summary)
	}
	for _, l := range syncLinks(t, a, "notes") {
		if l.AID != n.ID {
			continue
		}
		s, _ := sf.Get("Note", l.BID)
		if got := strings.Fields(s.Fields["Body"]); strings.Join(got, " ") != "Quote Plan Seats Pro 25" {
			t.Errorf("Note %s body %q, want the cells' words apart: Quote / Plan Seats / Pro 25", l.BID, s.Fields["Body"])
		}
		if again, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("run after: %v %+v", err, again.Summary)
		}
		return
	}
	t.Fatalf("note %s not linked", n.ID)
}
