package ui

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestPipedriveCompanyUsageOnConnectionCard: the Pipedrive card shows
// the company's daily token budget, read from the run's answers, as the
// Salesforce card shows its org's calls.
func TestPipedriveCompanyUsageOnConnectionCard(t *testing.T) {
	l := newLive(t)
	l.createDemoSyncs()
	l.closeDialogs()
	pd := l.srv.Pipedrive()
	pd.SetRateLimits(true)
	pd.SetTokensUsed(20000)
	res, err := l.a.Run(context.Background(), app.DemoPipedriveContactsName, app.RunOptions{Confirm: true})
	if err != nil || res.Summary == nil || res.Summary.Status != "success" {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	l.navigate(ScreenConnections)
	l.see("daily API tokens used")
}
