package engine

import (
	"context"
	"testing"
	"time"
)

// TestAtOnceRaisesPanicAndStopsTheOther: a panic on one side (a crash in
// the simulation) cancels the other side, which stops, and is raised on
// the caller's goroutine once both are done.
func TestAtOnceRaisesPanicAndStopsTheOther(t *testing.T) {
	for _, gPanics := range []bool{true, false} {
		ctx, cancel := context.WithCancel(context.Background())
		otherStopped := false
		wait := func() {
			select {
			case <-ctx.Done():
				otherStopped = true
			case <-time.After(10 * time.Second): // a guard against hanging, not a measure
			}
		}
		boom := func() { panic("boom") }
		got := func() (r any) {
			defer func() { r = recover() }()
			if gPanics {
				atOnce(cancel, wait, boom)
			} else {
				atOnce(cancel, boom, wait)
			}
			return nil
		}()
		if got != "boom" || !otherStopped {
			t.Errorf("panic on g=%v: recovered %v, other side stopped %v", gPanics, got, otherStopped)
		}
		cancel()
	}
}
