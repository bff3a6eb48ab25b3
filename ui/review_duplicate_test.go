package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// reviewDuplicateFor runs a one-way HubSpot → Salesforce contacts sync
// over the sandbox, then activates rule on Salesforce Contacts and makes
// a new HubSpot contact that it takes for a Contact's duplicate; a second
// run holds it, and the Review screen shows duplicate items.
func reviewDuplicateFor(t *testing.T, rule salesforce.DuplicateRule) (l *live, sfID string) {
	t.Helper()
	l = newLive(t)
	ctx := context.Background()
	l.connectSandbox()
	l.closeDialogs()
	def := app.DemoSync("dups", demoHubSpot, demoSalesforce)
	def.Direction = mapping.AtoB
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	sf := l.srv.Salesforce()
	if err := sf.AddDuplicateRule("Contact", rule); err != nil {
		t.Fatal(err)
	}
	dana, err := sf.Create("Contact", map[string]string{"FirstName": "Dana", "LastName": "Whit", "Phone": "+14155550142", "Email": "dana@whit-old.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.srv.HubSpot().Create("contacts", map[string]string{"firstname": "Dana", "lastname": "Whit", "phone": "+1 415 555 0142", "email": "dana@whit-new.example"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenReview)
	l.see("Review")
	l.choose("duplicate")
	l.see(rule.Name)
	return l, dana.ID
}

// TestReviewDuplicateOffersCreateAnyway: a create Salesforce's alerting
// duplicate rule refused shows the Contact it matched, by the rule's
// name, and offers Create anyway, which decides the item.
func TestReviewDuplicateOffersCreateAnyway(t *testing.T) {
	l, sfID := reviewDuplicateFor(t, salesforce.StandardContactDuplicateRule())
	_, nameB := sideNamesOf(t, l, "dups")
	l.see(nameB + " " + sfID + " — duplicate rule Standard_Contact")
	l.see("Link first")
	l.tap("Create anyway (C)")
	l.wait()
	decided, err := l.a.Reviews(context.Background(), "dups", "duplicate", "decided")
	if err != nil || len(decided) != 1 || decided[0].Decision != `{"action":"create"}` {
		t.Fatalf("decided duplicate items after Create anyway: %+v %v", decided, err)
	}
}

// TestReviewDuplicateBlockedHasNoCreate: a rule that blocks cannot be
// overridden, so its item offers no Create: no button, the C key says
// what does work, and the bulk Create passes it by.
func TestReviewDuplicateBlockedHasNoCreate(t *testing.T) {
	rule := salesforce.StandardContactDuplicateRule()
	rule.Name, rule.Block = "Block_Contact_Duplicates", true
	l, _ := reviewDuplicateFor(t, rule)
	l.see("the rule blocks duplicates")
	l.see("Link first")
	l.ui(func() {
		if screenContains(l.u.Window(), "Create anyway") {
			t.Fatal("a blocked duplicate offers Create anyway")
		}
		test.TypeOnCanvas(l.u.Window().Canvas(), "c")
	})
	l.see("duplicate items cannot be decided with C; use link, skip.")
	l.tap("Select all")
	l.tap("Create")
	l.wait()
	if open, err := l.a.Reviews(context.Background(), "dups", "duplicate", "open"); err != nil || len(open) != 1 {
		t.Fatalf("open duplicate items after C and a bulk Create: %+v %v", open, err)
	}
}

// TestReviewBulkCreateAsksBeforeDuplicates: a bulk Create over checked
// items that include a duplicate a rule alerted on is "create anyway" for
// it, so it asks first, naming the rule; Cancel decides nothing.
func TestReviewBulkCreateAsksBeforeDuplicates(t *testing.T) {
	l, _ := reviewDuplicateFor(t, salesforce.StandardContactDuplicateRule())
	ctx := context.Background()
	l.tap("Select all")
	l.tap("Create")
	l.see("Create likely duplicates?")
	l.see("The other CRM's duplicate rules (Standard_Contact_Duplicate_Rule) refused the 1 item checked")
	l.tap("Cancel")
	if open, err := l.a.Reviews(ctx, "dups", "duplicate", "open"); err != nil || len(open) != 1 {
		t.Fatalf("open duplicate items after a cancelled bulk Create: %+v %v", open, err)
	}
	l.tap("Create")
	l.tap("Create all 1")
	l.wait()
	decided, err := l.a.Reviews(ctx, "dups", "duplicate", "decided")
	if err != nil || len(decided) != 1 || decided[0].Decision != `{"action":"create"}` {
		t.Fatalf("decided duplicate items after a confirmed bulk Create: %+v %v", decided, err)
	}
}

// TestReviewSameCRMLookAlikeIsNoLink: two Salesforce Contacts share an
// email no HubSpot contact has, so each waits in review as ambiguous with
// the other as its candidate. A record links only with one in the other
// CRM: the look-alike gets no Link button, there is no "Link first", and
// the L key says what works instead of an engine error.
func TestReviewSameCRMLookAlikeIsNoLink(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	sf := l.srv.Salesforce()
	for range 2 {
		if _, err := sf.Create("Contact", map[string]string{"FirstName": "Ola", "LastName": "Twin", "Email": "ola.twin@look-alike.example"}); err != nil {
			t.Fatal(err)
		}
	}
	def := app.DemoSync("twins", demoHubSpot, demoSalesforce)
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenReview)
	l.choose("ambiguous")
	_, nameB := sideNamesOf(t, l, "twins")
	l.see("other records in " + nameB + " share email/Email")
	l.see("A record in the same CRM cannot be linked with this one: merge the look-alikes there, or create or skip this one.")
	l.ui(func() {
		if b := buttonOnScreen(l.u.Window(), "Link first (L)"); b != nil {
			t.Error("Link first is offered with a record in the same CRM")
		}
		if b := buttonOnScreen(l.u.Window(), "Link"); b != nil {
			t.Error("a Link button is offered for a record in the same CRM")
		}
		test.TypeOnCanvas(l.u.Window().Canvas(), "l")
	})
	l.see("No record in the other CRM to link " + nameB + " record")
	if open, err := l.a.Reviews(ctx, "twins", "ambiguous", "open"); err != nil || len(open) < 2 {
		t.Fatalf("open ambiguous items after L: %+v %v", open, err)
	}
}
