package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestHubSpotDynamicsContacts syncs HubSpot contacts with Dynamics 365
// contacts over real HTTP, Dynamics connected through the Microsoft
// identity platform's flow (PKCE, a public client, the organization's
// user_impersonation scope): people in both by email are linked, the
// others created once on the other side with their names, email, phone and
// title; the next run writes nothing; an edit on each side reaches the
// other; a contact Dataverse refuses (a first name longer than its 50
// characters) is stopped alone, named with its column and Dataverse's own
// message; and the run after writes nothing new.
func TestHubSpotDynamicsContacts(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 35, 40)
	conn, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv", nil)
	if err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	if host := strings.TrimPrefix(srv.URL(), "http://"); conn.AccountName != "Dynamics 365 "+host {
		t.Errorf("account name %q, want the organization's host %s", conn.AccountName, host)
	}
	hs, dv := srv.HubSpot(), srv.Dynamics()
	saveSyncs(t, a, app.DemoDynamicsSync("dynamics", "hs", "dv", ""))
	hsBefore, dvBefore := hs.Count("contacts"), dv.Count("contacts")
	first, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	c := first.Plan.Counts
	if c.Link == 0 || c.CreateA == 0 || c.CreateB == 0 {
		t.Fatalf("first run: %+v, want links and creates on both sides\n%s", c, first.Plan.Summary())
	}
	if hs.Count("contacts") != hsBefore+c.CreateA || dv.Count("contacts") != dvBefore+c.CreateB {
		t.Fatalf("contacts %d → %d, Dynamics contacts %d → %d; the plan created %d and %d", hsBefore, hs.Count("contacts"), dvBefore, dv.Count("contacts"), c.CreateA, c.CreateB)
	}
	str := func(v any) string { s, _ := v.(string); return s }
	links := syncLinks(t, a, "dynamics")
	for _, l := range links {
		h, _ := hs.Get("contacts", l.AID)
		d, _ := dv.Get("contacts", l.BID)
		if !strings.EqualFold(h.Properties["email"], str(d.Fields["emailaddress1"])) || h.Properties["lastname"] != str(d.Fields["lastname"]) {
			t.Errorf("contact %s (%s %s) linked to Dynamics %s (%v %v)", l.AID, h.Properties["email"], h.Properties["lastname"], l.BID, d.Fields["emailaddress1"], d.Fields["lastname"])
		}
	}
	if again, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	// An edit on each side; a HubSpot contact Dataverse refuses.
	pair, other := links[0], links[1]
	time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution
	if _, err := dv.Update("contacts", pair.BID, map[string]any{"jobtitle": "Head of Operations"}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("contacts", other.AID, map[string]string{"firstname": "Renamed"}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Bartholomew", 6)
	bad, err := hs.Create("contacts", map[string]string{"email": "long.name@example.com", "firstname": long, "lastname": "Long"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 2 || res.Summary.Status != "partial" || res.Summary.Failed != 1 {
		t.Fatalf("run after the edits: %v %+v, want 2 updated and the long name failed\n%s", err, res.Summary, res.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", pair.AID); h.Properties["jobtitle"] != "Head of Operations" {
		t.Errorf("HubSpot contact %s title %q after the Dynamics edit", pair.AID, h.Properties["jobtitle"])
	}
	if d, _ := dv.Get("contacts", other.BID); str(d.Fields["firstname"]) != "Renamed" {
		t.Errorf("Dynamics contact %s first name %v after the HubSpot edit", other.BID, d.Fields["firstname"])
	}
	for _, r := range dv.Records("contacts") {
		if str(r.Fields["emailaddress1"]) == "long.name@example.com" {
			t.Errorf("the refused contact exists in Dynamics as %s", r.ID)
		}
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil || len(d.Errors) != 1 {
		t.Fatalf("run errors: %+v %v", d.Errors, err)
	}
	if e := d.Errors[0]; e.RecordID != bad.ID || e.Field != "firstname" || e.Code != "0x80044331" || !strings.Contains(e.Message, "maximum allowed length") {
		t.Fatalf("error %+v: want contact %s, firstname and Dataverse's 0x80044331 with its message", e, bad.ID)
	}
	if again, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}

// TestHubSpotDynamicsContactsWithAccounts: HubSpot companies and Dynamics
// accounts are linked by web domain, then contacts carry their company
// both ways: a contact created in Dynamics from HubSpot has the account
// linked to its HubSpot company as its parent customer, a HubSpot contact
// created from Dynamics has the company linked to its account, and the
// next run writes nothing.
func TestHubSpotDynamicsContactsWithAccounts(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 36, 40)
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv", nil); err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	saveSyncs(t, a, app.DemoDynamicsCompaniesSync("accounts", "hs", "dv"), app.DemoDynamicsSync("contacts", "hs", "dv", "accounts"))
	if res, err := a.Run(ctx, "accounts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" || res.Plan.Counts.Link == 0 {
		t.Fatalf("accounts run: %v %+v", err, res.Summary)
	}
	accountOf, companyOf := map[string]string{}, map[string]string{}
	for _, l := range syncLinks(t, a, "accounts") {
		accountOf[l.AID], companyOf[l.BID] = l.BID, l.AID
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	hs, dv := srv.HubSpot(), srv.Dynamics()
	toDynamics, toHubSpot := 0, 0
	for _, l := range syncLinks(t, a, "contacts") {
		h, _ := hs.Get("contacts", l.AID)
		d, _ := dv.Get("contacts", l.BID)
		company := h.Properties["associatedcompanyid"]
		parent, _ := d.Fields["_parentcustomerid_value"].(string)
		switch l.CreatedBy {
		case "b":
			if company != "" {
				if parent != accountOf[company] {
					t.Errorf("Dynamics contact %s created from %s (company %s): parent %q, want %q", l.BID, l.AID, company, parent, accountOf[company])
				}
				toDynamics++
			}
		case "a":
			if parent != "" {
				if company != companyOf[parent] {
					t.Errorf("HubSpot contact %s created from %s (account %s): company %q, want %q", l.AID, l.BID, parent, company, companyOf[parent])
				}
				toHubSpot++
			}
		}
	}
	if toDynamics == 0 || toHubSpot == 0 {
		t.Fatalf("checked %d contacts created in Dynamics and %d in HubSpot with a company; want some of each", toDynamics, toHubSpot)
	}
	if again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}
