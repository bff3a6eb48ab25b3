package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// alsoEntries are the editor's "must also agree on" entries, one a match
// rule, found by their placeholder.
func alsoEntries(u *UI) []*widget.Entry {
	var out []*widget.Entry
	for _, en := range allOf[*widget.Entry](u.Window()) {
		if strings.HasPrefix(en.PlaceHolder, alsoPlaceHolder) {
			out = append(out, en)
		}
	}
	return out
}

// TestAlsoInMatchEditor: each match rule shows what it must also
// agree on; typing field names sets the rule's "also" list, and a field
// no row maps is named under the rules and keeps Save disabled.
func TestAlsoInMatchEditor(t *testing.T) {
	u := newTestUI(t, Deps{})
	sa := connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, {Name: "firstname", Type: connector.TypeString}, {Name: "phone", Type: connector.TypePhone}}}
	sb := connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, {Name: "FirstName", Type: connector.TypeString}, {Name: "Phone", Type: connector.TypePhone}}}
	e := &editor{u: u, def: engine.Definition{Name: "t", A: engine.SideDef{Connection: "a", Object: "x"}, B: engine.SideDef{Connection: "b", Object: "y"},
		Direction: mapping.TwoWay, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match: []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"},
			{A: "phone", B: "Phone", Normalize: "e164", Also: []string{"firstname"}}},
		Fields: []mapping.Field{{A: "email", B: "Email"}, {A: "firstname", B: "FirstName"}, {A: "phone", B: "Phone", Transform: "e164"}}}}
	u.openPane(e.build())
	e.schema[0], e.schema[1] = &sa, &sb
	e.rebuildRows()
	e.rebuildMatch()
	ens := alsoEntries(u)
	if len(ens) != 2 || ens[0].Text != "" || ens[1].Text != "firstname" {
		t.Fatalf("want an empty entry for rule 1 and %q for rule 2; texts %q", "firstname", textsOnScreen(u.Window()))
	}
	test.Type(ens[0], "FirstName, ")
	if got := e.def.Match[0].Also; !slices.Equal(got, []string{"FirstName"}) {
		t.Fatalf("rule 1's also after typing = %q", got)
	}
	if e.save.Disabled() {
		t.Fatalf("Save disabled with a mapped also field: %s", e.saveNote.Text)
	}
	test.Type(ens[0], "firstnme")
	if !screenContains(u.Window(), `"firstnme"`) || !e.save.Disabled() {
		t.Fatalf("an unmapped also field is not named, or Save stays enabled; texts %q", textsOnScreen(u.Window()))
	}
}
