package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestConfirmCoversOnlyThePreviewedPlan: a preview over the sync's
// limit asks to confirm 2 updates. Before Apply, 20 more contacts change
// in Salesforce. Confirming what the preview showed must not apply the 22
// updates nobody saw: either only the previewed ones are written, or the
// new plan is put to the person again.
func TestConfirmCoversOnlyThePreviewedPlan(t *testing.T) {
	ctx := context.Background()
	l := newLive(t)
	def := contactsSyncedOnce(t, l)
	def.Safety.MaxChanges = 1
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	links, err := contactsLinks(t, l)
	if err != nil || len(links) < 22 {
		t.Fatalf("links: %d %v", len(links), err)
	}
	sf, hs := l.srv.Salesforce(), l.srv.HubSpot()
	rename := func(from, to int) {
		time.Sleep(5 * time.Millisecond)
		for i := from; i < to; i++ {
			if _, err := sf.Update("Contact", links[i].BID, map[string]string{"FirstName": fmt.Sprintf("Renamed%02d", i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	renamedInHubSpot := func() int {
		n := 0
		for _, lk := range links {
			if c, _ := hs.Get("contacts", lk.AID); strings.HasPrefix(c.Properties["firstname"], "Renamed") {
				n++
			}
		}
		return n
	}
	rename(0, 2)
	l.ui(func() { l.u.openPreview("contacts") })
	l.see("Preview of contacts")
	l.see("above this sync's limit of 1")
	rename(2, 22) // after the preview, before Apply
	l.tap("Apply")
	l.see("would create or change 2 records")
	l.tap("Apply anyway")
	l.wait()
	if n := renamedInHubSpot(); n > 2 {
		var texts []string
		l.ui(func() { texts = textsOnScreen(l.u.Window()) })
		t.Fatalf("confirming a preview of 2 updates wrote %d renamed contacts to HubSpot; screen: %q", n, texts)
	}
	// The new plan is put to the person, with its own numbers.
	l.see("would create or change 22 records")
	l.tap("Apply anyway")
	l.wait()
	if n := renamedInHubSpot(); n != 22 {
		t.Errorf("after confirming the new plan, %d renamed contacts in HubSpot; want 22", n)
	}
}
