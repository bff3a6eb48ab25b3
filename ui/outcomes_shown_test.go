package ui

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// mergedJaneHeld connects HubSpot and Salesforce with HubSpot's Jane
// merged from two contacts (jane@x.example kept as an additional email)
// and Salesforce's Jane at that email, and runs the demo sync "jane"
// once: Jane waits in Review as ambiguous. It returns HubSpot's Jane,
// Salesforce's and the sync.
func mergedJaneHeld(t *testing.T, l *live) (string, salesforce.Record, engine.Definition) {
	t.Helper()
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	hs, sf := l.srv.HubSpot(), l.srv.Salesforce()
	y, err := hs.Create("contacts", map[string]string{"email": "jane@y.example", "firstname": "Jane", "lastname": "Merged"})
	if err != nil {
		t.Fatal(err)
	}
	x, err := hs.Create("contacts", map[string]string{"email": "jane@x.example", "firstname": "Jane", "lastname": "Merged"})
	if err != nil {
		t.Fatal(err)
	}
	janeHS, err := hs.Merge("contacts", y.ID, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	janeSF, err := sf.Create("Contact", map[string]string{"Email": "jane@x.example", "FirstName": "Jane", "LastName": "Merged"})
	if err != nil {
		t.Fatal(err)
	}
	def := app.DemoSync("jane", demoHubSpot, demoSalesforce)
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	return janeHS, janeSF, def
}

// TestSecondaryEmailReviewLinks: HubSpot's merged Jane keeps
// jane@x.example as an additional email; Salesforce's Jane is that email.
// The Review screen shows her held item naming the email and Salesforce's
// record, its Link links the pair, and the next run writes nothing.
func TestSecondaryEmailReviewLinks(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	janeHS, janeSF, def := mergedJaneHeld(t, l)
	l.navigate(ScreenReview)
	l.choose("ambiguous")
	nameA, _ := sideNamesOf(t, l, def.Name)
	l.see("ambiguous: " + nameA + " record " + janeHS)
	l.see("jane@x.example")
	l.see(janeSF.ID)
	l.see("Jane")
	l.tap("Link")
	l.wait()
	res, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Failed != 0 || res.Summary.Linked != 1 {
		t.Fatalf("the run after Link: %+v %v", res.Summary, err)
	}
	res, err = l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Created+res.Summary.Updated != 0 {
		t.Errorf("the third run wrote (a loop): %+v %v", res.Summary, err)
	}
	open, err := l.a.Reviews(ctx, def.Name, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range open {
		if (it.RecordID == janeHS || it.RecordID == janeSF.ID) && it.Kind != "conflict" {
			t.Errorf("after Link, item %d (%s) still holds Jane: %s", it.ID, it.Kind, it.Detail)
		}
	}
}

// auditEURDeal makes a HubSpot deal of 7000 EUR and runs the companies
// and deals syncs to Salesforce (USD only), holding it in review.
func auditEURDeal(t *testing.T, l *live) (deals engine.Definition, dealID string) {
	t.Helper()
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	d, err := l.srv.HubSpot().Create("deals", map[string]string{"dealname": "Audit Paris renewal", "amount": "7000", "deal_currency_code": "EUR",
		"dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2031-04-30T00:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	deals = app.DemoDealsSync("deals", demoHubSpot, demoSalesforce, "companies")
	for _, def := range []engine.Definition{app.DemoCompaniesSync("companies", demoHubSpot, demoSalesforce), deals} {
		if err := l.a.SaveSync(ctx, def); err != nil {
			t.Fatal(err)
		}
		if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
			t.Fatal(err)
		}
	}
	return deals, d.ID
}

// TestCurrencyReviewSaysWhatToDo: the EUR deal's item names the
// deal, its amount and both currencies, and says what to do: fix the
// currency in HubSpot (the next run then creates it) or skip.
func TestCurrencyReviewSaysWhatToDo(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	deals, id := auditEURDeal(t, l)
	nameA, _ := sideNamesOf(t, l, deals.Name)
	l.navigate(ScreenReview)
	l.choose("rejected")
	l.see(nameA + " record " + id)
	l.see("Audit Paris renewal")
	l.see("7000 EUR")
	l.see("USD only")
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	all := strings.Join(texts, " ")
	if !strings.Contains(all, "change the record's currency") || !strings.Contains(all, "or skip it") {
		t.Errorf("the currency item does not say what to do (change the currency, or skip): %q", texts)
	}
	if _, err := l.srv.HubSpot().Update("deals", id, map[string]string{"deal_currency_code": "USD"}); err != nil {
		t.Fatal(err)
	}
	res, err := l.a.Run(ctx, deals.Name, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range l.srv.Salesforce().Records("Opportunity") {
		found = found || r.Fields["Name"] == "Audit Paris renewal" && r.Fields["Amount"] == "7000"
	}
	if !found {
		t.Errorf("deal %s, its currency fixed to USD, is not in Salesforce: %+v", id, res.Summary)
	}
	if open, err := l.a.Reviews(ctx, deals.Name, "rejected", "open"); err != nil || len(open) != 0 {
		t.Errorf("open rejected items after the currency was fixed: %+v %v", open, err)
	}
}

// TestAccountRefusedMidRun: Pipedrive closes the company account
// (402) at the run's first write to it. The Run finished dialog says so in
// Pipedrive's words and that the owner must fix billing, not reconnect.
func TestAccountRefusedMidRun(t *testing.T) {
	rt := &hookRT{}
	l := newLiveGated(t, rt)
	ctx := context.Background()
	for _, v := range [][2]string{{"hubspot", demoHubSpot}, {"pipedrive", demoPipedrive}} {
		if _, err := l.a.ConnectSandbox(ctx, l.srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.a.SaveSync(ctx, app.DemoPipedriveSync("pd", demoHubSpot, demoPipedrive, "")); err != nil {
		t.Fatal(err)
	}
	var once atomic.Bool
	closeOnWrite := func(r *http.Request) {
		if r.Method == "POST" && strings.Contains(r.URL.Path, "/pipedrive/") && once.CompareAndSwap(false, true) {
			l.srv.Pipedrive().SetAccountClosed(true)
		}
	}
	rt.hook.Store(&closeOnWrite)
	l.syncNowToFinish()
	if !once.Load() {
		t.Fatal("the run wrote nothing to Pipedrive")
	}
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	all := strings.Join(texts, " ")
	for _, want := range []string{"Company account is not open", "must fix billing or the plan"} {
		if !strings.Contains(all, want) {
			t.Errorf("the Run finished dialog lacks %q: %q", want, texts)
		}
	}
	if strings.Contains(all, "press Reconnect") {
		t.Errorf("the Run finished dialog asks to reconnect: %q", texts)
	}
	l.closeDialogs()
	l.navigate(ScreenConnections)
	l.see("● account refused (billing or plan)")
}

// TestLockedRowInHistory: a Salesforce Contact stays locked
// (UNABLE_TO_LOCK_ROW) through the retries. History's run detail names
// the record, the code and Salesforce's words.
func TestLockedRowInHistory(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("contacts", demoHubSpot, demoSalesforce)
	lk := savedAndLinked(t, l, def)
	l.srv.Salesforce().LockRow(lk.BID, -1)
	if _, err := l.srv.HubSpot().Update("contacts", lk.AID, map[string]string{"jobtitle": "Still Locked"}); err != nil {
		t.Fatal(err)
	}
	res, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := l.a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	l.ui(func() { l.u.showRunOutcome(res) })
	l.see("What failed:")
	l.see("UNABLE_TO_LOCK_ROW: unable to obtain")
	l.see("Retry failed")
	l.closeDialogs()
	l.ui(func() { l.u.openPane(l.u.runDetailView(d)) })
	l.see("UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record")
	l.see("(record " + lk.BID + ")")
	l.see("Retry failed")
}

// TestDroppedDecisionInPreview: a person takes A on a first-name
// conflict in Review, then the Salesforce contact is deleted. The Preview
// the Review screen offers says the decision was dropped and why.
func TestDroppedDecisionInPreview(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("contacts", demoHubSpot, demoSalesforce)
	def.Conflict = engine.ConflictReview
	def.Safety.PropagateDeletes = true
	lk := savedAndLinked(t, l, def)
	time.Sleep(5 * time.Millisecond)
	if _, err := l.srv.HubSpot().Update("contacts", lk.AID, map[string]string{"firstname": "Augusta"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.srv.Salesforce().Update("Contact", lk.BID, map[string]string{"FirstName": "Ada"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenReview)
	l.choose("conflict")
	l.see("Augusta")
	l.tap("Take " + demoHubSpot + " contacts (A)")
	l.wait()
	time.Sleep(5 * time.Millisecond)
	if !l.srv.Salesforce().Delete("Contact", lk.BID) {
		t.Fatal("delete")
	}
	l.tap("Preview contacts")
	l.see("Preview of contacts")
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	all := strings.Join(texts, " ")
	if !strings.Contains(all, lk.BID+" in "+demoSalesforce+" Contact is deleted") || !strings.Contains(all, "dropped") {
		t.Errorf("the preview does not say the decision on %s was dropped: %q", lk.BID, texts)
	}
}

// savedAndLinked saves def, runs it once and answers its first link.
func savedAndLinked(t *testing.T, l *live, def engine.Definition) store.LinkRow {
	t.Helper()
	return savedWithLinks(t, l, def)[0]
}

// savedWithLinks saves def, runs it once and answers its links (at
// least one).
func savedWithLinks(t *testing.T, l *live, def engine.Definition) []store.LinkRow {
	t.Helper()
	ctx := context.Background()
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	row, err := l.a.DB().Sync(ctx, def.Name)
	if err != nil {
		t.Fatal(err)
	}
	links, err := l.a.DB().Links(ctx, row.ID)
	if err != nil || len(links) == 0 {
		t.Fatalf("links: %v %v", links, err)
	}
	return links
}
