package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestRunProgressLinesClearOfBar: both sides write at once, so the
// run dialog shows two phase lines. The second line ("Writing (update
// a): 40 / 90") must not sit under the progress bar, where it cannot be
// read.
func TestRunProgressLinesClearOfBar(t *testing.T) {
	u := newTestUI(t, Deps{})
	shown, release, reported := make(chan struct{}), make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(release); u.pending.Wait() })
	u.runWithProgress("Sync demo", func(ctx context.Context, p func(engine.Progress)) (app.RunResult, error) {
		<-shown // the dialog is on screen, "Planning…", before progress comes
		p(engine.Progress{Phase: "create b", Done: 120, Total: 700})
		p(engine.Progress{Phase: "update a", Done: 40, Total: 90})
		close(reported)
		<-release
		return app.RunResult{}, context.Canceled
	}, nil)
	u.win.Canvas().Capture() // drawn once, as a person sees it open
	close(shown)
	<-reported
	var phase *widget.Label
	var bar *widget.ProgressBar
	// Walked as drawn, not laid out again: the check is what the screen shows.
	visibleObjects(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			if len(x.Text) > 8 && x.Text[:8] == "Writing " {
				phase = x
			}
		case *widget.ProgressBar:
			bar = x
		}
	})
	if phase == nil || bar == nil {
		t.Fatalf("no phase line or bar in the run dialog (%v, %v)", phase, bar)
	}
	d := fyne.CurrentApp().Driver()
	lp, bp := d.AbsolutePositionForObject(phase), d.AbsolutePositionForObject(bar)
	lineBottom, lineTop := lp.Y+phase.MinSize().Height, lp.Y
	if lineTop < bp.Y+bar.Size().Height && bp.Y < lineBottom {
		t.Errorf("the phase lines %q (y %.0f–%.0f) run under the progress bar (y %.0f–%.0f)",
			phase.Text, lineTop, lineBottom, bp.Y, bp.Y+bar.Size().Height)
	}
	if phase.Size().Height < phase.MinSize().Height {
		t.Errorf("the phase lines are cut: %.0f high of the %.0f they need", phase.Size().Height, phase.MinSize().Height)
	}
}

// TestProgressSaysPhasesInPreviewWords: the run dialog named its
// phases in the engine's words ("create b", "store"); the preview the
// person just read says "create in sf Contact", and "store" means nothing
// to them. A phase nothing names says "side B".
func TestProgressSaysPhasesInPreviewWords(t *testing.T) {
	where := map[string]string{"create b": "sf Contact"}
	for phase, want := range map[string]string{
		"create b": "Writing (create in sf Contact): 1 / 2",
		"update a": "Writing (update in side A): 1 / 2",
		"delete":   "Deleting: 1 / 2",
		"store":    "Recording what was written: 1 / 2",
	} {
		text, _, _ := progressText(map[string]engine.Progress{phase: {Phase: phase, Done: 1, Total: 2, Where: where[phase]}}, phase)
		if text != want {
			t.Errorf("phase %q reads %q, want %q", phase, text, want)
		}
	}
}
