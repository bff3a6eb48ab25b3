//go:build ci

package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/container"

	"github.com/crmsync/crmsync/app"
)

// TestUndoPreviewOfOlderRunSaysNewerValueKept: run 1 copies a first
// name to Salesforce, run 2 a newer one. The preview of run 1's undo must
// say the field holds run 2's value and will not be overwritten without a
// decision, and undoing from it must keep run 2's value.
func TestUndoPreviewOfOlderRunSaysNewerValueKept(t *testing.T) {
	ctx := context.Background()
	l := newLive(t)
	contactsSyncedOnce(t, l)
	links, err := contactsLinks(t, l)
	if err != nil || len(links) == 0 {
		t.Fatalf("links: %v %d", err, len(links))
	}
	lk := links[0]
	hs, sf := l.srv.HubSpot(), l.srv.Salesforce()
	var run1 int64
	for i, name := range []string{"Bartholomew", "Cornelius"} {
		time.Sleep(5 * time.Millisecond)
		if _, err := hs.Update("contacts", lk.AID, map[string]string{"firstname": name}); err != nil {
			t.Fatal(err)
		}
		res, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Updated != 1 {
			t.Fatalf("run %d: %v %+v", i+1, err, res.Summary)
		}
		if i == 0 {
			run1 = res.Summary.RunID
		}
	}
	l.ui(func() { l.u.openUndoPreview(run1, "contacts") })
	l.see(fmt.Sprintf("Undo run %d of contacts", run1)) // the title names the sync
	l.see("to review")
	l.ui(func() {
		tabs := firstOf[*container.AppTabs](l.u.Window())
		for i, it := range tabs.Items {
			if strings.HasPrefix(it.Text, "Review (") {
				tabs.SelectIndex(i)
			}
		}
	})
	l.see(`now holds "Cornelius"`)
	l.tap("Undo this run")
	l.wait()
	if got, _ := sf.Get("Contact", lk.BID); got.Fields["FirstName"] != "Cornelius" {
		t.Errorf("undoing run %d from its preview overwrote run 2's FirstName: %q", run1, got.Fields["FirstName"])
	}
}
