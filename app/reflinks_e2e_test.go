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
