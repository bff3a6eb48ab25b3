package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/sync/engine"
)

// A plan that holds deletes says so on the preview, in words that match the
// sync's setting; a plan without any says nothing about deletes.
func TestPreviewNamesHeldDeletes(t *testing.T) {
	for _, tc := range []struct {
		held      int
		propagate bool
		want      string
	}{
		{2, true, "2 deleted records held: nothing is deleted in the other CRM until you approve it in Review."},
		{1, false, "1 deleted record held: this sync does not propagate deletes"},
		{0, true, ""},
	} {
		a := test.NewTempApp(t)
		w := a.NewWindow("preview")
		def := engine.Definition{Name: "s", A: engine.SideDef{Connection: "hs"}, B: engine.SideDef{Connection: "sf"}}
		def.Safety.PropagateDeletes = tc.propagate
		w.SetContent(planView(&engine.Plan{Counts: engine.Counts{HeldDelete: tc.held}}, def))
		if tc.want != "" && !screenContains(w, tc.want) {
			t.Errorf("held %d, propagate %v: %q not on screen: %q", tc.held, tc.propagate, tc.want, textsOnScreen(w))
		}
		if tc.want == "" && screenContains(w, "deleted record") {
			t.Errorf("no held deletes, yet the preview mentions them: %q", textsOnScreen(w))
		}
		w.Close()
	}
}

// A plan whose references wait for another sync's links names that sync
// and says when they will be written.
func TestPreviewNamesWaitingReferences(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("preview")
	defer w.Close()
	def := engine.Definition{Name: "contacts", A: engine.SideDef{Connection: "hs"}, B: engine.SideDef{Connection: "sf"}}
	w.SetContent(planView(&engine.Plan{Counts: engine.Counts{WaitingLink: 12}, WaitingOn: []string{"companies"}}, def))
	want := `12 references name records that sync "companies" has not linked yet, or whose linked record is deleted: left as they are, and written by the first run after sync "companies" links them.`
	if !screenContains(w, want) {
		t.Fatalf("%q not on screen: %q", want, textsOnScreen(w))
	}
	w.SetContent(planView(&engine.Plan{}, def))
	if screenContains(w, "not linked yet") {
		t.Fatalf("a plan with nothing waiting mentions waiting: %q", textsOnScreen(w))
	}
}

// A plan that carries links over merges says so.
func TestPreviewNamesRelinks(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("preview")
	defer w.Close()
	def := engine.Definition{Name: "contacts", A: engine.SideDef{Connection: "hs"}, B: engine.SideDef{Connection: "sf"}}
	w.SetContent(planView(&engine.Plan{Counts: engine.Counts{Relinked: 2}}, def))
	want := "2 record(s) merged in one CRM: the link moves to the record they were merged into"
	if !screenContains(w, want) {
		t.Fatalf("%q not on screen: %q", want, textsOnScreen(w))
	}
	w.SetContent(planView(&engine.Plan{}, def))
	if screenContains(w, "merged in one CRM") {
		t.Fatalf("a plan that moves no link mentions merges: %q", textsOnScreen(w))
	}
}
