package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// hsEmailsCase is a HubSpot and Salesforce pair with a two-way contacts
// sync; with merged set, HubSpot's Jane holds jane@y.example and, after a
// merge, jane@x.example as an additional email, and Salesforce's Jane is
// jane@x.example. Ann (ann@z.example, HubSpot only) has no additional
// email.
type hsEmailsCase struct {
	a              *app.App
	clock          *stepClock
	def            engine.Definition
	hsA            bool // HubSpot is side A
	janeHS, janeSF string
	countJanes     func() (inHS, inSF int)
	annInSF        func() bool
}

func newHSEmailsCase(t *testing.T, hsA, merged bool) *hsEmailsCase {
	t.Helper()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := app.DemoSync("jane-2way", "hs", "sf")
	if !hsA {
		def = engine.Definition{Name: "jane-2way", A: engine.SideDef{Connection: "sf", Object: "Contact"},
			B: engine.SideDef{Connection: "hs", Object: "contacts"}, Direction: mapping.TwoWay,
			Match:     []engine.MatchRule{{A: "Email", B: "email", Normalize: "email"}},
			Unmatched: engine.UnmatchedCreate, Conflict: engine.ConflictNewer, Schedule: "manual",
			Safety: engine.Safety{MaxChangePercent: 25},
			Fields: []mapping.Field{{A: "Email", B: "email", Transform: "lower"}, {A: "FirstName", B: "firstname"}, {A: "LastName", B: "lastname"}}}
	}
	saveSyncs(t, a, def)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	c := &hsEmailsCase{a: a, clock: clock, def: def, hsA: hsA}
	if _, err := hs.Create("contacts", map[string]string{"email": "ann@z.example", "firstname": "Ann", "lastname": "Plain"}); err != nil {
		t.Fatal(err)
	}
	if merged {
		y, err := hs.Create("contacts", map[string]string{"email": "jane@y.example", "firstname": "Jane", "lastname": "Doe"})
		if err != nil {
			t.Fatal(err)
		}
		x, err := hs.Create("contacts", map[string]string{"email": "jane@x.example", "firstname": "Jane", "lastname": "Doe"})
		if err != nil {
			t.Fatal(err)
		}
		if c.janeHS, err = hs.Merge("contacts", y.ID, x.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := hs.Get("contacts", c.janeHS); got.Properties["email"] != "jane@y.example" || got.Properties["hs_additional_emails"] != "jane@x.example" {
			t.Fatalf("the merge kept %+v", got.Properties)
		}
		r, err := sf.Create("Contact", map[string]string{"Email": "jane@x.example", "FirstName": "Jane", "LastName": "Doe"})
		if err != nil {
			t.Fatal(err)
		}
		c.janeSF = r.ID
	}
	c.countJanes = func() (inHS, inSF int) {
		for _, r := range hs.Records("contacts") {
			if !r.Archived && r.Properties["firstname"] == "Jane" && r.Properties["lastname"] == "Doe" {
				inHS++
			}
		}
		for _, r := range sf.Records("Contact") {
			if !r.Deleted && r.Fields["FirstName"] == "Jane" && r.Fields["LastName"] == "Doe" {
				inSF++
			}
		}
		return inHS, inSF
	}
	c.annInSF = func() bool {
		for _, r := range sf.Records("Contact") {
			if !r.Deleted && strings.EqualFold(r.Fields["Email"], "ann@z.example") {
				return true
			}
		}
		return false
	}
	clock.step(time.Minute)
	return c
}

// TestHubSpotSecondaryEmailNoDuplicate: HubSpot's Jane (jane@y,
// jane@x among her additional emails) and Salesforce's Jane (jane@x) are
// one person. A two-way sync creates neither in the other CRM, holds
// them for review naming both, links them when told, and then settles
// with no loop; Ann, without additional emails, syncs as ever, and the
// run makes no more API calls than one without any.
func TestHubSpotSecondaryEmailNoDuplicate(t *testing.T) {
	for _, hsA := range []bool{true, false} {
		name := "HubSpotSideB"
		if hsA {
			name = "HubSpotSideA"
		}
		t.Run(name, func(t *testing.T) { secondaryEmailNoDuplicate(t, hsA) })
	}
}

func secondaryEmailNoDuplicate(t *testing.T, hsA bool) {
	ctx := context.Background()
	c := newHSEmailsCase(t, hsA, true)
	hsSide, sfSide := "a", "b"
	if !hsA {
		hsSide, sfSide = "b", "a"
	}
	res, errs := runAndErrors(t, c.a, c.def.Name)
	if inHS, inSF := c.countJanes(); inHS != 1 || inSF != 1 {
		t.Fatalf("Jane is %d contacts in HubSpot and %d in Salesforce, want one each", inHS, inSF)
	}
	if !c.annInSF() {
		t.Fatalf("Ann, without additional emails, was not created in Salesforce: %+v %+v", res.Summary, errs)
	}
	// The same run without Jane, in a sandbox of the same seed: Jane's
	// hold costs no API call.
	plain := newHSEmailsCase(t, hsA, false)
	pres, _ := runAndErrors(t, plain.a, plain.def.Name)
	if res.Summary.APICallsA != pres.Summary.APICallsA || res.Summary.APICallsB != pres.Summary.APICallsB {
		t.Errorf("API calls %d/%d, want %d/%d as without additional emails", res.Summary.APICallsA, res.Summary.APICallsB, pres.Summary.APICallsA, pres.Summary.APICallsB)
	}
	// Not silent: HubSpot's Jane waits in review naming Salesforce's, and
	// why.
	items, err := c.a.Reviews(ctx, c.def.Name, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	var held *app.ReviewView
	for i, it := range items {
		if it.Side == hsSide && it.RecordID == c.janeHS {
			held = &items[i]
		}
	}
	if held == nil || held.Kind != "ambiguous" || !strings.Contains(held.Detail, c.janeSF) || !strings.Contains(held.Detail, "hs_additional_emails") || !strings.Contains(held.Detail, "jane@x.example") {
		t.Fatalf("HubSpot's Jane %s is not in review naming Salesforce's %s and her additional email: %+v", c.janeHS, c.janeSF, items)
	}
	if !hsA {
		// Salesforce's Jane, planned first, went to HubSpot and was
		// refused: held too, naming HubSpot's.
		var dup bool
		for _, it := range items {
			dup = dup || (it.Kind == "duplicate" && it.RecordID == c.janeSF && strings.Contains(it.Detail, c.janeHS))
		}
		if !dup {
			t.Fatalf("Salesforce's Jane %s, refused by HubSpot, is not in review naming %s: %+v", c.janeSF, c.janeHS, items)
		}
	}
	if err := c.a.Decide(ctx, held.ID, engine.Decision{Action: "link", OtherID: c.janeSF}); err != nil {
		t.Fatal(err)
	}
	c.clock.step(time.Minute)
	res, errs = runAndErrors(t, c.a, c.def.Name)
	if len(errs) > 0 || res.Summary.Failed > 0 {
		t.Fatalf("the run after the link failed: %+v %+v", res.Summary, errs)
	}
	if !isLinked(t, c.a, c.def.Name, map[string]string{"a": c.janeHS, "b": c.janeSF}[hsSide], map[string]string{"a": c.janeHS, "b": c.janeSF}[sfSide]) {
		t.Fatalf("Jane is not linked after the review's link: %+v", syncLinks(t, c.a, c.def.Name))
	}
	if inHS, inSF := c.countJanes(); inHS != 1 || inSF != 1 {
		t.Fatalf("after the link Jane is %d contacts in HubSpot and %d in Salesforce, want one each", inHS, inSF)
	}
	if items, err = c.a.Reviews(ctx, c.def.Name, "", "open"); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.RecordID == c.janeHS || it.RecordID == c.janeSF {
			if it.Kind != "conflict" {
				t.Errorf("after the link, review item %d (%s) still holds Jane: %s", it.ID, it.Kind, it.Detail)
			}
		}
	}
	c.clock.step(time.Minute)
	res, _ = runAndErrors(t, c.a, c.def.Name)
	if s := res.Summary; s.Created != 0 || s.Updated != 0 || s.Failed != 0 {
		t.Fatalf("the third run wrote again (a loop): %+v", s)
	}
}
