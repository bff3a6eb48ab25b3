package app_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
)

// TestHubSpotLockedWaitsAndWrites: HubSpot answers writes with 423
// Locked while a portal takes a burst of writes, a lock its docs say lasts
// 2 seconds ("include a delay of at least 2 seconds"). It is a passing
// state, not bad data: the run waits it out and writes the edits, failing
// no record.
func TestHubSpotLockedWaitsAndWrites(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 4231, false)
	for i, l := range links[:3] {
		if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"Title": fmt.Sprintf("Locked title %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	srv.HubSpot().LockWrites(2 * time.Second)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Failed != 0 {
		t.Fatalf("run while HubSpot's writes are locked for 2 s: %v %+v %v; want the edits written once the lock passed", err, res.Summary, res.Failures)
	}
	for i, l := range links[:3] {
		if c, _ := srv.HubSpot().Get("contacts", l.AID); c.Properties["jobtitle"] != fmt.Sprintf("Locked title %d", i) {
			t.Errorf("HubSpot contact %s jobtitle %q; want the edit", l.AID, c.Properties["jobtitle"])
		}
	}
}

// TestHubSpotMigrationStopsRun: HubSpot answers 477 Migration in
// Progress, with a Retry-After of hours, while it moves the account between
// data centres. No call can succeed until then: the run stops at the first
// refusal naming HubSpot's words, as a wait (rate_limit), not failing each
// record as bad data with a call apiece; once the move is over the next
// runs settle with no duplicates.
func TestHubSpotMigrationStopsRun(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 4771, 20, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	before := emailCounts(srv)
	var migrating, armed atomic.Bool
	var refused atomic.Int64
	tr.setHook(func(r *http.Request) {
		if !strings.Contains(r.URL.Path, "/hubspot/") {
			return
		}
		if migrating.Load() {
			refused.Add(1)
		} else if r.Method == "POST" && strings.Contains(r.URL.Path, "/batch/") && !strings.HasSuffix(r.URL.Path, "/read") && armed.CompareAndSwap(false, true) {
			srv.HubSpot().SetMigrating(6 * time.Hour)
			migrating.Store(true)
			refused.Add(1)
		}
	})
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	srv.HubSpot().SetMigrating(0)
	migrating.Store(false)
	t.Logf("run: %v %+v %v; %d HubSpot calls refused", err, res.Summary, res.Failures, refused.Load())
	if refused.Load() == 0 {
		t.Fatal("the run wrote nothing to HubSpot")
	}
	if err == nil && res.Summary.Status == "success" {
		t.Fatal("a run during HubSpot's migration ended in success")
	}
	msg := runWords(err, res)
	if res.Summary != nil && res.Summary.Stopped != nil {
		if c := connector.CategoryOf(res.Summary.Stopped); c != connector.CatRateLimit {
			t.Errorf("stopped for %v: category %s; want rate_limit", res.Summary.Stopped, c)
		}
	}
	for _, g := range res.Failures {
		if g.Where == "hs contacts" && g.Count > 1 {
			t.Errorf("failure group %s: every record failed the same way; want the run stopped at the first refusal", g.Line())
		}
	}
	if !strings.Contains(msg, "being migrated") {
		t.Errorf("the run's failure %q does not give HubSpot's words", msg)
	}
	if n := refused.Load(); n > 3 {
		t.Errorf("%d HubSpot calls sent during the migration; want the run stopped at the first", n)
	}
	if st, d := connStatus(t, a, "hs"); st == "reconnect" {
		t.Errorf("connection hs marked reconnect (%s); a migration needs no sign-in", d)
	}
	runsSettle(t, a, srv, before, 3)
}

