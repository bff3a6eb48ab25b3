package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
)

// newSyncInEditor connects the HubSpot and Salesforce sandboxes, opens a
// new sync in the editor and accepts the suggested mappings.
func newSyncInEditor(t *testing.T) *live {
	t.Helper()
	l := newLive(t)
	connectHubSpotAndSalesforce(t, l)
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.openEditor("") })
	l.see("New sync")
	l.see("fields loaded")
	l.see("Suggested mappings")
	// HubSpot's buying roles need a value map to Salesforce's; leave them out.
	rejected := false
	l.ui(func() {
		for _, o := range test.LaidOutObjects(l.u.Window().Canvas().Content()) {
			c, ok := o.(*fyne.Container)
			if !ok || len(c.Objects) != 2 {
				continue
			}
			lbl, ok1 := c.Objects[0].(*widget.Label)
			btns, ok2 := c.Objects[1].(*fyne.Container)
			if ok1 && ok2 && strings.HasPrefix(lbl.Text, "hs_buying_role → ") && len(btns.Objects) == 2 {
				test.Tap(btns.Objects[1].(*widget.Button))
				rejected = true
				return
			}
		}
	})
	if !rejected {
		t.Fatal("no hs_buying_role suggestion to reject")
	}
	l.tap("Accept all")
	l.ui(func() {
		if b := buttonOnScreen(l.u.Window(), "Save"); b == nil || b.Disabled() {
			t.Fatalf("Save is not offered for the suggested sync; texts %q", textsOnScreen(l.u.Window()))
		}
	})
	return l
}

// saveState is whether Save is disabled, and every text on screen.
func saveState(l *live) (disabled bool, texts string) {
	l.ui(func() {
		disabled = buttonOnScreen(l.u.Window(), "Save").Disabled()
		texts = strings.Join(textsOnScreen(l.u.Window()), "\n")
	})
	return disabled, texts
}

// TestFilterValueNotAValueOfTheField: a person filters HubSpot
// contacts on Lifecycle Stage = "Customer", as HubSpot shows it; the
// field holds "customer", so the filter would leave out every contact and
// the sync would quietly do nothing. The editor must say so beside the
// filters, name the value to use, and refuse Save until it is fixed.
func TestFilterValueNotAValueOfTheField(t *testing.T) {
	l := newSyncInEditor(t)
	l.tap("Add filter on " + demoHubSpot + " contacts")
	picked := false
	l.ui(func() {
		for _, p := range allOf[*fieldPicker](l.u.Window()) {
			if p.Selected == "" && p.offers("lifecyclestage") && p.offers("email") {
				p.SetSelected("lifecyclestage")
				picked = true
				break
			}
		}
		for _, sel := range allOf[*widget.Select](l.u.Window()) {
			if sel.Selected == "not-empty" {
				sel.SetSelected("eq")
			}
		}
	})
	if !picked {
		t.Fatal("the new filter offers no lifecyclestage field")
	}
	var val *widget.Entry
	l.ui(func() {
		for _, en := range allOf[*widget.Entry](l.u.Window()) {
			if en.PlaceHolder == "" && en.Text == "" {
				val = en
			}
		}
	})
	if val == nil {
		t.Fatal("no filter value entry on screen")
	}
	l.ui(func() { val.SetText("Customer") })
	disabled, texts := saveState(l)
	if !disabled || !strings.Contains(texts, `filter 1 of hubspot-sandbox contacts: "Customer" is not a value of lifecyclestage`) || !strings.Contains(strings.Join(strings.Fields(texts), " "), `did you mean "customer"`) {
		t.Fatalf("a filter on a value lifecyclestage never holds: Save disabled %v; texts:\n%s", disabled, texts)
	}
	// Fixing the value is enough to save, and what is saved is the fix.
	l.ui(func() { val.SetText("customer") })
	if disabled, texts := saveState(l); disabled {
		t.Fatalf("Save still disabled after the filter was fixed; texts:\n%s", texts)
	}
	l.tap("Save")
	syncs, err := l.a.Syncs(context.Background())
	if err != nil || len(syncs) != 1 {
		t.Fatalf("syncs: %+v %v", syncs, err)
	}
	if f := syncs[0].Definition.Filters.A; len(f) != 1 || f[0].Field != "lifecyclestage" || f[0].Op != "eq" || f[0].Value != "customer" {
		t.Fatalf("saved filters of side A: %+v", f)
	}
}

// TestSafetyLimitsAsTyped: "10%" in "Ask above % changed" and
// "1,000" in "Ask above N changes" must not save as the defaults (25%,
// no limit) with nothing said: the percent is taken as typed, and a
// number the editor cannot read is named and blocks Save.
func TestSafetyLimitsAsTyped(t *testing.T) {
	l := newSyncInEditor(t)
	var limits []*widget.Entry
	l.ui(func() {
		for _, en := range allOf[*widget.Entry](l.u.Window()) {
			if en.PlaceHolder == "default" {
				limits = append(limits, en)
			}
		}
	})
	if len(limits) != 2 {
		t.Fatalf("%d safety entries on screen, want 2", len(limits))
	}
	pct, changes := limits[0], limits[1]
	l.ui(func() { pct.SetText("10%"); changes.SetText("1,000") })
	disabled, texts := saveState(l)
	if !disabled || !strings.Contains(texts, `"1,000"`) || !strings.Contains(texts, "Ask above N changes") {
		t.Fatalf("a limit the editor cannot read: Save disabled %v; texts:\n%s", disabled, texts)
	}
	l.ui(func() { changes.SetText("1000") })
	l.tap("Save")
	syncs, err := l.a.Syncs(context.Background())
	if err != nil || len(syncs) != 1 {
		t.Fatalf("syncs: %+v %v", syncs, err)
	}
	if s := syncs[0].Definition.Safety; s.MaxChangePercent != 10 || s.MaxChanges != 1000 {
		t.Fatalf("saved safety %+v, want 10%% and 1000 changes as typed", s)
	}
}

// TestEditorShowsJoinedFields: the ready-made HubSpot ↔ Pipedrive
// sync maps firstname+lastname onto a person's name. The editor must show
// that row's Side A field as it is, not an empty "(choose)" that invites
// picking one field in its place.
func TestEditorShowsJoinedFields(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	for _, v := range [][2]string{{"hubspot", demoHubSpot}, {"pipedrive", demoPipedrive}} {
		if _, err := l.a.ConnectSandbox(ctx, l.srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.a.SaveSync(ctx, app.DemoPipedriveSync("persons", demoHubSpot, demoPipedrive, "")); err != nil {
		t.Fatal(err)
	}
	l.ui(func() { l.u.openEditor("persons") })
	l.see("fields loaded")
	var shown []string
	l.ui(func() {
		for _, p := range allOf[*fieldPicker](l.u.Window()) {
			if p.offers("firstname") {
				shown = append(shown, p.Selected)
			}
		}
	})
	if !slices.Contains(shown, "firstname+lastname") {
		t.Fatalf("the Side A pickers show %q; none shows the row's firstname+lastname", shown)
	}
	l.tap("Save")
	v, err := l.a.Sync(ctx, "persons")
	if err != nil || len(v.Definition.Fields) != 3 || v.Definition.Fields[1].A != "firstname+lastname" {
		t.Fatalf("saved after opening in the editor: %+v %v", v.Definition.Fields, err)
	}
}
