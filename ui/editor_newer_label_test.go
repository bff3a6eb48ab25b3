package ui

import (
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestNewerPolicySaysSameSecondWaits: the editor's "newer" conflict
// policy read "The newer change wins", though two edits in the same
// second cannot be ordered and wait in Review (README); the label now
// says so on screen.
func TestNewerPolicySaysSameSecondWaits(t *testing.T) {
	u := newTestUI(t, Deps{})
	e := &editor{u: u, def: engine.Definition{Name: "t", A: engine.SideDef{Connection: "a", Object: "x"}, B: engine.SideDef{Connection: "b", Object: "y"},
		Direction: mapping.TwoWay, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer}}
	u.openPane(e.build())
	if !screenContains(u.Window(), "same second") || !screenContains(u.Window(), "wait in Review") {
		t.Errorf("the newer policy does not say same-second edits wait in Review; texts %q", textsOnScreen(u.Window()))
	}
}
