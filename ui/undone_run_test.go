package ui

import (
	"context"
	"fmt"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
)

// TestUndoneRunSaysBy: a run already undone offers no second undo
// in History; its button says which run undid it. The Syncs card says
// what waits in the retry queue after a run that looks all well.
func TestUndoneRunSaysBy(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.connectSandbox()
	l.closeDialogs()
	def := app.DemoSync("undo-me", demoHubSpot, demoSalesforce)
	links := savedWithLinks(t, l, def)
	if len(links) < 2 {
		t.Fatalf("links: %d, want two", len(links))
	}
	if _, err := l.srv.HubSpot().Update("contacts", links[0].AID, map[string]string{"firstname": "Undone"}); err != nil {
		t.Fatal(err)
	}
	res, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	u1, err := l.a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenHistory)
	l.ui(func() { l.u.openRunDetail(res.Summary.RunID) })
	want := fmt.Sprintf("Already undone by run %d", u1.Summary.RunID)
	l.see(want)
	var b *widget.Button
	l.ui(func() { b = buttonOnScreen(l.u.Window(), want) })
	if b == nil || !b.Disabled() {
		t.Errorf("button %q: %v; want it shown and disabled", want, b)
	}

	// A record waiting out its back-off is on the card.
	l.srv.Salesforce().LockRow(links[1].BID, -1)
	if _, err := l.srv.HubSpot().Update("contacts", links[1].AID, map[string]string{"jobtitle": "Waits"}); err != nil {
		t.Fatal(err)
	}
	if r, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || r.Summary.Failed != 1 {
		t.Fatalf("run with the row locked: %v %+v", err, r.Summary)
	}
	l.srv.Salesforce().LockRow(links[1].BID, 0)
	if r, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || r.Summary.Status != "success" {
		t.Fatalf("run inside the back-off: %v %+v", err, r.Summary)
	}
	l.navigate(ScreenSyncs)
	l.see("1 failed record waits to be retried (next try about")
}
