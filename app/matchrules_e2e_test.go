package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// openReviewsNaming lists the open review items of sync whose detail or
// record names id.
func openReviewsNaming(t *testing.T, a *app.App, sync, id string) []app.ReviewView {
	t.Helper()
	rs, err := a.Reviews(context.Background(), sync, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	var out []app.ReviewView
	for _, r := range rs {
		if r.RecordID == id || strings.Contains(r.Detail, id) {
			out = append(out, r)
		}
	}
	return out
}

// TestLowerRuleDoesNotLinkDifferentEmails: a contacts sync matched by
// email, then by phone. A HubSpot contact and a Salesforce Contact share a
// phone (a switchboard) but have different emails: two people. The phone
// rule must not link them (the link would write one's email over the
// other's); they go to review, and neither is created as the other's copy.
func TestLowerRuleDoesNotLinkDifferentEmails(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 5, 0)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Match = append(def.Match, engine.MatchRule{A: "phone", B: "Phone", Normalize: "e164"})
	if err := a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	h := mustCreateHS(t, srv.HubSpot(), "contacts", map[string]string{"email": "ann@fjord.example", "firstname": "Ann", "lastname": "Berg", "phone": "+1 415 555 0100"})
	s := mustCreateSF(t, srv.Salesforce(), "Contact", map[string]string{"Email": "bob@fjord.example", "FirstName": "Bob", "LastName": "Dahl", "Phone": "(415) 555-0100"})
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, l := range syncLinks(t, a, "contacts") {
		if l.AID == h.ID || l.BID == s.ID {
			t.Fatalf("HubSpot %s (ann@) linked to Salesforce %s by phone although their emails differ\n%s", l.AID, l.BID, res.Plan.Summary())
		}
	}
	if r, _ := srv.Salesforce().Get("Contact", s.ID); r.Fields["Email"] != "bob@fjord.example" {
		t.Fatalf("Salesforce Contact %s email now %q", s.ID, r.Fields["Email"])
	}
	if len(openReviewsNaming(t, a, "contacts", h.ID)) == 0 {
		t.Fatalf("no open review item names HubSpot %s\n%s", h.ID, res.Plan.Summary())
	}
}

// TestCompaniesWithoutDomainLinkByName: the same firm in HubSpot and
// Salesforce with no domain on either side (no Website on the Account) is
// linked by its name on the first run, not created again on each side.
func TestCompaniesWithoutDomainLinkByName(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 5, 0)
	if err := a.SaveSync(ctx, app.DemoCompaniesSync("companies", "hs", "sf")); err != nil {
		t.Fatal(err)
	}
	h := mustCreateHS(t, srv.HubSpot(), "companies", map[string]string{"name": "Nordlys Consulting, Inc.", "city": "Bergen"})
	s := mustCreateSF(t, srv.Salesforce(), "Account", map[string]string{"Name": "NORDLYS Consulting Inc"})
	hsN, sfN := srv.HubSpot().Count("companies"), srv.Salesforce().Count("Account")
	res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if got, want := srv.HubSpot().Count("companies")+srv.Salesforce().Count("Account"), hsN+sfN; got != want {
		t.Fatalf("first run created %d companies; HubSpot %s and Salesforce %s are one firm without a domain\n%s", got-want, h.ID, s.ID, res.Plan.Summary())
	}
	linked := false
	for _, l := range syncLinks(t, a, "companies") {
		linked = linked || (l.AID == h.ID && l.BID == s.ID)
	}
	if !linked {
		t.Fatalf("HubSpot %s not linked to Salesforce %s\n%s", h.ID, s.ID, res.Plan.Summary())
	}
	if r, _ := srv.Salesforce().Get("Account", s.ID); r.Fields["BillingCity"] != "Bergen" {
		t.Fatalf("Account %s BillingCity %q, want Bergen", s.ID, r.Fields["BillingCity"])
	}
}

// TestSameNameDifferentDomainsNotLinked: two branches of one group,
// "Fjord Bank" at fjordbank.no in HubSpot and at fjordbank.se in
// Salesforce, share a name but not a domain: they are not linked by name,
// and neither is created as the other's copy; they wait in review.
func TestSameNameDifferentDomainsNotLinked(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 5, 0)
	if err := a.SaveSync(ctx, app.DemoCompaniesSync("companies", "hs", "sf")); err != nil {
		t.Fatal(err)
	}
	h := mustCreateHS(t, srv.HubSpot(), "companies", map[string]string{"name": "Fjord Bank", "domain": "fjordbank.no"})
	s := mustCreateSF(t, srv.Salesforce(), "Account", map[string]string{"Name": "Fjord Bank", "Website": "https://www.fjordbank.se"})
	hsN, sfN := srv.HubSpot().Count("companies"), srv.Salesforce().Count("Account")
	res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, l := range syncLinks(t, a, "companies") {
		if l.AID == h.ID && l.BID == s.ID {
			t.Fatalf("HubSpot %s linked to Salesforce %s by name although their domains differ\n%s", l.AID, l.BID, res.Plan.Summary())
		}
	}
	if srv.HubSpot().Count("companies") != hsN || srv.Salesforce().Count("Account") != sfN {
		t.Fatalf("a branch was copied while its same-named twin waits: HubSpot %d (was %d), Salesforce %d (was %d)\n%s",
			srv.HubSpot().Count("companies"), hsN, srv.Salesforce().Count("Account"), sfN, res.Plan.Summary())
	}
	if r, _ := srv.Salesforce().Get("Account", s.ID); r.Fields["Website"] != "https://www.fjordbank.se" {
		t.Fatalf("Account %s Website now %q", s.ID, r.Fields["Website"])
	}
	if len(openReviewsNaming(t, a, "companies", h.ID)) == 0 || len(openReviewsNaming(t, a, "companies", s.ID)) == 0 {
		t.Fatalf("want open review items naming HubSpot %s and Salesforce %s\n%s", h.ID, s.ID, res.Plan.Summary())
	}
}
