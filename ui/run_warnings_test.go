package ui

import (
	"context"
	"testing"
)

// TestRunWarningsShownAfterRun: a run through the window whose plan
// warns (a held delete closed because the Contact was restored) says so in
// the "Run finished" dialog, and the run in History lists the warning.
func TestRunWarningsShownAfterRun(t *testing.T) {
	l := newLiveContacts(t, 8)
	ctx := context.Background()
	sfID := warnedContact(t, l, "manual")
	l.navigate(ScreenSyncs)
	l.tap("Sync now")
	l.see("Run finished")
	l.see("1 warning:")
	l.see(sfID + " in " + demoSalesforce + " Contact is no longer deleted")
	runs, err := l.a.Runs(ctx, "contacts", 1)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs: %+v %v", runs, err)
	}
	l.closeDialogs()
	l.navigate(ScreenHistory)
	l.ui(func() { l.u.openRunDetail(runs[0].Run.ID) })
	l.see("Warnings (1)")
	l.see(sfID + " in " + demoSalesforce + " Contact is no longer deleted")
}
