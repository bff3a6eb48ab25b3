package ui

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestReviewCreateOverRecordSaysWhy: on the Review screen, Create
// on a Salesforce Contact sharing the email of a HubSpot contact linked to
// another Contact would write over that contact (HubSpot keeps one per
// email): the screen says so, naming it, and the item stays open.
func TestReviewCreateOverRecordSaysWhy(t *testing.T) {
	ctx := context.Background()
	l := newLiveContacts(t, 0)
	l.connectSandbox()
	l.closeDialogs()
	def := app.DemoSync("createover", demoHubSpot, demoSalesforce)
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	hs, sf := l.srv.HubSpot(), l.srv.Salesforce()
	ann, err := hs.Create("contacts", map[string]string{"email": "ann@over.example", "firstname": "Ann", "lastname": "Original"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Create("Contact", map[string]string{"Email": "ann@over.example", "FirstName": "Ann", "LastName": "Original"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	bob, err := sf.Create("Contact", map[string]string{"Email": "ann@over.example", "FirstName": "Bob", "LastName": "Intruder"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenReview)
	l.see("record " + bob.ID)
	l.tap("Create (C)")
	l.wait()
	l.see("already has record " + ann.ID)
	l.see("write over it")
	open, err := l.a.Reviews(ctx, def.Name, "", "open")
	if err != nil || len(open) != 1 || open[0].RecordID != bob.ID {
		t.Fatalf("open items after a refused Create: %+v %v", open, err)
	}
}
