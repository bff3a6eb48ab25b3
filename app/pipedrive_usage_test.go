package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestPipedriveCompanyUsageShown: the Connections screen (and
// `crmsync connections`) shows Salesforce's org usage; Pipedrive's
// company-wide daily token budget, read from the same answers
// (x-daily-ratelimit-token-*), was never shown. After a run, the
// Pipedrive connection shows the company's tokens used of its budget, in
// tokens, not as "API calls in the last 24 hours".
func TestPipedriveCompanyUsageShown(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 4812, 12)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	pd := srv.Pipedrive()
	pd.SetRateLimits(true)
	pd.SetTokensUsed(12000)
	if err := a.SaveSync(ctx, app.DemoPipedriveSync("people", "hs", "pd", "")); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	used, budget := pd.TokenUsage()
	cs, err := a.Connections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, c := range cs {
		if c.Name != "pd" {
			continue
		}
		found = true
		line := app.OrgUsageLine(c, time.UTC)
		t.Logf("pd: %q (sandbox %d of %d)", line, used, budget)
		if c.OrgMax != int64(budget) || c.OrgUsed != int64(used) {
			t.Errorf("pd shows company usage %d of %d; the sandbox spent %d of %d tokens", c.OrgUsed, c.OrgMax, used, budget)
		}
		if !strings.Contains(line, "daily API tokens") || strings.Contains(line, "24 hours") {
			t.Errorf("pd's usage line %q; want it in Pipedrive's daily tokens", line)
		}
	}
	if !found {
		t.Fatal("no connection pd listed")
	}
}
