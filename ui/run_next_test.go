package ui

import (
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestRunFinishedOpensReview: a run that sends records to review says so
// when it finishes and takes the person there, rather than leave them to
// find the screen.
func TestRunFinishedOpensReview(t *testing.T) {
	l := newLive(t)
	l.connectSandbox()
	l.tap("Create the " + itoa(len(app.DemoSyncs(demoConnections))) + " syncs")
	l.see("Preview of " + demoSyncName)
	l.tap("Apply")
	var confirm bool
	l.ui(func() { confirm = buttonOnScreen(l.u.Window(), "Apply anyway") != nil })
	if confirm {
		l.tap("Apply anyway")
	}
	l.see("Open Review to decide the records that need a person.")
	l.tap("Open Review")
	l.see("Keys: L link")
	l.see("ambiguous · " + demoSyncName)
}