// TestSalesforceLockedRowIsNotConflict: a Salesforce contact's row
// stays locked by another transaction through the connector's retries
// (UNABLE_TO_LOCK_ROW). The record fails for now, but it is a passing
// lock, not a conflict in the data: the run's error, its failure group
// and the retry queue say so by category, while keeping Salesforce's code
// and words.
func TestSalesforceLockedRowIsNotConflict(t *testing.T) {
	a, srv, links := syncedContacts(t, 4232, false)
	l := links[0]
	srv.Salesforce().LockRow(l.BID, -1)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"jobtitle": "Held by a lock"}); err != nil {
		t.Fatal(err)
	}
	res, errs := runAndErrors(t, a, "contacts")
	if len(errs) != 1 || errs[0].RecordID != l.BID || errs[0].Code != "UNABLE_TO_LOCK_ROW" ||
		!strings.Contains(errs[0].Message, "unable to obtain exclusive access") {
		t.Fatalf("run errors %+v; want %s failed with Salesforce's UNABLE_TO_LOCK_ROW", errs, l.BID)
	}
	if errs[0].Category == string(connector.CatConflict) || errs[0].Category == string(connector.CatValidation) {
		t.Errorf("locked row's error category %q; a lock another transaction holds for a moment is neither a conflict in the data nor bad data", errs[0].Category)
	}
	for _, g := range res.Failures {
		if strings.Contains(g.Line(), "conflict") {
			t.Errorf("failure group %q calls a passing lock a conflict", g.Line())
		}
	}
}

// TestPipedriveDailyBudgetSaysWhenItResets: the company's daily
// token budget is spent; Pipedrive answers 429 "Request over limit" with
// x-daily-ratelimit-token-remaining 0, blocked "until the budget resets at
// the start of the next day" (Rate limiting). The run stops as a spent
// budget, giving Pipedrive's words and when the budget resets, and sends
// nobody to reconnect.
func TestPipedriveDailyBudgetSaysWhenItResets(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 4291, 6, "pipedrive", "pd", app.DemoPipedriveSync("pd", "hs", "pd", ""))
	if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": "budget@example.com", "firstname": "Bud", "lastname": "Get"}); err != nil {
		t.Fatal(err)
	}
	srv.Pipedrive().Faults().SetDailyExhausted(true)
	res, err := a.Run(ctx, "pd", app.RunOptions{Confirm: true})
	t.Logf("run: %v %+v", err, res.Summary)
	stop := err
	if stop == nil && res.Summary != nil {
		stop = res.Summary.Stopped
	}
	if stop == nil {
		t.Fatalf("run with Pipedrive's daily budget spent: %+v; want it stopped", res.Summary)
	}
	if !errors.Is(stop, connector.ErrBudget) {
		t.Errorf("stopped for %v: category %s; want budget", stop, connector.CategoryOf(stop))
	}
	if msg := stop.Error(); !strings.Contains(msg, "Request over limit") || !strings.Contains(msg, "resets") {
		t.Errorf("stopped for %q; want Pipedrive's words and when the budget resets", msg)
	}
	if st, d := connStatus(t, a, "pd"); st == "reconnect" {
		t.Errorf("connection pd marked reconnect (%s) for a spent budget", d)
	}
}

// TestHubSpotDailyLimitSaysWhenItResets: the portal's daily API limit
// is spent; HubSpot answers 429 policyName DAILY "You have reached your
// daily limit.", a limit that "resets at midnight based on the time zone
// setting of the HubSpot account" (API usage guidelines). The run stops as
// a spent budget with HubSpot's words and when the limit resets.
func TestHubSpotDailyLimitSaysWhenItResets(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 4292, false)
	if _, err := srv.Salesforce().Update("Contact", links[0].BID, map[string]string{"Title": "Over the limit"}); err != nil {
		t.Fatal(err)
	}
	srv.HubSpot().Faults().SetDailyExhausted(true)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("run: %v %+v", err, res.Summary)
	stop := err
	if stop == nil && res.Summary != nil {
		stop = res.Summary.Stopped
	}
	if stop == nil {
		t.Fatalf("run with HubSpot's daily limit spent: %+v; want it stopped", res.Summary)
	}
	if !errors.Is(stop, connector.ErrBudget) {
		t.Errorf("stopped for %v: category %s; want budget", stop, connector.CategoryOf(stop))
	}
	if msg := stop.Error(); !strings.Contains(msg, "You have reached your daily limit") || !strings.Contains(msg, "resets") {
		t.Errorf("stopped for %q; want HubSpot's words and when the limit resets", msg)
	}
}

