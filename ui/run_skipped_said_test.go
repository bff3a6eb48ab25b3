package ui

import (
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestStorageWalkNewContactSaysWhy: the walk of the last session.
// After a run stopped on Salesforce's full storage, storage is freed and a
// new HubSpot contact made; Sync now of the contacts sync writes nothing
// (the leads sync makes a HubSpot contact with no Contact a Lead). The
// run dialog must say the contact was left and why, not a bare success.
func TestStorageWalkNewContactSaysWhy(t *testing.T) {
	l := newLive(t)
	l.applyDemoSyncs()

	sf := l.srv.Salesforce()
	sf.FillDataStorage(true)
	if _, err := l.srv.HubSpot().Create("contacts", map[string]string{"email": "held@example.com", "firstname": "Held", "lastname": "Back"}); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.syncNow(app.DemoLeadsName) })
	l.wait()
	l.see("STORAGE_LIMIT_EXCEEDED")
	l.closeDialogs()

	sf.FillDataStorage(false)
	if _, err := l.srv.HubSpot().Create("contacts", map[string]string{"email": "fresh@example.com", "firstname": "Fresh", "lastname": "After"}); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.syncNow(demoSyncName) })
	l.see("Run finished")
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	joined := strings.Join(texts, " ")
	t.Logf("dialog: %q", texts)
	if !strings.Contains(joined, "left as") || !strings.Contains(joined, "creates records in "+demoHubSpot+" contacts only") {
		t.Errorf("the run dialog does not say a HubSpot contact was left and why: %q", texts)
	}
}
