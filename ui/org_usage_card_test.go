package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestSalesforceOrgUsageOnConnectionCard: a run stopped by the org's
// reserve leaves the org's usage, read from the run's last answer, on the
// Salesforce connection's card, with no call of its own.
func TestSalesforceOrgUsageOnConnectionCard(t *testing.T) {
	l := newLive(t)
	l.createDemoSyncs()
	l.closeDialogs()
	l.srv.Salesforce().SetAPIUsage(13499)
	res, err := l.a.Run(context.Background(), app.DemoCompaniesName, app.RunOptions{Confirm: true})
	if err == nil && res.Summary != nil {
		err = res.Summary.Stopped
	}
	if err == nil {
		t.Fatalf("run with the org one call short of its reserve: %+v; want it stopped", res.Summary)
	}
	// crmsync's own budget is not what stopped it: raising it cannot help.
	if step := nextStep(err); strings.Contains(step, "raise the daily API budget") || !strings.Contains(step, "other integrations") {
		t.Errorf("next step for %v: %q; want the org's reserve explained", err, step)
	}
	l.navigate(ScreenConnections)
	l.see("org: 13,500 of 15,000 API calls in the last 24 hours")
}
