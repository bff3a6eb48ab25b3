package app_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/crmsync/crmsync/app"
)

// TestNoteTitleWithEmojiFitsSalesforce: a HubSpot note whose first
// line is long and holds emoji becomes a Salesforce Note titled with that
// line cut to fit Title's 80 characters as Salesforce counts them (an emoji
// is a surrogate pair, two), not refused as STRING_TOO_LONG.
func TestNoteTitleWithEmojiFitsSalesforce(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 53, 10)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoNotesSync("notes", "hs", "sf", "contacts"))
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v", err, res)
	}
	var contact string
	for _, l := range syncLinks(t, a, "contacts") {
		contact = l.AID
	}
	line := strings.Repeat("Great call 🎉 ", 10)
	n, err := hs.Create("notes", map[string]string{"hs_note_body": "<p>" + line + "</p><p>Next steps</p>", "hs_timestamp": "2026-11-30T10:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hs.SeedAssociations("notes", "contacts", map[string]string{n.ID: contact}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		var why []string
		for _, g := range res.Failures {
			why = append(why, g.Line())
		}
		t.Fatalf("notes run: %v %+v %v", err, res.Summary, why)
	}
	for _, l := range syncLinks(t, a, "notes") {
		if l.AID != n.ID {
			continue
		}
		s, _ := sf.Get("Note", l.BID)
		title := s.Fields["Title"]
		if u := len(utf16.Encode([]rune(title))); u > 80 || !strings.HasPrefix(title, "Great call 🎉") || !strings.HasSuffix(title, "…") {
			t.Errorf("Note title %q (%d UTF-16 units), want the first line cut to at most 80 with an ellipsis", title, u)
		}
		return
	}
	t.Fatalf("note %s not linked", n.ID)
}

// TestInvisibleValueIsBlank: a HubSpot job title that shows nothing
// (a zero-width space, a byte order mark, pasted from a web form) is a
// blank: on an unless-blank row it does not overwrite the Salesforce
// Contact's title.
func TestInvisibleValueIsBlank(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 61, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	for i, blank := range []string{"\u200b", " \ufeff\u00a0"} {
		l := links[i]
		if _, err := hs.Update("contacts", l.AID, map[string]string{"jobtitle": "CFO"}); err != nil {
			t.Fatal(err)
		}
		if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("run: %v %+v", err, res.Summary)
		}
		if s, _ := sf.Get("Contact", l.BID); s.Fields["Title"] != "CFO" {
			t.Fatalf("Salesforce title %q, want CFO", s.Fields["Title"])
		}
		time.Sleep(5 * time.Millisecond)
		if _, err := hs.Update("contacts", l.AID, map[string]string{"jobtitle": blank}); err != nil {
			t.Fatal(err)
		}
		if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("run: %v %+v", err, res.Summary)
		}
		if s, _ := sf.Get("Contact", l.BID); s.Fields["Title"] != "CFO" {
			t.Errorf("HubSpot title %q overwrote Salesforce's CFO with %q", blank, s.Fields["Title"])
		}
	}
}

// TestZohoTooLongSaysTheLimit: a HubSpot first name longer than Zoho
// CRM's First_Name fails that contact, naming the field and the maximum
// length Zoho's refusal gives (its message alone says only "invalid
// data"); another contact's edit in the same run is written, and the run
// after does not try the refused one again.
func TestZohoTooLongSaysTheLimit(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 67, 10, "zoho", "zh", app.DemoZohoSync("zoho", "hs", "zh"))
	hs, zh := srv.HubSpot(), srv.Zoho()
	links := syncLinks(t, a, "zoho")
	time.Sleep(1100 * time.Millisecond) // Modified_Time has one-second resolution
	if _, err := hs.Update("contacts", links[0].AID, map[string]string{"firstname": "Renée"}); err != nil {
		t.Fatal(err)
	}
	bad, err := hs.Create("contacts", map[string]string{"email": "long.name@example.com", "firstname": strings.Repeat("Bartholomew", 5), "lastname": "Long"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "zoho", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "partial" || res.Summary.Failed != 1 {
		t.Fatalf("run: %v %+v, want the long name failed\n%s", err, res.Summary, res.Plan.Summary())
	}
	if z, _ := zh.Get("Contacts", links[0].BID); z.Fields["First_Name"] != "Renée" {
		t.Errorf("Zoho contact %s first name %q, want Renée", links[0].BID, z.Fields["First_Name"])
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil || len(d.Errors) != 1 {
		t.Fatalf("run errors: %+v %v", d.Errors, err)
	}
	if e := d.Errors[0]; e.RecordID != bad.ID || e.Field != "First_Name" || e.Code != "INVALID_DATA" || !strings.Contains(e.Message, "40") {
		t.Errorf("error %+v: want contact %s, First_Name, INVALID_DATA and the maximum length 40", e, bad.ID)
	}
	if again, err := a.Run(ctx, "zoho", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated+again.Summary.Failed != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}
