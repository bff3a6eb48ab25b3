package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestContactsWaitForTheirCompany runs the contacts sync before the
// companies sync has linked anything: contacts are linked and created
// without their company, the plan says how many references wait and for
// which sync, and the store remembers them. Once the companies sync has
// run, the next contacts run writes each waiting contact's company,
// although no contact changed since the run before, creates nothing, and
// the run after writes nothing. The companies sync cannot be deleted
// while the contacts sync translates through it.
func TestContactsWaitForTheirCompany(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 21, 40)
	if err := a.SaveSync(ctx, app.DemoCompaniesSync("companies", "hs", "sf")); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveSync(ctx, app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies")); err != nil {
		t.Fatal(err)
	}

	first, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("contacts run before companies: %v %+v", err, first)
	}
	if n := first.Plan.Counts.WaitingLink; n == 0 {
		t.Fatalf("no reference waits for the companies sync:\n%s", first.Plan.Summary())
	}
	if s := first.Plan.Summary(); !strings.Contains(s, `sync "companies" has not linked yet`) {
		t.Fatalf("the plan does not say what waits:\n%s", s)
	}
	row, err := a.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	waits, err := a.DB().RefWaits(ctx, row.ID)
	if err != nil || len(waits) != first.Plan.Counts.WaitingLink {
		t.Fatalf("store holds %d waiting references (%v), the plan counted %d", len(waits), err, first.Plan.Counts.WaitingLink)
	}
	for _, l := range syncLinks(t, a, "contacts") {
		if l.CreatedBy != "b" {
			continue
		}
		if sc, _ := srv.Salesforce().Get("Contact", l.BID); sc.Fields["AccountId"] != "" {
			t.Fatalf("Contact %s created with Account %s before any company was linked", l.BID, sc.Fields["AccountId"])
		}
	}

	// The next run reads back the first run's own writes and still has
	// nothing to write: the contacts still wait, held in the store (the
	// records read back as written, so the run does not merge them again).
	echo, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || echo.Summary.Created+echo.Summary.Updated != 0 {
		t.Fatalf("the echo run: %v %+v\n%s", err, echo.Summary, echo.Plan.Summary())
	}
	if still, err := a.DB().RefWaits(ctx, row.ID); err != nil || len(still) != len(waits) {
		t.Fatalf("after the echo run the store holds %d waiting references (%v); want the %d of before", len(still), err, len(waits))
	}
	res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("companies run: %v %+v", err, res)
	}
	// The companies run says the contacts sync waits for its links.
	if w := res.Waiting; len(w) != 1 || w[0].Sync != "contacts" || w[0].References != len(waits) {
		t.Fatalf("the companies run names %+v as waiting, want contacts with %d references", w, len(waits))
	}
	accountOf := map[string]string{} // HubSpot company -> Account
	for _, l := range syncLinks(t, a, "companies") {
		accountOf[l.AID] = l.BID
	}

	second, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || second.Summary.Status != "success" {
		t.Fatalf("contacts run after companies: %v %+v", err, second)
	}
	if second.Summary.Created != 0 || second.Summary.Updated == 0 {
		t.Fatalf("contacts run after companies: %+v, want updates only\n%s", second.Summary, second.Plan.Summary())
	}
	checked := 0
	for _, l := range syncLinks(t, a, "contacts") {
		hc, _ := srv.HubSpot().Get("contacts", l.AID)
		sc, _ := srv.Salesforce().Get("Contact", l.BID)
		company, account := hc.Properties["associatedcompanyid"], sc.Fields["AccountId"]
		if company == "" && account == "" {
			continue
		}
		if want, ok := accountOf[company]; !ok || account != want {
			t.Errorf("HubSpot contact %s (company %q) and Contact %s (Account %q): want the Account linked to its company, %q", l.AID, company, l.BID, account, want)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no linked contact has a company")
	}
	if waits, err := a.DB().RefWaits(ctx, row.ID); err != nil || len(waits) != second.Plan.Counts.WaitingLink {
		t.Fatalf("after the companies run the store holds %d waiting references (%v), the plan counted %d", len(waits), err, second.Plan.Counts.WaitingLink)
	}
	again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	// The companies sync cannot go while contacts translate through it.
	err = a.DeleteSync(ctx, "companies")
	if err == nil || !strings.Contains(err.Error(), `sync "contacts" translates references through its links (transform link:companies)`) {
		t.Fatalf("deleting the companies sync: %v", err)
	}
	if _, err := a.Sync(ctx, "companies"); err != nil {
		t.Fatalf("the refused delete removed the sync: %v", err)
	}
	if err := a.DeleteSync(ctx, "contacts"); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteSync(ctx, "companies"); err != nil {
		t.Fatalf("deleting the companies sync once nothing links through it: %v", err)
	}
}
