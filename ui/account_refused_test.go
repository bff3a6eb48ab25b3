package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestAccountRefusedConnectionScreen: Pipedrive refuses the company
// account (402, not open). The Connections screen must not send the user
// to reconnect; it shows Pipedrive's words and that the account's owner
// must fix billing or the plan, and the error's next step says the same.
func TestAccountRefusedConnectionScreen(t *testing.T) {
	l := newLive(t)
	l.createDemoSyncs()
	l.closeDialogs()
	l.srv.Pipedrive().SetAccountClosed(true)
	companies := "demo-hubspot-pipedrive-companies"
	_, err := l.a.Run(context.Background(), companies, app.RunOptions{Confirm: true})
	if err == nil {
		t.Fatal("a run against a closed Pipedrive account succeeded")
	}
	if step := nextStep(err); step != AccountStep {
		t.Errorf("next step for %v: %q; want %q", err, step, AccountStep)
	}
	l.navigate(ScreenConnections)
	l.see("● account refused (billing or plan)")
	l.see("Company account is not open")
	l.see("the account's owner must fix billing or the plan in Pipedrive")
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	for _, s := range texts {
		if strings.Contains(s, "needs reconnect") || strings.Contains(s, "press Reconnect") {
			t.Errorf("the Connections screen asks to reconnect: %q", s)
		}
	}
}