// TestPipedriveOpenDealsCapStopsRun: the Pipedrive plan's open deals
// limit is reached; each new deal is refused with 403
// feature_capping_deals_limit "Couldn't add the deal. Open deals limit
// reached." (Pipedrive changelog, 2022-03-30). Every further deal would be
// refused the same way, one call each, and only the account's owner can
// lift the cap by upgrading: the run stops at the first refusal with
// Pipedrive's words and code, marks the account (not a reconnect), and
// once the cap is lifted the next run creates the deals.
func TestPipedriveOpenDealsCapStopsRun(t *testing.T) {
	ctx := context.Background()
	a, srv := pipedriveDealsSynced(t, 4031, 10)
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	for i := range 4 {
		if _, err := hs.Create("deals", map[string]string{"dealname": fmt.Sprintf("Audit capped deal %d", i), "dealstage": "qualifiedtobuy", "pipeline": "default"}); err != nil {
			t.Fatal(err)
		}
	}
	pd.SetOpenDealsLimit(1)
	posts := pd.Stats()["POST /api/v2/deals"]
	res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
	sent := pd.Stats()["POST /api/v2/deals"] - posts
	t.Logf("run: %v %+v %v; %d deal creates sent", err, res.Summary, res.Failures, sent)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if res.Summary != nil {
		msg += " " + res.Summary.Message
	}
	for _, g := range res.Failures {
		msg += " " + g.Line()
	}
	if !strings.Contains(msg, "Open deals limit reached") || !strings.Contains(msg, "feature_capping_deals_limit") {
		t.Errorf("run: %q; want Pipedrive's message and code", msg)
	}
	if sent > 1 {
		t.Errorf("%d deal creates sent over the plan's cap; want the run stopped at the first refusal", sent)
	}
	if st, d := connStatus(t, a, "pd"); st != app.StatusAccount || !strings.Contains(d, "Open deals limit reached") {
		t.Errorf("connection pd: %q (%s); want %q naming Pipedrive's message", st, d, app.StatusAccount)
	}

	pd.SetOpenDealsLimit(0)
	res, err = a.Run(ctx, "deals", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Created != 4 {
		t.Fatalf("run with the cap lifted: %v %+v; want the 4 deals created", err, res.Summary)
	}
	if st, d := connStatus(t, a, "pd"); st != "connected" {
		t.Errorf("connection pd after a run that worked: %q (%s); want connected", st, d)
	}
}

// TestZohoCreditsSpentGivesZohosWords: the organization's API
// credits for the rolling 24 hours are spent; Zoho answers 429 with no
// credits remaining. The run stops as a spent budget and says so in Zoho's
// own words as well as ours.
func TestZohoCreditsSpentGivesZohosWords(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 4293, 6, "zoho", "zh", app.DemoZohoSync("zh", "hs", "zh"))
	if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": "credits@example.com", "firstname": "Cred", "lastname": "Its"}); err != nil {
		t.Fatal(err)
	}
	srv.Zoho().Faults().SetDailyExhausted(true)
	res, err := a.Run(ctx, "zh", app.RunOptions{Confirm: true})
	t.Logf("run: %v %+v", err, res.Summary)
	stop := err
	if stop == nil && res.Summary != nil {
		stop = res.Summary.Stopped
	}
	if stop == nil || !errors.Is(stop, connector.ErrBudget) {
		t.Fatalf("run with Zoho's credits spent: %v %+v; want it stopped as a spent budget", stop, res.Summary)
	}
	if msg := stop.Error(); !strings.Contains(msg, "API credits for the rolling 24-hour window are exhausted") || !strings.Contains(msg, "TOO_MANY_REQUESTS") {
		t.Errorf("stopped for %q; want Zoho's code and message", msg)
	}
}

// runWords is all a run says of how it ended, to look for a vendor's
// words in: its error, its summary's message and stop, and its failure
// groups' lines.
func runWords(err error, res app.RunResult) string {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if res.Summary != nil {
		msg += " " + res.Summary.Message
		if res.Summary.Stopped != nil {
			msg += " " + res.Summary.Stopped.Error()
		}
	}
	for _, g := range res.Failures {
		msg += " " + g.Line()
	}
	return msg
}
