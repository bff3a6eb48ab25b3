package app_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/schedule"
)

func dvDeal(srv *sandbox.Server, name string) (amount, cur string, n int) {
	dv := srv.Dynamics()
	for _, r := range dv.Records("opportunities") {
		if r.Fields["name"] == name {
			id, _ := r.Fields["_transactioncurrencyid_value"].(string)
			amount, cur = numText(r.Fields["estimatedvalue"]), dv.CurrencyCode(id)
			n++
		}
	}
	return amount, cur, n
}

// TestKilledAfterDealCurrencyWrite: in a Dynamics org with USD and
// EUR, a HubSpot deal of 7,000 EUR becomes 5,000 USD; the run is killed
// once Dataverse carried out the write holding the amount and the
// currency (rows held together), before crmsync heard back; a new deal is
// killed the same way on its create. Started again: one opportunity per
// deal, holding 5,000 USD and the new deal's values, both fields in the
// audit old -> new, and the runs after write nothing.
func TestKilledAfterDealCurrencyWrite(t *testing.T) {
	for n := 1; n <= 2; n++ {
		t.Run(fmt.Sprint("write=", n), func(t *testing.T) {
			t.Parallel() // its own sandbox and app; mostly waiting, not computing
			killedDealWrite(t, n)
		})
	}
}

