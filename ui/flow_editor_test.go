package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

func TestEditorSuggestsValidatesAndSaves(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.connectSandbox()
	l.closeDialogs()
	l.navigate(ScreenSyncs)
	l.tap("New sync")
	l.see("New sync")
	l.see("fields loaded")
	l.see("Suggested mappings")
	l.ui(func() {
		if b := buttonOnScreen(l.u.Window(), "Save"); b == nil || !b.Disabled() {
			t.Error("Save should be disabled while the sync has no mapping")
		}
	})
	l.tap("Accept all")
	l.see("Sample: A email")

	// A transform that does not fit shows a problem beside its row and
	// blocks Save.
	var tr *widget.SelectEntry
	l.ui(func() { tr = firstOf[*widget.SelectEntry](l.u.Window()) })
	if tr == nil {
		t.Fatal("no transform picker on screen")
	}
	var was string
	l.ui(func() { was = tr.Text; tr.SetText("frobnicate") })
	l.see("to save")
	l.ui(func() {
		if b := buttonOnScreen(l.u.Window(), "Save"); !b.Disabled() {
			t.Error("Save enabled although a row is invalid")
		}
		tr.SetText(was)
	})
	l.tap("Save")
	var cur string
	l.ui(func() { cur = l.u.Current() })
	if cur != ScreenSyncs {
		t.Fatalf("after saving, screen = %s", cur)
	}
	syncs, err := l.a.Syncs(ctx)
	if err != nil || len(syncs) != 1 {
		t.Fatalf("syncs: %+v %v", syncs, err)
	}
	def := syncs[0].Definition
	var email bool
	for _, f := range def.Fields {
		// The two connections the editor offers first: HubSpot's email
		// with Salesforce's Email, Pipedrive's email or Dynamics 365's
		// emailaddress1, either way round.
		isEmail := func(n string) bool { return strings.EqualFold(n, "email") || n == "emailaddress1" }
		email = email || isEmail(f.A) && isEmail(f.B) && (f.A == "email" || f.B == "email")
	}
	if !email || len(def.Match) == 0 {
		t.Fatalf("saved definition lacks email mapping or match rule: %+v", def)
	}
	l.see(def.Name)
	l.see("Sync now")
}

func firstOf[T fyne.CanvasObject](w fyne.Window) T {
	var zero T
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		if v, ok := o.(T); ok {
			return v
		}
	}
	return zero
}

// TestEditorKeepsLinkedFilter: the ready-made leads sync's "linked:" filter
// (another sync's links, not a field) shows in the editor as written, a
// new filter can pick one, and both are kept when the sync is saved.
func TestEditorKeepsLinkedFilter(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.createDemoSyncs()
	l.ui(func() { l.u.openEditor(app.DemoLeadsName) })
	l.see("fields loaded")
	l.see("linked:" + demoSyncName)
	// A new filter on A offers the syncs of the same connections and
	// object as a choice; picking one fills in eq false.
	l.tap("Add filter on " + demoHubSpot + " contacts")
	picked := false
	l.ui(func() {
		for _, p := range allOf[*fieldPicker](l.u.Window()) {
			if p.Selected == "" && p.offers("linked:"+demoSyncName) {
				p.SetSelected("linked:" + demoSyncName)
				picked = true
				break
			}
		}
	})
	if !picked {
		t.Fatal("the new filter's field picker offers no linked: choice")
	}
	l.tap("Save")
	v, err := l.a.Sync(ctx, app.DemoLeadsName)
	if err != nil {
		t.Fatal(err)
	}
	want := engine.Filter{Field: "linked:" + demoSyncName, Op: "eq", Value: "false"}
	if f := v.Definition.Filters.A; len(f) != 2 || f[0] != want || f[1] != want {
		t.Errorf("saved filters of side A: %+v, want two of %+v", f, want)
	}
}
