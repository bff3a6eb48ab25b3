package ui

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestResyncFromTheSyncCard: the card's Resync asks first, then says the
// next run reads everything; the preview says why it merged every pair;
// Apply records it done even when it writes nothing, and the card is back
// to incremental runs.
func TestResyncFromTheSyncCard(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectDemoContacts(t, l)
	if _, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenSyncs)
	l.tap("Resync")
	l.see("Its next run reads every record on both sides")
	l.tap("Yes")
	l.see("Next run reads every record and merges every linked pair again, because you asked for a full resync.")
	if b := buttonOnScreen(l.u.Window(), "Resync"); b == nil || !b.Disabled() {
		t.Fatal("Resync is still offered while a resync is due")
	}
	l.tap("Preview")
	l.see("Every record was read and every linked pair merged again, because you asked for a full resync.")
	// It writes nothing, and Apply still records the full pass done.
	l.see("No record would be created or updated.")
	l.tap("Apply")
	l.closeDialogs()
	l.see("Nothing to apply")
	if v, err := l.a.Sync(ctx, "contacts"); err != nil || v.FullPass != "" {
		t.Fatalf("after applying the resync: %v, full pass still due %q", err, v.FullPass)
	}
	l.navigate(ScreenSyncs)
	var due bool
	l.ui(func() { due = screenContains(l.u.Window(), "Next run reads every record") })
	if due {
		t.Fatal("the card still says the next run reads everything after the resync was applied")
	}
	// A preview with nothing to write says so on a button wide enough.
	l.tap("Preview")
	l.see("Nothing to apply")
	l.ui(func() {
		if b := buttonOnScreen(l.u.Window(), "Nothing to apply"); b.Size().Width < b.MinSize().Width {
			t.Errorf("the button is %v wide, narrower than its label needs (%v)", b.Size().Width, b.MinSize().Width)
		}
	})
}

// TestEditorSaveWithoutChangesAsksNoFullPass: opening a synced sync in the
// editor and saving it as it is must not make its next run read
// everything (the editor spells out defaults a sync file leaves out).
func TestEditorSaveWithoutChangesAsksNoFullPass(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	for _, def := range app.DemoSyncs(demoConnections) {
		if def.Name != demoSyncName && def.Name != demoCompanies && def.Name != app.DemoLeadsName {
			continue
		}
		if err := l.a.SaveSync(ctx, def); err != nil {
			t.Fatal(err)
		}
		if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{demoSyncName, demoCompanies, app.DemoLeadsName} {
		l.ui(func() { l.u.openEditor(name) })
		l.tap("Save")
		l.closeDialogs()
		if v, err := l.a.Sync(ctx, name); err != nil || v.FullPass != "" {
			t.Fatalf("%s saved unchanged from the editor: %v, full pass due %q", name, err, v.FullPass)
		}
	}
}
