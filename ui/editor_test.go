package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

func enumField(name string, values ...string) connector.Field {
	f := connector.Field{Name: name, Type: connector.TypeEnum}
	for _, v := range values {
		f.Options = append(f.Options, connector.Option{Value: v, Label: v})
	}
	return f
}

// The value-map table lists A's values with B's allowed values, guesses
// equal ones, and saving it sets the map transform on the row.
func TestValueMapDialogFillsMapAndValidates(t *testing.T) {
	u := newTestUI(t, Deps{})
	sa := connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, enumField("stage", "lead", "customer", "evangelist")}}
	sb := connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, enumField("Stage", "Lead", "Customer", "Other")}}
	e := &editor{u: u, def: engine.Definition{Name: "t", A: engine.SideDef{Connection: "a", Object: "x"}, B: engine.SideDef{Connection: "b", Object: "y"},
		Direction: mapping.AtoB, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match:  []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Fields: []mapping.Field{{A: "stage", B: "Stage"}}}}
	u.openPane(e.build())
	e.schema[0], e.schema[1] = &sa, &sb
	e.rebuildRows()
	if !screenContains(u.Window(), "not allowed in Stage") {
		t.Fatalf("the row should name the picklist problem; texts %q", textsOnScreen(u.Window()))
	}
	if !e.save.Disabled() {
		t.Fatal("Save enabled with an invalid picklist row")
	}
	e.showValueMap(0)
	for _, want := range []string{"evangelist", "B allows: Lead, Customer, Other", "Customer"} {
		if !screenContains(u.Window(), want) {
			t.Fatalf("%q not in the value map; texts %q", want, textsOnScreen(u.Window()))
		}
	}
	// Map the value with no equal option by hand, then use the map.
	for _, se := range allOf[*widget.SelectEntry](u.Window()) {
		if se.Text == "(no mapping)" {
			se.SetText("Other")
		}
	}
	test.Tap(buttonOnScreen(u.Window(), "Use this map"))
	f := e.def.Fields[0]
	if f.Transform != "map" || f.ValueMap["lead"] != "Lead" || f.ValueMap["customer"] != "Customer" || f.ValueMap["evangelist"] != "Other" {
		t.Fatalf("row after the value map: %+v", f)
	}
	if e.save.Disabled() {
		t.Fatalf("Save still disabled after fixing the row: %s", e.saveNote.Text)
	}
}

func TestSuggestByNameLabelAndMeaning(t *testing.T) {
	a := &connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, {Name: "jobtitle", Type: connector.TypeString},
		{Name: "hs_object_id", Type: connector.TypeID}, {Name: "crmsync_key", Type: connector.TypeString}, {Name: "age", Type: connector.TypeNumber}}}
	b := &connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, {Name: "Title", Type: connector.TypeString},
		{Name: "Id", Type: connector.TypeID}, {Name: "Crmsync_Key__c", Type: connector.TypeString}, {Name: "Age", Type: connector.TypeBool}}}
	got := suggest(a, b, nil)
	if len(got) != 2 || got[0].f.A != "email" || got[0].f.Transform != "lower" || got[1].f.A != "jobtitle" || got[1].f.B != "Title" {
		t.Fatalf("suggestions = %+v", got)
	}
	if again := suggest(a, b, []mapping.Field{{A: "email", B: "Email"}}); len(again) != 1 {
		t.Fatalf("an existing mapping was suggested again: %+v", again)
	}
}
