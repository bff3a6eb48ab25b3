package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestOptOutKeptWhenSalesforceChangesEmail: HubSpot ties an opt-out
// to the email address, so a contact whose email the sync changes would
// lose its opt-out; an opted-out person whose email changes in Salesforce
// stays opted out in both CRMs, and the runs after write nothing.
func TestOptOutKeptWhenSalesforceChangesEmail(t *testing.T) {
	ctx := context.Background()
	a, srv, out := optedOutPair(t)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	time.Sleep(1100 * time.Millisecond) // modified times have one-second resolution
	const moved = "moved.optout.audit@example.org"
	if _, err := sf.Update("Contact", out.BID, map[string]string{"Email": moved}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 || res.Summary.Failed != 0 {
		t.Fatalf("run after the email change: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	for i := 0; i < 2; i++ {
		again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil || again.Summary.Failed != 0 {
			t.Fatalf("run %d after: %v %+v\n%s", i+1, err, again.Summary, again.Plan.Summary())
		}
		if i == 1 && again.Summary.Created+again.Summary.Updated != 0 {
			t.Errorf("third run after the change wrote %+v; want nothing\n%s", again.Summary, again.Plan.Summary())
		}
	}
	h, _ := hs.Get("contacts", out.AID)
	c, _ := sf.Get("Contact", out.BID)
	if h.Properties["email"] != moved {
		t.Fatalf("HubSpot contact %s email %q, want %q", out.AID, h.Properties["email"], moved)
	}
	if h.Properties["hs_email_optout"] != "true" || c.Fields["HasOptedOutOfEmail"] != "true" {
		t.Errorf("after the email change: HubSpot hs_email_optout %q, Salesforce HasOptedOutOfEmail %q; want both true",
			h.Properties["hs_email_optout"], c.Fields["HasOptedOutOfEmail"])
	}
}

// optedOutPair connects both sandboxes, saves the demo contacts sync and
// runs it once, which must fail nothing; it returns a link whose HubSpot
// contact is opted out of email.
func optedOutPair(t *testing.T) (*app.App, *sandbox.Server, store.LinkRow) {
	t.Helper()
	a, srv := connectedSandbox(t, 67, 80)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if first, err := a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true}); err != nil || first.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	for _, l := range syncLinks(t, a, "contacts") {
		if h, _ := srv.HubSpot().Get("contacts", l.AID); h.Properties["hs_email_optout"] == "true" {
			return a, srv, l
		}
	}
	t.Fatal("no opted-out pair after the first run")
	return nil, nil, store.LinkRow{}
}
