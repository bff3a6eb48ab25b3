package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/schedule"
)

// TestCardLastRunInWords: a run held at the safety limits is stored
// as needs_confirmation; the card's "Last run" line tells it in words a
// person reads, as the health beside the name does, not the stored word.
func TestCardLastRunInWords(t *testing.T) {
	l := liveWithSyncOverItsLimits(t)
	ctx := context.Background()
	if err := l.a.ScheduledRun(ctx, "bg", schedule.TriggerSchedule); err == nil {
		t.Fatal("the first run of the ready-made sync was not held for confirmation")
	}
	runs, err := l.a.Runs(ctx, "bg", 1)
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs of bg: %v %v", runs, err)
	}
	stored := runs[0].Run.Status
	line, texts := lastRunLine(l)
	if line == "" || strings.Contains(line, stored) || !strings.Contains(line, heldWords) {
		t.Errorf("the card's last run reads %q for a run stored as %q; want %q, not the stored word (screen: %q)", line, stored, heldWords, texts)
	}
}

// lastRunLine shows the Syncs screen and returns the card's "Last run: …"
// line with every text on screen.
func lastRunLine(l *live) (string, []string) {
	l.navigate(ScreenSyncs)
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	line := ""
	for _, s := range texts {
		if strings.HasPrefix(s, "Last run: ") {
			line = s
		}
	}
	return line, texts
}
