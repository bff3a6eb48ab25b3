package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
)

// TestNewSyncCannotTakeAnExistingName: "New sync" saved under the
// name of a saved sync with history must be refused with the name as the
// problem, not silently replace that sync (its sides, mappings and
// policies) while its links and history stay hanging on the name. The
// editor disables the Name of a saved sync for this reason: "history and
// links hang on the name".
func TestNewSyncCannotTakeAnExistingName(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.connectSandbox()
	l.closeDialogs()
	victim := app.DemoZohoSync("victim", demoHubSpot, demoZoho)
	if err := l.a.SaveSync(ctx, victim); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, "victim", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenSyncs)
	l.tap("New sync")
	l.see("fields loaded")
	l.tap("Accept all")
	l.ui(func() {
		name := firstOf[*widget.Entry](l.u.Window())
		name.SetText("victim")
	})
	var disabled bool
	l.ui(func() { b := buttonOnScreen(l.u.Window(), "Save"); disabled = b == nil || b.Disabled() })
	if !disabled {
		l.tap("Save")
	}
	v, err := l.a.Sync(ctx, "victim")
	if err != nil {
		t.Fatal(err)
	}
	if v.Definition.B != victim.B || len(v.Definition.Fields) != len(victim.Fields) {
		t.Fatalf("a new sync named %q replaced the saved one: sides %+v ↔ %+v, %d rows (was %+v ↔ %+v, %d rows)",
			"victim", v.Definition.A, v.Definition.B, len(v.Definition.Fields), victim.A, victim.B, len(victim.Fields))
	}
	l.see("already")
}
