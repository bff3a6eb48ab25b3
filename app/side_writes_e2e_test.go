package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestUndoCurrencyChangedSinceHoldsAmount: a run moves an
// Opportunity from 3000 USD to 5000 EUR; someone then moves it to JPY in
// Salesforce. Undoing the run must not write 3000 into JPY: the amount
// waits in review with its currency.
func TestUndoCurrencyChangedSinceHoldsAmount(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 49, 2)
	sf, hs := srv.Salesforce(), srv.HubSpot()
	if err := sf.EnableMultiCurrency("USD", "EUR", "JPY"); err != nil {
		t.Fatal(err)
	}
	d, err := hs.Create("deals", map[string]string{"dealname": "Audit Undo renewal", "amount": "3000", "deal_currency_code": "USD",
		"dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2031-04-30T00:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	deals := auditDealsRunOnce(t, a, app.DemoConnections{HubSpot: "hs", Salesforce: "sf"}, "sf", "Opportunity")
	opp := linkedB(t, a, deals, d.ID)
	time.Sleep(1100 * time.Millisecond)
	if _, err := hs.Update("deals", d.ID, map[string]string{"amount": "5000", "deal_currency_code": "EUR"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, deals, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if o, _ := sf.Get("Opportunity", opp); strings.TrimSuffix(o.Fields["Amount"], ".0") != "5000" || o.Fields["CurrencyIsoCode"] != "EUR" {
		t.Fatalf("after the run Opportunity is %q %q", o.Fields["Amount"], o.Fields["CurrencyIsoCode"])
	}
	if _, err := sf.Update("Opportunity", opp, map[string]string{"CurrencyIsoCode": "JPY"}); err != nil {
		t.Fatal(err)
	}
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	t.Logf("undo: %+v review %+v\n%s", u.Summary, u.Plan.Review, u.Plan.Summary())
	o, _ := sf.Get("Opportunity", opp)
	if amt := strings.TrimSuffix(o.Fields["Amount"], ".0"); amt != "5000" || o.Fields["CurrencyIsoCode"] != "JPY" {
		t.Errorf("after the undo Opportunity %s is %s %s; want 5000 JPY left for review (never the old amount in the new currency)", opp, amt, o.Fields["CurrencyIsoCode"])
	}
	items, err := a.Reviews(ctx, deals, "conflict", "open")
	if err != nil || len(items) != 2 {
		t.Fatalf("conflicts after the undo: %v %+v; want the currency and the amount waiting with it", err, items)
	}
	for _, it := range items {
		t.Logf("review: %s %s", it.Field, it.Detail)
		if err := a.Decide(ctx, it.ID, engine.Decision{Action: "take-a"}); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := a.Run(ctx, deals, app.RunOptions{Confirm: true}); err != nil || r.Summary.Failed != 0 {
		t.Fatalf("run after the decisions: %v %+v", err, r.Summary)
	}
	o, _ = sf.Get("Opportunity", opp)
	if amt := strings.TrimSuffix(o.Fields["Amount"], ".0"); amt != "3000" || o.Fields["CurrencyIsoCode"] != "USD" {
		t.Errorf("after taking the undo's values Opportunity %s is %s %s; want 3000 USD", opp, amt, o.Fields["CurrencyIsoCode"])
	}
}

// TestUndoEmailChangeOfOptedOutContact: a run carries a
// Salesforce email change of an opted-out contact to HubSpot, which
// unsubscribes the new address. Undoing it puts the old address back,
// still opted out, and the runs after write nothing.
func TestUndoEmailChangeOfOptedOutContact(t *testing.T) {
	ctx := context.Background()
	a, srv, out := optedOutPair(t)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	h, _ := hs.Get("contacts", out.AID)
	old := h.Properties["email"]
	time.Sleep(1100 * time.Millisecond)
	const moved = "moved.undo.optout@example.org"
	if _, err := sf.Update("Contact", out.BID, map[string]string{"Email": moved}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 || res.Summary.Failed != 0 {
		t.Fatalf("run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	t.Logf("run plan:\n%s\nwarnings %q", res.Plan.Summary(), res.Plan.Warnings)
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil || u.Summary.Failed != 0 {
		t.Fatalf("undo: %v %+v", err, u.Summary)
	}
	t.Logf("undo: %+v review %+v warnings %q\n%s", u.Summary, u.Plan.Review, u.Plan.Warnings, u.Plan.Summary())
	h, _ = hs.Get("contacts", out.AID)
	c, _ := sf.Get("Contact", out.BID)
	if h.Properties["email"] != old || h.Properties["hs_email_optout"] != "true" || c.Fields["HasOptedOutOfEmail"] != "true" {
		t.Errorf("after the undo HubSpot %q optout %q, Salesforce %q optout %q; want %q opted out in both",
			h.Properties["email"], h.Properties["hs_email_optout"], c.Fields["Email"], c.Fields["HasOptedOutOfEmail"], old)
	}
	for i := range 2 {
		time.Sleep(1100 * time.Millisecond)
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil || r.Summary.Failed != 0 || (i == 1 && r.Summary.Created+r.Summary.Updated != 0) {
			t.Errorf("run %d after the undo: %v %+v\n%s", i+1, err, r.Summary, r.Plan.Summary())
		}
	}
	// The new address stays unsubscribed: a contact made with it is.
	n, err := hs.Create("contacts", map[string]string{"email": moved, "firstname": "Moved"})
	if err != nil {
		t.Fatal(err)
	}
	if n.Properties["hs_email_optout"] != "true" {
		t.Errorf("the address the run unsubscribed is subscribed after the undo")
	}
}

// TestUndoMeetingMoveRestoresTimestamp: undoing a run that moved a
// HubSpot meeting puts its activity date (hs_timestamp) back with its
// start.
func TestUndoMeetingMoveRestoresTimestamp(t *testing.T) {
	ctx := context.Background()
	a, srv, id, act := meetingsWithPipedrive(t)
	h, _ := srv.HubSpot().Get("meetings", id)
	ts := h.Properties["hs_timestamp"]
	before := readMeetingPair(t, srv, id, act)
	start := movePipedriveActivityADayEarlier(t, srv, act, before.start)
	res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	h, _ = srv.HubSpot().Get("meetings", id)
	if !instantOf(t, h.Properties["hs_timestamp"]).Equal(start) {
		t.Fatalf("after the run hs_timestamp %s, start %s", h.Properties["hs_timestamp"], h.Properties["hs_meeting_start_time"])
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, r := range d.Audit {
		audited = audited || r.RecordID == id && strings.Contains(r.Field, "hs_timestamp") && instantOf(t, r.New).Equal(start)
	}
	if !audited {
		t.Errorf("the run's audit does not hold hs_timestamp → %s: %+v", h.Properties["hs_timestamp"], d.Audit)
	}
	if _, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("undo: %v", err)
	}
	h, _ = srv.HubSpot().Get("meetings", id)
	if !instantOf(t, h.Properties["hs_timestamp"]).Equal(instantOf(t, ts)) || !instantOf(t, h.Properties["hs_meeting_start_time"]).Equal(before.start) {
		t.Errorf("after the undo start %s hs_timestamp %s; want %s and %s", h.Properties["hs_meeting_start_time"], h.Properties["hs_timestamp"], before.start, ts)
	}
}

// TestPreviewNamesUnsubscribeOfNewAddress: the preview of a run
// that changes an opted-out HubSpot contact's email says HubSpot's new
// address will be unsubscribed, a write besides the email itself.
func TestPreviewNamesUnsubscribeOfNewAddress(t *testing.T) {
	ctx := context.Background()
	a, srv, out := optedOutPair(t)
	sf := srv.Salesforce()
	time.Sleep(1100 * time.Millisecond)
	const moved = "moved.preview.optout@example.org"
	if _, err := sf.Update("Contact", out.BID, map[string]string{"Email": moved}); err != nil {
		t.Fatal(err)
	}
	pre, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	said := false
	for _, w := range pre.Plan.Warnings {
		said = said || strings.Contains(w, out.AID) && strings.Contains(w, moved) && strings.Contains(w, "unsubscribe")
	}
	if !said {
		t.Errorf("the preview of the email change of opted-out contact %s does not say %s will be unsubscribed: warnings %q\n%s",
			out.AID, moved, pre.Plan.Warnings, pre.Plan.Summary())
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 || res.Summary.Failed != 0 {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, r := range d.Audit {
		audited = audited || r.RecordID == out.AID && strings.Contains(r.Field+r.New, "unsubscribe") && strings.Contains(r.Old+r.New, moved)
	}
	if !audited {
		t.Errorf("the run's audit does not hold the unsubscribe of %s: %+v", moved, d.Audit)
	}
	// Its undo says the new address stays unsubscribed.
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	said = false
	for _, w := range u.Plan.Warnings {
		said = said || strings.Contains(w, moved) && strings.Contains(w, "never opts anyone back in")
	}
	if !said {
		t.Errorf("the undo's preview does not say %s stays unsubscribed: %q", moved, u.Plan.Warnings)
	}
}

// TestUndoZohoAmountChangedSinceHoldsCurrency: a run carries a Zoho
// deal's move from 3000 USD to 5000 EUR to HubSpot; someone then edits the
// amount in HubSpot. Undoing the run must not put USD under that amount:
// the currency waits in review with it.
func TestUndoZohoAmountChangedSinceHoldsCurrency(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 53, 2)
	zc, hs := srv.Zoho(), srv.HubSpot()
	if err := zc.EnableMultiCurrency("USD", "EUR"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zc"); err != nil {
		t.Fatal(err)
	}
	z, err := zc.Create("Deals", map[string]any{"Deal_Name": "Audit Zurich renewal", "Stage": "Qualification", "Closing_Date": "2031-05-31",
		"Amount": json.Number("3000"), "Currency": "USD"})
	if err != nil {
		t.Fatal(err)
	}
	deals := auditDealsRunOnce(t, a, app.DemoConnections{HubSpot: "hs", Zoho: "zc"}, "zc", "Deals")
	deal := linkedA(t, a, deals, z.ID)
	time.Sleep(1100 * time.Millisecond)
	if _, err := zc.Update("Deals", z.ID, map[string]any{"Amount": json.Number("5000"), "Currency": "EUR"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, deals, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if h, _ := hs.Get("deals", deal); strings.TrimSuffix(h.Properties["amount"], ".0") != "5000" || h.Properties["deal_currency_code"] != "EUR" {
		t.Fatalf("after the run HubSpot deal is %q %q", h.Properties["amount"], h.Properties["deal_currency_code"])
	}
	if _, err := hs.Update("deals", deal, map[string]string{"amount": "5200"}); err != nil {
		t.Fatal(err)
	}
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	t.Logf("undo: %+v review %+v", u.Summary, u.Plan.Review)
	h, _ := hs.Get("deals", deal)
	if amt := strings.TrimSuffix(h.Properties["amount"], ".0"); amt != "5200" || h.Properties["deal_currency_code"] != "EUR" {
		t.Errorf("after the undo HubSpot deal %s is %s %s; want 5200 EUR left for review (never an amount in a currency it was not given in)", deal, amt, h.Properties["deal_currency_code"])
	}
}

// auditDealsRunOnce saves the ready-made deals sync between hs and conn
// (object on conn's side) with the syncs it links through, runs each once,
// which must fail nothing, and returns the deals sync's name.
func auditDealsRunOnce(t *testing.T, a *app.App, c app.DemoConnections, conn, object string) string {
	t.Helper()
	defs, _ := auditMultiCurrencyDeals(t, a, c, conn, object)
	saveSyncs(t, a, defs...)
	for _, def := range defs {
		if res, err := a.Run(context.Background(), def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Failed != 0 {
			t.Fatalf("%s run: %v %+v", def.Name, err, res.Summary)
		}
	}
	return defs[len(defs)-1].Name
}
