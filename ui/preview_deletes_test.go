package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

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
	want := "2 records merged in one CRM: the link moves to the record merged into"
	if !screenContains(w, want) {
		t.Fatalf("%q not on screen: %q", want, textsOnScreen(w))
	}
	w.SetContent(planView(&engine.Plan{}, def))
	if screenContains(w, "merged in one CRM") {
		t.Fatalf("a plan that moves no link mentions merges: %q", textsOnScreen(w))
	}
}

// TestPreviewRecordsKeepRoomUnderNotes: a first run's preview carries
// many notes (a confirmation, held deletes, waiting references, opt-outs,
// warnings); on a laptop's window they must not squeeze the list of
// records, which is what a preview is for, to a row or two.
func TestPreviewRecordsKeepRoomUnderNotes(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("preview")
	defer w.Close()
	def := engine.Definition{Name: "contacts", A: engine.SideDef{Connection: "hs"}, B: engine.SideDef{Connection: "sf"}}
	def.Safety.PropagateDeletes = true
	p := &engine.Plan{NeedsConfirmation: true, Reason: "would create or change 182 records on side A, above the limit of 50",
		Counts:    engine.Counts{HeldDelete: 3, WaitingLink: 262, OptOut: 2, CreateA: 40},
		WaitingOn: []string{"companies"},
		Warnings: []string{"Contact owner: Hedy Lamarr <hedy@example.com> has no user with the same email in Owner ID; what they own keeps the owner it has there",
			"Owner ID: Sandbox Admin <admin@example.com>, Integration User <integration@example.com> have no user with the same email in Contact owner; what they own keeps the owner it has there",
			"a third warning long enough to wrap onto a second line of the window at this width, as the owners' warnings do"}}
	for i := range 40 {
		p.Creates = append(p.Creates, engine.Write{Side: "a", Source: fmt.Sprintf("00%d", i)})
	}
	w.SetContent(planView(p, def))
	w.Resize(fyne.NewSize(900, 660)) // the preview's share of a 1100×720 window
	var list *widget.List
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		if l, ok := o.(*widget.List); ok {
			list = l
		}
	}
	if list == nil {
		t.Fatal("no list of records in the preview")
	}
	if h := list.Size().Height; h < 250 {
		t.Fatalf("the list of records is %.0f px high in a 660 px preview: the notes above it take the rest", h)
	}
}
