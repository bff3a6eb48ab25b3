package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// runDealsSettle runs the orgs and deals syncs three times: every deals
// run must succeed with nothing to review, and the runs after the first
// must write nothing. echoNote ends the message of a late write. It
// answers the first deals run's id, for its audit rows.
func runDealsSettle(ctx context.Context, t *testing.T, a *app.App, echoNote string) int64 {
	t.Helper()
	var first int64
	for i := 1; i <= 3; i++ {
		res := runOrgsThenDeals(ctx, t, a, i)
		if i == 1 {
			first = res.Summary.RunID
		}
		if res.Summary.Status != "success" || res.Summary.Review > 0 {
			t.Errorf("run %d deals: %+v\n%s\nfailures: %+v", i, res.Summary, res.Plan.Summary(), res.Failures)
		}
		if i > 1 && res.Summary.Created+res.Summary.Updated != 0 {
			t.Errorf("run %d deals wrote %+v; want nothing%s\n%s", i, res.Summary, echoNote, res.Plan.Summary())
		}
	}
	return first
}

// runDealsRefusedOnce runs the orgs and deals syncs twice where the vendor
// refuses one deal: the first deals run must fail that deal alone, with a
// failure saying each of words, and the second must write nothing (the
// refused deal waits to be retried; nothing read back is taken for an
// edit). It answers the first deals run's id.
func runDealsRefusedOnce(ctx context.Context, t *testing.T, a *app.App, words ...string) int64 {
	t.Helper()
	first := runOrgsThenDeals(ctx, t, a, 1)
	if first.Summary.Failed != 1 || len(first.Failures) != 1 {
		t.Fatalf("run 1 deals: %+v failures %+v; want one deal refused", first.Summary, first.Failures)
	}
	line := first.Failures[0].Line()
	for _, want := range words {
		if !strings.Contains(line, want) {
			t.Errorf("run 1: failure %q does not say %q", line, want)
		}
	}
	if again := runOrgsThenDeals(ctx, t, a, 2); again.Summary.Created+again.Summary.Updated != 0 {
		t.Errorf("run 2 deals wrote %+v; want nothing\n%s", again.Summary, again.Plan.Summary())
	}
	return first.Summary.RunID
}

// runOrgsThenDeals runs the orgs sync, then the deals sync (round i, for
// messages), and answers the deals run.
func runOrgsThenDeals(ctx context.Context, t *testing.T, a *app.App, i int) app.RunResult {
	t.Helper()
	var res app.RunResult
	for _, n := range []string{"orgs", "deals"} {
		var err error
		if res, err = a.Run(ctx, n, app.RunOptions{Confirm: true}); err != nil {
			t.Fatalf("run %d %s: %v", i, n, err)
		}
	}
	return res
}

// auditedNew is the new values a run's audit rows give field on side.
func auditedNew(ctx context.Context, t *testing.T, a *app.App, run int64, side, field string) []string {
	t.Helper()
	rows, err := a.DB().Audit(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if r.Side == side && r.Field == field {
			out = append(out, r.New)
		}
	}
	return out
}

// assertHubSpotAmountsKept checks each HubSpot deal (by id) still holds
// the amount it was created with.
func assertHubSpotAmountsKept(t *testing.T, srv *sandbox.Server, amounts map[string]string) {
	t.Helper()
	for id, amt := range amounts {
		if d, _ := srv.HubSpot().Get("deals", id); d.Properties["amount"] != amt {
			t.Errorf("HubSpot deal %s amount %q, want its own %s kept", id, d.Properties["amount"], amt)
		}
	}
}

// assertZohoRoundedAmounts checks each Zoho deal named prefix+amount holds
// the amount want gives it (Zoho rounds to the field's decimal_place,
// places), and that the first deals run audits Amount as the value Zoho
// kept.
func assertZohoRoundedAmounts(ctx context.Context, t *testing.T, a *app.App, srv *sandbox.Server, first int64, prefix string, want map[string]string, places int) {
	t.Helper()
	stored := map[string]string{}
	for _, r := range srv.Zoho().Records("Deals") {
		stored[fmt.Sprint(r.Fields["Deal_Name"])] = fmt.Sprint(r.Fields["Amount"])
	}
	for amt, kept := range want {
		if got := stored[prefix+amt]; got != kept {
			t.Errorf("Zoho deal for %s: Amount %q, want %s (decimal_place %d)", amt, got, kept, places)
		}
	}
	audited := auditedNew(ctx, t, a, first, "b", "Amount")
	for _, kept := range want {
		if !slices.Contains(audited, kept) {
			t.Errorf("the first deals run audits Amount as %q; want %s, the value Zoho kept", audited, kept)
		}
	}
}
