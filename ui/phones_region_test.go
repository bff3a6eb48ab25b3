package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestMatchPhoneRegionInEditor: a UK business matches by phone with
// "e164:GB" (README: e164[:REGION]), saved from a sync file. The editor
// must show that normalizer, not a blank one, and let the user give a
// region there, as the transform's box does; a list of bare "e164" left a
// user outside the US no way to say their country in the window.
func TestMatchPhoneRegionInEditor(t *testing.T) {
	u := newTestUI(t, Deps{})
	sa := connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, {Name: "phone", Type: connector.TypePhone}}}
	sb := connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, {Name: "Phone", Type: connector.TypePhone}}}
	e := &editor{u: u, def: engine.Definition{Name: "t", A: engine.SideDef{Connection: "a", Object: "x"}, B: engine.SideDef{Connection: "b", Object: "y"},
		Direction: mapping.TwoWay, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match:  []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}, {A: "phone", B: "Phone", Normalize: "e164:GB"}},
		Fields: []mapping.Field{{A: "phone", B: "Phone", Transform: "e164:GB"}}}}
	u.openPane(e.build())
	e.schema[0], e.schema[1] = &sa, &sb
	e.rebuildMatch()
	e.rebuildRows()
	var norm *widget.SelectEntry
	for _, o := range test.LaidOutObjects(e.matchBox) {
		if se, ok := o.(*widget.SelectEntry); ok && se.Text == "e164:GB" {
			norm = se
		}
	}
	if norm == nil {
		t.Fatalf("rule 2's normalizer e164:GB is not shown as one the user can edit; texts %q", textsOnScreen(u.Window()))
	}
	norm.SetText("e164:DE")
	if got := e.def.Match[1].Normalize; got != "e164:DE" {
		t.Fatalf("after typing e164:DE rule 2's normalizer is %q", got)
	}
	if e.def.Match[0].Normalize != "email" {
		t.Fatalf("rule 1's normalizer changed to %q", e.def.Match[0].Normalize)
	}
}
