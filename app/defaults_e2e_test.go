package app_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// defaultsSync is HubSpot contacts ↔ Salesforce Contacts by email with two
// rows that fill a blank source with a default: a one-way unless-blank
// Title and a two-way city.
func defaultsSync() engine.Definition {
	return engine.Definition{Name: "defaults", A: engine.SideDef{Connection: "hs", Object: "contacts"}, B: engine.SideDef{Connection: "sf", Object: "Contact"},
		Direction: mapping.TwoWay, Match: []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Unmatched: engine.UnmatchedCreate, Conflict: engine.ConflictNewer, Safety: engine.Safety{MaxChangePercent: 100},
		Fields: []mapping.Field{
			{A: "email", B: "Email", Transform: "lower"},
			{A: "lastname", B: "LastName", Rule: mapping.UnlessBlank},
			{A: "jobtitle", B: "Title", Direction: mapping.AtoB, Default: "Unknown", Rule: mapping.UnlessBlank},
			{A: "city", B: "MailingCity", Default: "Unknown"},
		}}
}

// sfContact is the Salesforce Contact with email, or fails the test.
func sfContact(t *testing.T, srv *sandbox.Server, email string) map[string]string {
	t.Helper()
	for _, r := range srv.Salesforce().Records("Contact") {
		if r.Fields["Email"] == email && !r.Deleted {
			return r.Fields
		}
	}
	t.Fatalf("no Salesforce Contact %s", email)
	return nil
}

// A default stands for a blank source: it fills a blank field and a
// record the sync creates, and never overwrites a value the other side
// holds where a blank would not (a pair linked this run, or rule
// unless-blank).
func TestDefaultFillsBlanksOnly(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 3, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	for _, c := range []struct{ email, title, city string }{{"alice@example.com", "", ""}, {"bob@example.com", "", ""}, {"carol@example.com", "CEO", "Bergen"}, {"dan@example.com", "", ""}} {
		if _, err := hs.Create("contacts", map[string]string{"email": c.email, "lastname": "Hub", "jobtitle": c.title, "city": c.city}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ email, title, city string }{{"alice@example.com", "CFO", "Oslo"}, {"carol@example.com", "", ""}, {"dan@example.com", "", ""}} {
		if _, err := sf.Create("Contact", map[string]string{"Email": c.email, "LastName": "Force", "Title": c.title, "MailingCity": c.city}); err != nil {
			t.Fatal(err)
		}
	}
	def := defaultsSync()
	saveSyncs(t, a, def)
	run := func(what string) app.RunResult {
		t.Helper()
		res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s: %v %+v", what, err, res.Summary)
		}
		return res
	}
	run("first run")

	hubCity := func(email string) string {
		for _, r := range hs.Records("contacts") {
			if r.Properties["email"] == email {
				return r.Properties["city"]
			}
		}
		t.Fatalf("no HubSpot contact %s", email)
		return ""
	}
	for _, c := range []struct{ email, title, sfCity, hubCity string }{
		{"alice@example.com", "CFO", "Oslo", "Oslo"},     // linked: HubSpot's blanks keep Salesforce's values, and its city fills HubSpot's
		{"bob@example.com", "Unknown", "Unknown", ""},    // created: the defaults fill it
		{"carol@example.com", "CEO", "Bergen", "Bergen"}, // linked: values carried
		{"dan@example.com", "Unknown", "Unknown", ""},    // linked, blank on both sides: the defaults fill Salesforce (a default is in B's form)
	} {
		got := sfContact(t, srv, c.email)
		if got["Title"] != c.title || got["MailingCity"] != c.sfCity {
			t.Errorf("%s in Salesforce after the first run: Title %q, MailingCity %q; want %q, %q", c.email, got["Title"], got["MailingCity"], c.title, c.sfCity)
		}
		if h := hubCity(c.email); h != c.hubCity {
			t.Errorf("%s in HubSpot after the first run: city %q, want %q", c.email, h, c.hubCity)
		}
	}
	if res := run("second run"); res.Summary.Created+res.Summary.Updated != 0 {
		t.Errorf("second run wrote %+v, want nothing (a default must not loop)", *res.Summary)
	}

	// Carol's title cleared in HubSpot: unless-blank keeps Salesforce's.
	for _, r := range hs.Records("contacts") {
		if r.Properties["email"] == "carol@example.com" {
			if _, err := hs.Update("contacts", r.ID, map[string]string{"jobtitle": ""}); err != nil {
				t.Fatal(err)
			}
		}
	}
	run("after clearing a title")
	if got := sfContact(t, srv, "carol@example.com")["Title"]; got != "CEO" {
		t.Errorf("Carol's Title after her HubSpot title was cleared: %q, want CEO kept (unless-blank)", got)
	}
	if res := run("quiet run"); res.Summary.Created+res.Summary.Updated != 0 {
		t.Errorf("run after that wrote %+v, want nothing", *res.Summary)
	}
}
