package app

import (
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
)

// TestSincePreviewLinksAndDeletes: a link made by match and a delete
// a person approved in between, neither in the preview, are said; so are
// a previewed link and delete the run did not make. Before, only field
// changes were compared and these lines were missing.
func TestSincePreviewLinksAndDeletes(t *testing.T) {
	previewed := &engine.Plan{
		Links:   []engine.LinkOp{{A: "1", B: "b1", New: true, Rule: "match:1"}, {A: "9", B: "b9", Rule: "agreed"}},
		Deletes: []engine.DeleteOp{{Side: "b", ID: "b7", LinkedA: "7"}},
	}
	applied := &engine.Plan{
		Links:   []engine.LinkOp{{A: "2", B: "b2", New: true, Rule: "match:1"}, {A: "9", B: "b9", Rule: "agreed"}},
		Deletes: []engine.DeleteOp{{Side: "a", ID: "8", LinkedA: "8"}},
	}
	got := strings.Join(differencesFromPreview(previewed, applied, SideNames{}), "\n")
	for _, want := range []string{
		"side A 2 linked with side B b2 (match:1), which the preview did not show",
		"side A 1: previewed linked with side B b1, not linked by this run",
		"side A 8: deleted, which the preview did not show",
		"side B b7: previewed deleted, not deleted by this run",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("differences do not say %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "b9") {
		t.Errorf("a base advance of an old link is no difference:\n%s", got)
	}
	if d := differencesFromPreview(applied, applied, SideNames{}); len(d) != 0 {
		t.Errorf("a plan differs from itself: %q", d)
	}
}
