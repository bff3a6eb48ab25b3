package ui

import (
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestEditorFiltersAndHeadingsNameCRMs: the editor's side cards
// name each side's CRM, but the filter buttons said "Add filter on A"
// and the mapping headings "Side A field (contacts)", leaving the person
// to work out which CRM is A. They name the CRM too, and follow a side
// whose connection is changed.
func TestEditorFiltersAndHeadingsNameCRMs(t *testing.T) {
	l := newLiveWith(t, 5, smallLaptop, nil)
	l.connectSandbox()
	l.closeDialogs()
	if err := l.a.SaveSync(t.Context(), app.DemoSync("contacts", demoHubSpot, demoSalesforce)); err != nil {
		t.Fatal(err)
	}
	v, err := l.a.Sync(t.Context(), "contacts")
	if err != nil {
		t.Fatal(err)
	}
	a, b := v.Definition.A.Name(), v.Definition.B.Name()
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.openEditor("contacts") })
	l.see("fields loaded")
	for _, name := range []string{a, b} {
		var found bool
		l.ui(func() { found = buttonOnScreen(l.u.Window(), "Add filter on "+name) != nil })
		if !found {
			var texts []string
			l.ui(func() { texts = textsOnScreen(l.u.Window()) })
			t.Errorf("no button \"Add filter on %s\"; texts: %.600q", name, texts)
		}
	}
	l.see(v.Definition.A.Connection + " " + v.Definition.A.Object + " field (A)")
	l.see(v.Definition.B.Connection + " " + v.Definition.B.Object + " field (B)")

	// Side B moves to Zoho: its button and heading follow.
	l.choose(demoZoho) // the last select offering it: side B's
	l.see("fields loaded")
	zoho := demoZoho + " " + l.u.vendorInfo("zoho").Contacts
	l.tap("Add filter on " + zoho)
	l.see("Only " + zoho + " where")
	l.see(zoho + " field (B)")
}