// killedDealWrite kills the deals run on its nth Dataverse write.
func killedDealWrite(t *testing.T, nth int) {
	k := killableApp(t, 2, [2]string{"hubspot", "hs"})
	dv, hs := k.srv.Dynamics(), k.srv.HubSpot()
	dv.SetCurrency("USD")
	if _, err := dv.AddCurrency("EUR"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := k.a.ConnectSandbox(ctx, k.srv, "dynamics", "dv"); err != nil {
		t.Fatal(err)
	}
	ids := createAuditCurrencyDeals(t, k.srv)
	k.clock.step(time.Minute)
	defs, _ := auditMultiCurrencyDeals(t, k.a, app.DemoConnections{HubSpot: "hs", Dynamics: "dv"}, "dv", "opportunities")
	deals, _ := runLinkedThenDeals(t, k.a, defs)
	if amt, cur, n := dvDeal(k.srv, "Audit Paris renewal"); n != 1 || amt != "7000" || cur != "EUR" {
		t.Fatalf("Paris: %q %q %d", amt, cur, n)
	}
	k.clock.step(time.Minute)
	if _, err := hs.Update("deals", ids["Audit Paris renewal"], map[string]string{"amount": "5000", "deal_currency_code": "USD"}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Create("deals", map[string]string{"dealname": "Audit Lyon renewal", "amount": "1200", "deal_currency_code": "EUR",
		"dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2031-04-30T00:00:00Z"}); err != nil {
		t.Fatal(err)
	}
	k.clock.step(time.Minute)
	rctx, cancel := k.killOn(nth, func(r *http.Request) bool {
		return r.Method != http.MethodGet && strings.Contains(r.URL.Path, "/api/data/")
	})
	defer cancel()
	killed, err := k.a.Run(rctx, deals, app.RunOptions{Confirm: true})
	t.Logf("killed run: %v %+v lost=%v", err, killed.Summary, k.tr.lostCalls())
	if len(k.tr.lostCalls()) != 1 {
		t.Fatalf("no Dataverse write was killed: %v", k.tr.lostCalls())
	}
	killedID := k.lastRun(deals).ID
	k.restart()
	if r := k.runRow(killedID); r.Status == "success" || r.Status == "running" {
		t.Errorf("the killed run is %q: %s", r.Status, r.Message)
	}
	for i := range 3 {
		k.clock.step(time.Minute)
		res, errs := runAndErrors(t, k.a, deals)
		if i == 2 && res.Summary.Created+res.Summary.Updated+res.Summary.Failed != 0 {
			t.Errorf("the third run after the restart wrote: %+v %+v\n%s", res.Summary, errs, res.Plan.Summary())
		}
	}
	if amt, cur, n := dvDeal(k.srv, "Audit Paris renewal"); n != 1 || amt != "5000" || cur != "USD" {
		t.Errorf("Paris after the restart: %d opportunities, %q %q; want one of 5000 USD", n, amt, cur)
	}
	if amt, cur, n := dvDeal(k.srv, "Audit Lyon renewal"); n != 1 || amt != "1200" || cur != "EUR" {
		t.Errorf("Lyon after the restart: %d opportunities, %q %q; want one of 1200 EUR", n, amt, cur)
	}
	for _, d := range hs.Records("deals") {
		if d.Properties["dealname"] == "Audit Paris renewal" && (strings.TrimSuffix(d.Properties["amount"], ".0") != "5000" || d.Properties["deal_currency_code"] != "USD") {
			t.Errorf("HubSpot Paris deal now %q %q", d.Properties["amount"], d.Properties["deal_currency_code"])
		}
	}
	// The Paris write is audited, amount and currency, old -> new.
	got := map[string]string{}
	runs, err := k.a.Runs(ctx, deals, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		rows, _ := k.a.DB().Audit(ctx, r.Run.ID)
		for _, row := range rows {
			if row.Side == "b" && row.Old != "" && !strings.Contains(row.Rule, "unknown") {
				got[row.Field] += fmt.Sprintf("%s->%s (%s, run %d); ", row.Old, row.New, row.Rule, r.Run.ID)
			}
		}
	}
	t.Logf("audited updates: %v", got)
	if !strings.Contains(got["estimatedvalue"], "->5000") || !strings.Contains(got["transactioncurrencyid"], "EUR->USD") {
		t.Errorf("the Paris write is not audited old -> new: %v", got)
	}
}

// TestKilledKeepsRunWarnings: a deleted Salesforce Contact's delete
// is held, and the Contact restored; the next run closes the held delete
// with a warning naming it, and the process is killed (its store closed)
// while that run writes a name edit. Started again: the warning is kept
// with some run in History, not lost with the killed one.
func TestKilledKeepsRunWarnings(t *testing.T) {
	ctx := context.Background()
	k := killableApp(t, 12, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	def := app.DemoSync("contacts", "hs", "sf")
	def.Safety.PropagateDeletes = true
	saveSyncs(t, k.a, def)
	hs, sf := k.srv.HubSpot(), k.srv.Salesforce()
	k.clock.step(time.Minute)
	if res, err := k.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	links := syncLinks(t, k.a, "contacts")
	sfID := links[0].BID
	k.clock.step(time.Minute)
	if !sf.Delete("Contact", sfID) {
		t.Fatalf("could not delete Contact %s", sfID)
	}
	k.clock.step(time.Minute)
	if res, err := k.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Plan.Counts.HeldDelete != 1 {
		t.Fatalf("run after the delete: %v %+v", err, res.Plan.Counts)
	}
	k.clock.step(time.Minute)
	if err := sf.Undelete("Contact", sfID); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("contacts", links[1].AID, map[string]string{"firstname": "Killian"}); err != nil {
		t.Fatal(err)
	}
	k.clock.step(time.Minute)
	// Killed: the store closes under the run, as when the process dies.
	k.tr.kill = func() { k.a.Close() }
	k.tr.arm(1, func(r *http.Request) bool {
		return r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/composite/sobjects")
	})
	res, err := k.a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if len(k.tr.lostCalls()) != 1 {
		t.Fatalf("the run was not killed: %v %v", err, k.tr.lostCalls())
	}
	if len(res.Plan.Warnings) == 0 {
		t.Fatalf("the killed run's plan made no warning: %v %+v", err, res.Summary)
	}
	t.Logf("killed run: %v, warnings %q", err, res.Plan.Warnings)
	k.restart()
	k.clock.step(time.Minute)
	if _, err := k.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	runs, err := k.a.Runs(ctx, "contacts", 0)
	if err != nil {
		t.Fatal(err)
	}
	kept := false
	for _, r := range runs {
		t.Logf("run %d %s %q warnings %q", r.Run.ID, r.Run.Status, r.Run.Message, r.Run.Warnings)
		for _, w := range r.Run.Warnings {
			kept = kept || strings.Contains(w, sfID) && strings.Contains(w, "no longer deleted")
		}
	}
	if !kept {
		t.Errorf("the warning that Contact %s was restored and its held delete closed is in no run after the kill", sfID)
	}
	if c, _ := sf.Get("Contact", sfID); c.Deleted {
		t.Errorf("the restored Contact %s was deleted", sfID)
	}
	if c, _ := sf.Get("Contact", links[1].BID); c.Fields["FirstName"] != "Killian" {
		t.Errorf("the name edit did not reach Salesforce: %q", c.Fields["FirstName"])
	}
}

// hubspotCalls is every call the HubSpot sandbox answered.
func hubspotCalls(srv *sandbox.Server) (n int64) {
	for _, c := range srv.Stats()["hubspot"] {
		n += c
	}
	return n
}

// TestKilledWhileWaitingOutRetryAfter: a scheduled run (every 15m)
// is stopped by HubSpot's spent daily limit, whose Retry-After runs to the
// portal's midnight; the process is killed while the scheduler waits it
// out and started again after the next slot. The new scheduler must wait
// too: no run that spends a refused call before HubSpot's reset.
func TestKilledWhileWaitingOutRetryAfter(t *testing.T) {
	ctx := context.Background()
	k := killableApp(t, 12, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	def := app.DemoSync("contacts", "hs", "sf")
	def.Schedule = "every 15m"
	saveSyncs(t, k.a, def)
	k.clock.step(time.Minute)
	if res, err := k.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	links := syncLinks(t, k.a, "contacts")
	k.clock.step(time.Minute)
	if _, err := k.srv.Salesforce().Update("Contact", links[0].BID, map[string]string{"Title": "Over the limit"}); err != nil {
		t.Fatal(err)
	}
	k.clock.step(time.Minute)
	k.srv.HubSpot().Faults().SetDailyExhausted(true)
	err := k.a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule)
	var w schedule.Waiter
	if !errors.As(err, &w) || w.WaitFor() < time.Hour {
		t.Skipf("the run carries no wait of an hour or more (%v); HubSpot's midnight is too near", err)
	}
	t.Logf("scheduled run: %v (wait %s)", err, w.WaitFor())
	k.restart()
	k.clock.step(20 * time.Minute)
	before := hubspotCalls(k.srv)
	sched := startScheduler(t, k.a)
	var ev []string
	timeout := time.After(3 * time.Second)
wait:
	for {
		select {
		case e := <-sched.Events():
			ev = append(ev, fmt.Sprintf("%s %v", e.Kind, e.Err))
			if e.Kind == schedule.EventFailed || e.Kind == schedule.EventFinished {
				break wait
			}
		case <-timeout:
			break wait
		}
	}
	t.Logf("scheduler events after the restart: %q", ev)
	if n := hubspotCalls(k.srv) - before; n > 0 {
		t.Errorf("started again %s before HubSpot's daily limit resets, the scheduler ran at once and spent %d refused HubSpot calls: %q",
			w.WaitFor()-20*time.Minute, n, ev)
	}
	// Once the limit resets, the next scheduled run makes the write.
	k.clock.step(w.WaitFor())
	k.srv.HubSpot().Faults().SetDailyExhausted(false)
	if err := k.a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule); err != nil {
		t.Fatalf("scheduled run after the reset: %v", err)
	}
	if got, _ := k.srv.HubSpot().Get("contacts", links[0].AID); got.Properties["jobtitle"] != "Over the limit" {
		t.Errorf("HubSpot jobtitle %q after the reset; want the Salesforce edit", got.Properties["jobtitle"])
	}
}
