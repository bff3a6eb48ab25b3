package ui

import (
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
)

// TestProgressTextShowsBothSides: the two sides write at once and report
// in turn; the dialog shows each side still under way and sums them.
func TestProgressTextShowsBothSides(t *testing.T) {
	phases := map[string]engine.Progress{
		"store":    {Phase: "store", Done: 10, Total: 10},
		"create b": {Phase: "create b", Done: 200, Total: 700, Where: "sf Contact"},
		"create a": {Phase: "create a", Done: 100, Total: 500, Where: "hs contacts"},
	}
	text, done, total := progressText(phases, "create b")
	if want := "Writing (create in hs contacts): 100 / 500\nWriting (create in sf Contact): 200 / 700"; text != want {
		t.Errorf("text %q, want %q", text, want)
	}
	if done != 310 || total != 1210 {
		t.Errorf("bar %d / %d, want 310 / 1210", done, total)
	}
	for _, p := range []string{"create a", "create b"} {
		phases[p] = engine.Progress{Phase: p, Done: phases[p].Total, Total: phases[p].Total, Where: phases[p].Where}
	}
	if text, _, _ := progressText(phases, "create a"); text != "Writing (create in hs contacts): 500 / 500" {
		t.Errorf("all done: %q, want the latest phase", text)
	}
}
