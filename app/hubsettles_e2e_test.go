package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestHubSettlesAfterOddEdits: HubSpot contacts are the hub of four
// contacts syncs (Salesforce, Zoho, Dynamics 365, Pipedrive). After they
// settle, people edit a linked person on several CRMs with the spacing,
// case and phone formats people type. Every sync must settle again within
// three passes (README: "the third pass writes nothing").
func TestHubSettlesAfterOddEdits(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	ctx := context.Background()
	a, srv := connectedSandbox(t, 79, 20)
	for _, v := range [][2]string{{"zoho", "zh"}, {"dynamics", "dv"}, {"pipedrive", "pd"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	names := []string{"sf-contacts", "zh-contacts", "dv-contacts", "pd-contacts"}
	saveSyncs(t, a, app.DemoSync(names[0], "hs", "sf"), app.DemoZohoSync(names[1], "hs", "zh"),
		app.DemoDynamicsSync(names[2], "hs", "dv", ""), app.DemoPipedriveSync(names[3], "hs", "pd", ""))
	settleSyncs(t, a, names, "first sync")
	// A HubSpot contact linked in all four syncs.
	hub, sets := linkedInAll(t, a, names)
	h, _ := srv.HubSpot().Get("contacts", hub)
	if _, err := srv.HubSpot().Update("contacts", hub, map[string]string{"firstname": "  Zoë  ", "lastname": "o'Neil ", "phone": "+1 415-555-0100",
		"email": strings.ToUpper(h.Properties["email"])}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Salesforce().Update("Contact", sets[0][hub].BID, map[string]string{"Title": "VP Sales "}); err != nil {
		t.Fatal(err)
	}
	settleSyncs(t, a, names, "after odd edits")
}

// settleSyncs runs the syncs names in turn, pass after pass, until a pass
// writes nothing, which the third pass must.
func settleSyncs(t *testing.T, a *app.App, names []string, what string) {
	t.Helper()
	for pass := 1; pass <= 4; pass++ {
		written := map[string]int{}
		for _, n := range names {
			res, err := a.Run(context.Background(), n, app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("%s pass %d %s: %v", what, pass, n, err)
			}
			if w := res.Summary.Created + res.Summary.Updated + res.Summary.Deleted; w > 0 {
				written[n] = w
				if pass >= 2 {
					t.Logf("%s pass %d %s plan:\n%s", what, pass, n, res.Plan.Summary())
				}
			}
		}
		t.Logf("%s pass %d wrote %v", what, pass, written)
		if len(written) == 0 {
			return
		}
		if pass == 3 {
			t.Errorf("%s: the third pass still wrote %v", what, written)
		}
	}
}

// linkedInAll is a HubSpot record (side A) every sync of names links, and
// each sync's links by their A id.
func linkedInAll(t *testing.T, a *app.App, names []string) (string, []map[string]store.LinkRow) {
	t.Helper()
	sets := make([]map[string]store.LinkRow, len(names))
	for i, n := range names {
		sets[i] = map[string]store.LinkRow{}
		for _, l := range syncLinks(t, a, n) {
			sets[i][l.AID] = l
		}
	}
	for id := range sets[0] {
		if !slices.ContainsFunc(sets[1:], func(set map[string]store.LinkRow) bool { _, ok := set[id]; return !ok }) {
			return id, sets
		}
	}
	t.Fatalf("no HubSpot record is linked in all of %v", names)
	return "", nil
}
