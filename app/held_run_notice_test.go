package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestScheduledHeldRunNotesItsReview: a scheduled run held for
// confirmation notifies with its error ("people needs confirmation: …").
// Its plan put the cut-short create in Review, and History's held row
// counts it, so the notification must say so: the person opens the
// preview knowing those records already wait in Review.
func TestScheduledHeldRunNotesItsReview(t *testing.T) {
	ctx := context.Background()
	a, add := keylessKilledLimited(t, 8433, 1)
	v, err := a.Sync(ctx, "people")
	if err != nil {
		t.Fatal(err)
	}
	def := v.Definition
	def.Schedule = "every 6h"
	if err := a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		add(10 + i)
	}
	before := openReviewCount(t, a, "people")
	runErr := a.ScheduledRun(ctx, "people", schedule.TriggerSchedule)
	if !errors.Is(runErr, engine.ErrNeedsConfirmation) {
		t.Fatalf("the scheduled run was not held for confirmation: %v", runErr)
	}
	opened := openReviewCount(t, a, "people") - before
	if opened < 1 {
		t.Fatalf("the held run's plan put nothing in Review")
	}
	if want := fmt.Sprintf("%d already in Review", opened); !strings.Contains(runErr.Error(), want) {
		t.Errorf("the notification %q does not say %q", runErr, want)
	}
}
