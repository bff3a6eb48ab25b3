package ui

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// A row onto an unrestricted picklist (a Salesforce picklist no admin
// restricted) is no error: the vendor stores values outside its list.
func TestUnrestrictedPicklistRowIsValid(t *testing.T) {
	u := newTestUI(t, Deps{})
	stage := enumField("Stage", "Lead", "Customer", "Other")
	stage.Unrestricted = true
	sa := connector.Schema{Fields: []connector.Field{{Name: "email", Type: connector.TypeEmail}, enumField("stage", "lead", "customer", "evangelist")}}
	sb := connector.Schema{Fields: []connector.Field{{Name: "Email", Type: connector.TypeEmail}, stage}}
	e := &editor{u: u, def: engine.Definition{Name: "t", A: engine.SideDef{Connection: "a", Object: "x"}, B: engine.SideDef{Connection: "b", Object: "y"},
		Direction: mapping.AtoB, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match:  []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Fields: []mapping.Field{{A: "stage", B: "Stage"}}}}
	u.openPane(e.build())
	e.schema[0], e.schema[1] = &sa, &sb
	e.rebuildRows()
	if screenContains(u.Window(), "not allowed in Stage") || e.save.Disabled() {
		t.Fatalf("an unrestricted picklist row was flagged (save disabled %v: %s); texts %q", e.save.Disabled(), e.saveNote.Text, textsOnScreen(u.Window()))
	}
	e.showValueMap(0)
	if !screenContains(u.Window(), "unrestricted") {
		t.Fatalf("the value map should warn the picklist is unrestricted; texts %q", textsOnScreen(u.Window()))
	}
}
