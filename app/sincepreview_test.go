package app

import (
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
)

// TestSincePreviewOfLargePlans: a large plan lists only its first
// writes, so a write listed by one plan and not the other is no
// difference; a changed value of a write both list is, and so are the
// counts.
func TestSincePreviewOfLargePlans(t *testing.T) {
	upd := func(id, v string) engine.Write {
		return engine.Write{Side: "a", ID: id, Changes: []engine.Change{{Field: "firstname", New: v}}}
	}
	previewed := &engine.Plan{Updates: []engine.Write{upd("1", "Ann"), upd("2", "Bo")}, Omitted: &engine.Omitted{Updates: 5}}
	previewed.Counts.UpdateA = 7
	applied := &engine.Plan{Updates: []engine.Write{upd("1", "Anna"), upd("3", "Cy")}, Omitted: &engine.Omitted{Updates: 6}}
	applied.Counts.UpdateA = 8
	got := strings.Join(differencesFromPreview(previewed, applied, SideNames{}), "\n")
	want := "side A 1 firstname: previewed \"Ann\", wrote \"Anna\"\nupdates in side A: previewed 7, planned by this run 8"
	if got != want {
		t.Errorf("differences:\n%s\nwant:\n%s", got, want)
	}
	if d := differencesFromPreview(previewed, previewed, SideNames{}); len(d) != 0 {
		t.Errorf("a plan differs from itself: %q", d)
	}
}
