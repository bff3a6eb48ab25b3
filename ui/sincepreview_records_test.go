package ui

import (
	"strings"
	"testing"
	"time"
)

// TestRunFinishedSaysLinkInsteadOfCreate: the preview shows a
// HubSpot contact copied to Salesforce as a new Contact; before Apply,
// someone enters her in Salesforce. The run links the two instead of
// creating: "Run finished" must say so, naming both records, and not
// call the difference a field change.
func TestRunFinishedSaysLinkInsteadOfCreate(t *testing.T) {
	l := newLive(t)
	contactsSyncedOnce(t, l)
	hs, sf := l.srv.HubSpot(), l.srv.Salesforce()
	time.Sleep(5 * time.Millisecond) // a later modified time than the last read
	twin, err := hs.Create("contacts", map[string]string{"email": "ui.twin@example.com", "firstname": "Ui", "lastname": "Twin"})
	if err != nil {
		t.Fatal(err)
	}
	l.ui(func() { l.u.openPreview("contacts") })
	l.see("Preview of contacts")
	time.Sleep(5 * time.Millisecond)
	made, err := sf.Create("Contact", map[string]string{"LastName": "Twin", "FirstName": "Ui", "Email": "ui.twin@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	l.tap("Apply")
	l.wait()
	l.see("Run finished")
	l.see("differs from the preview")
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	all := strings.Join(texts, " ") // a long line wraps into several texts
	if !strings.Contains(all, "linked with "+made.ID+" there instead") || !strings.Contains(all, twin.ID) {
		t.Errorf("the outcome does not say HubSpot %s was linked with Salesforce %s instead of created; screen: %q", twin.ID, made.ID, texts)
	}
	if strings.Contains(all, "field change") {
		t.Errorf("the outcome calls a link a field change; screen: %q", texts)
	}
}
