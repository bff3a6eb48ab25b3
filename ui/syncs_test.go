package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
)

// syncNamesIn lists the sync names of the cards in a section, in order:
// each card's bold heading.
func syncNamesIn(o fyne.CanvasObject) []string {
	var names []string
	for _, c := range test.LaidOutObjects(o) {
		if l, ok := c.(*widget.Label); ok && l.TextStyle.Bold && strings.HasPrefix(l.Text, "demo") {
			names = append(names, l.Text)
		}
	}
	return names
}

// TestSyncsGroupedByConnections: the Syncs screen puts the 32 ready-made
// syncs in one section per pair of connections, each in the order Sync
// all runs them, narrows them with the filter, and keeps a section the
// user closed closed when the list is loaded again.
func TestSyncsGroupedByConnections(t *testing.T) {
	l := newLive(t)
	l.createDemoSyncs()
	l.closeDialogs()
	l.navigate(ScreenSyncs)
	var titles []string
	var salesforce []string
	l.ui(func() {
		acc := firstOf[*widget.Accordion](l.u.Window())
		if acc == nil {
			t.Fatalf("no sections on the Syncs screen: %q", textsOnScreen(l.u.Window()))
		}
		for _, item := range acc.Items {
			titles = append(titles, item.Title)
			if strings.Contains(item.Title, demoSalesforce) {
				salesforce = syncNamesIn(item.Detail)
			}
		}
	})
	want := []string{
		demoHubSpot + " ←→ brevo-sandbox  ·  1 sync",
		demoHubSpot + " ←→ dynamics-sandbox  ·  7 syncs",
		demoHubSpot + " ←→ klaviyo-sandbox  ·  1 sync",
		demoHubSpot + " ←→ mailchimp-sandbox  ·  1 sync",
		demoHubSpot + " ←→ pipedrive-sandbox  ·  7 syncs",
		demoHubSpot + " ←→ " + demoSalesforce + "  ·  8 syncs",
		demoHubSpot + " ←→ zoho-sandbox  ·  7 syncs",
	}
	if !slices.Equal(titles, want) {
		t.Fatalf("sections:\n%q\nwant\n%q", titles, want)
	}
	// Companies before the contacts and deals that link through them,
	// contacts before the leads and activities that need them.
	at := func(name string) int {
		i := slices.Index(salesforce, name)
		if i < 0 {
			t.Fatalf("%s not in the Salesforce section %q", name, salesforce)
		}
		return i
	}
	if len(salesforce) != 8 || at(demoCompanies) != 0 || at(demoSyncName) > at("demo-leads") ||
		at(demoSyncName) > at("demo-tasks") || at(demoSyncName) > at("demo-notes") || at(demoCompanies) > at(demoDeals) {
		t.Errorf("the Salesforce section's order: %q", salesforce)
	}

	// The filter keeps the syncs whose name, object or connection has it.
	var filter *widget.Entry
	l.ui(func() { filter = firstOf[*widget.Entry](l.u.Window()) })
	l.ui(func() { filter.SetText("Lead") })
	l.ui(func() {
		acc := firstOf[*widget.Accordion](l.u.Window())
		var got, cards []string
		for _, item := range acc.Items {
			got = append(got, item.Title)
			cards = append(cards, syncNamesIn(item.Detail)...)
		}
		if want := []string{demoHubSpot + " ←→ " + demoSalesforce + "  ·  1 of 8 syncs"}; !slices.Equal(got, want) {
			t.Fatalf("filtered by \"Lead\": sections %q, want %q", got, want)
		}
		if want := []string{app.DemoLeadsName}; !slices.Equal(cards, want) {
			t.Errorf("filtered by \"Lead\": cards %q, want %q", cards, want)
		}
	})
	l.ui(func() { filter.SetText("no such sync") })
	l.see(`No sync's name, object or connection contains "no such sync".`)
	l.ui(func() { filter.SetText("") })

	// A closed section stays closed when the screen is loaded again.
	l.ui(func() {
		acc := firstOf[*widget.Accordion](l.u.Window())
		acc.Close(1) // Dynamics 365
	})
	l.navigate(ScreenHistory)
	l.navigate(ScreenSyncs)
	l.ui(func() {
		acc := firstOf[*widget.Accordion](l.u.Window())
		if acc == nil || len(acc.Items) != 7 {
			t.Fatalf("sections after reloading: %q", textsOnScreen(l.u.Window()))
		}
		for i, item := range acc.Items {
			if item.Open == (i == 1) {
				t.Errorf("section %q open = %v after reloading, want only Dynamics 365's closed", item.Title, item.Open)
			}
		}
		if f := firstOf[*widget.Entry](l.u.Window()); f == nil || f.Text != "" {
			t.Errorf("the filter after reloading: %v", f)
		}
	})
}

// TestWaitLines: a card says how many references wait for which sync, one
// line for syncs waited for by the same references ("link:a,b").
func TestWaitLines(t *testing.T) {
	got := waitLines(map[string]int{"demo-companies": 40, "demo-contacts": 2, "demo-leads": 2})
	want := []string{
		`2 references wait for sync "demo-contacts" or "demo-leads" to link their records; the next run after one of them does writes them.`,
		`40 references wait for sync "demo-companies" to link their records; the next run after it does writes them.`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("waitLines:\n%q\nwant\n%q", got, want)
	}
}
