package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// contactsWithCompany is the demo contacts sync plus each HubSpot contact's
// primary company written to its Salesforce Contact as the Account the
// companies sync links that company to.
func contactsWithCompany(companies string) engine.Definition {
	def := app.DemoSync("contacts", "hs", "sf")
	def.Fields = append(def.Fields, mapping.Field{A: "associatedcompanyid", B: "AccountId", Transform: "link:" + companies, Direction: mapping.AtoB})
	return def
}

// TestContactsKeepTheirCompany: once companies and Accounts are linked, a
// contact created in Salesforce from HubSpot points at the Account linked
// to its HubSpot company, matched contacts keep the Account they already
// had (the same firm), and the next run writes nothing.
func TestContactsKeepTheirCompany(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 9, 40)

	// The referenced sync must exist first.
	err := a.SaveSync(ctx, contactsWithCompany("companies"))
	var inv *app.InvalidError
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), "link:companies names no sync") {
		t.Fatalf("saving before the companies sync exists: %v", err)
	}

	if err := a.SaveSync(ctx, app.DemoCompaniesSync("companies", "hs", "sf")); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("companies run: %v %+v", err, res)
	}
	accountOf := map[string]string{} // HubSpot company -> Account
	for _, l := range syncLinks(t, a, "companies") {
		accountOf[l.AID] = l.BID
	}
	if len(accountOf) == 0 {
		t.Fatal("the companies sync linked nothing")
	}

	if err := a.SaveSync(ctx, contactsWithCompany("companies")); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v", err, res)
	}
	checked, created := 0, 0
	for _, l := range syncLinks(t, a, "contacts") {
		hc, _ := srv.HubSpot().Get("contacts", l.AID)
		company := hc.Properties["associatedcompanyid"]
		if company == "" {
			continue
		}
		sc, _ := srv.Salesforce().Get("Contact", l.BID)
		if got, want := sc.Fields["AccountId"], accountOf[company]; got != want {
			t.Errorf("Contact %s (HubSpot %s, company %s): AccountId %q, want %q", l.BID, l.AID, company, got, want)
		}
		checked++
		if l.CreatedBy == "b" {
			created++
		}
	}
	if checked == 0 || created == 0 {
		t.Fatalf("checked %d linked contacts with a company, %d of them created in Salesforce; want some of each", checked, created)
	}
	again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}

// TestContactsCompanyBothWays maps the company two-way: a contact that
// exists only in Salesforce is created in HubSpot with the company linked
// to its Account as primary company (through HubSpot's associations API),
// a Contact moved to another Account moves its HubSpot contact to the
// linked company, and the run after writes nothing.
func TestContactsCompanyBothWays(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 13, 40)
	if err := a.SaveSync(ctx, app.DemoCompaniesSync("companies", "hs", "sf")); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("companies run: %v %+v", err, res)
	}
	companyOf := map[string]string{} // Account -> HubSpot company
	for _, l := range syncLinks(t, a, "companies") {
		companyOf[l.BID] = l.AID
	}
	def := app.DemoSync("contacts", "hs", "sf")
	def.Fields = append(def.Fields, mapping.Field{A: "associatedcompanyid", B: "AccountId", Transform: "link:companies"})
	if err := a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v", err, res)
	}
	createdInHubSpot := 0
	var moved [2]string // a matched pair: HubSpot id, Salesforce id
	for _, l := range syncLinks(t, a, "contacts") {
		sc, _ := srv.Salesforce().Get("Contact", l.BID)
		account := sc.Fields["AccountId"]
		if account == "" {
			continue
		}
		_, primary := srv.HubSpot().Associated("contacts", l.AID, "companies")
		if want := companyOf[account]; primary != want {
			t.Errorf("HubSpot contact %s (Contact %s, Account %s): primary company %q, want %q", l.AID, l.BID, account, primary, want)
		}
		if l.CreatedBy == "a" {
			createdInHubSpot++
		} else if moved[0] == "" {
			moved = [2]string{l.AID, l.BID}
		}
	}
	if createdInHubSpot == 0 || moved[0] == "" {
		t.Fatalf("%d contacts created in HubSpot with a company, matched pair %v; want some of each", createdInHubSpot, moved)
	}

	// Move a Contact to another linked Account.
	sc, _ := srv.Salesforce().Get("Contact", moved[1])
	var other string
	for acc := range companyOf {
		if acc != sc.Fields["AccountId"] {
			other = acc
			break
		}
	}
	if _, err := srv.Salesforce().Update("Contact", moved[1], map[string]string{"AccountId": other}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Updated != 1 {
		t.Fatalf("run after the move: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if _, primary := srv.HubSpot().Associated("contacts", moved[0], "companies"); primary != companyOf[other] {
		t.Fatalf("HubSpot contact %s: primary company %q after its Contact moved to Account %s, want %q", moved[0], primary, other, companyOf[other])
	}
	for i := range 2 {
		again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("run %d after the move: %v %+v\n%s", i+1, err, again.Summary, again.Plan.Summary())
		}
	}
}
