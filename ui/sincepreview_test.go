package ui

import (
	"strings"
	"testing"
	"time"
)

// TestApplyTellsWhatChangedSincePreview: the preview shows one
// update (a first name renamed in Salesforce). Before Apply, that name is
// changed again in Salesforce and another contact's title is edited.
// Apply plans again and writes the newer values, as it should; but the
// person approved the preview's values, so the run's outcome must say the
// run differed from the preview, naming the record, the field and the
// value that was previewed and the one written.
func TestApplyTellsWhatChangedSincePreview(t *testing.T) {
	l := newLive(t)
	contactsSyncedOnce(t, l)
	links, err := contactsLinks(t, l)
	if err != nil || len(links) < 2 {
		t.Fatalf("links: %d %v", len(links), err)
	}
	sf, hs := l.srv.Salesforce(), l.srv.HubSpot()
	edit := func(id string, fields map[string]string) {
		time.Sleep(5 * time.Millisecond) // a later modified time than the last read
		if _, err := sf.Update("Contact", id, fields); err != nil {
			t.Fatal(err)
		}
	}
	edit(links[0].BID, map[string]string{"FirstName": "Previewed"})
	l.ui(func() { l.u.openPreview("contacts") })
	l.see("Preview of contacts")
	edit(links[0].BID, map[string]string{"FirstName": "Changed After"})
	edit(links[1].BID, map[string]string{"Title": "Unseen Title"})
	l.tap("Apply")
	l.wait()
	l.see("Run finished")
	if c, _ := hs.Get("contacts", links[0].AID); c.Properties["firstname"] != "Changed After" {
		t.Fatalf("apply wrote firstname %q; want the newer value", c.Properties["firstname"])
	}
	l.see("differs from the preview")
	l.see(`"Previewed"`)
	l.see(`"Changed After"`)
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	all := strings.Join(texts, "\n")
	for _, want := range []string{links[0].AID, "Unseen Title"} {
		if !strings.Contains(all, want) {
			t.Errorf("the outcome does not name %q; screen: %q", want, texts)
		}
	}
}
