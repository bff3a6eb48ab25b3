package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestDecidedCreateAfterMatchAppeared: a HubSpot contact waits in
// review as unmatched (no Salesforce Contact has its email). A colleague
// then enters the person in Salesforce (the email typed in another case),
// and the reviewer, who saw no match, decides "create". The next run must
// not create a second Salesforce Contact beside the one now there.
func TestDecidedCreateAfterMatchAppeared(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 841, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if _, err := hs.Create("contacts", map[string]string{"email": "dana@decided-audit.io", "firstname": "Dana", "lastname": "Decided"}); err != nil {
		t.Fatal(err)
	}
	def := app.DemoSync("contacts", "hs", "sf")
	def.Unmatched = engine.UnmatchedReview
	saveSyncs(t, a, def)
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Review != 1 {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	items, err := a.Reviews(ctx, "contacts", "unmatched", "open")
	if err != nil || len(items) != 1 {
		t.Fatalf("unmatched items: %v %d", err, len(items))
	}
	time.Sleep(1100 * time.Millisecond)
	typed, err := sf.Create("Contact", map[string]string{"Email": "Dana@Decided-Audit.io", "FirstName": "Dana", "LastName": "Decided"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Decide(ctx, items[0].ID, engine.Decision{Action: "create"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("run with the decision: %v %+v", err, res.Summary)
	if err != nil {
		t.Fatal(err)
	}
	var same []string
	for _, r := range sf.Records("Contact") {
		if strings.EqualFold(strings.TrimSpace(r.Fields["Email"]), "dana@decided-audit.io") {
			same = append(same, r.ID)
		}
	}
	if len(same) != 1 {
		t.Errorf("Salesforce holds %d Contacts with dana@decided-audit.io (%v); want only %s, the one a colleague entered", len(same), same, typed.ID)
	}
	links := syncLinks(t, a, "contacts")
	if len(links) != 1 || links[0].BID != typed.ID {
		t.Errorf("links %+v; want the HubSpot contact linked to %s", links, typed.ID)
	}
}
