package app_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// pdGetPerson is the sandbox's counter of single-person reads.
const pdGetPerson = "GET /api/v2/persons/{id}"

// giveSecondaries gives person id a secondary email and phone beside its
// primary ones, as a salesperson adds in Pipedrive.
func giveSecondaries(t *testing.T, pd *pipedrive.Sim, id string) {
	t.Helper()
	n, _ := strconv.ParseInt(id, 10, 64)
	p, ok := pd.GetPerson(n)
	if !ok || len(p.Emails) == 0 {
		t.Fatalf("person %s: %+v", id, p)
	}
	if _, err := pd.UpdatePerson(n, map[string]any{
		"emails": []any{map[string]any{"value": p.Emails[0].Value, "primary": true, "label": "work"},
			map[string]any{"value": "home" + id + "@home.example", "primary": false, "label": "home"}},
		"phones": []any{map[string]any{"value": "+1 555 010 0000", "primary": true, "label": "work"},
			map[string]any{"value": "+1 555 019 9999", "primary": false, "label": "mobile"}},
	}); err != nil {
		t.Fatal(err)
	}
}

// checkSecondaries fails unless person id has email as its primary and
// kept the secondary email and phone giveSecondaries added.
func checkSecondaries(t *testing.T, pd *pipedrive.Sim, id, email string) {
	t.Helper()
	n, _ := strconv.ParseInt(id, 10, 64)
	p, _ := pd.GetPerson(n)
	has := func(list []pipedrive.Contact, value string, primary bool) bool {
		for _, c := range list {
			if c.Value == value && c.Primary == primary {
				return true
			}
		}
		return false
	}
	if !has(p.Emails, email, true) || !has(p.Emails, "home"+id+"@home.example", false) || !has(p.Phones, "+1 555 019 9999", false) || len(p.Emails) != 2 || len(p.Phones) != 2 {
		t.Errorf("person %s: emails %+v phones %+v; want %s primary and the secondary email and phone kept", id, p.Emails, p.Phones, email)
	}
}

// TestPipedrivePrimaryFromHubSpotSpendsNoGet: HubSpot contacts
// linked to Pipedrive persons that have a second email and phone get a
// new email and phone in HubSpot. A run that reads Pipedrive whole (a
// full resync) already holds every person's emails and phones, so its
// updates spend no GET per person; an incremental run reads at most one
// per update. Either way the secondary email and phone stay.
func TestPipedrivePrimaryFromHubSpotSpendsNoGet(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 41, 12)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	if err := a.SaveSync(ctx, app.DemoPipedriveSync("people", "hs", "pd", "")); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	links := syncLinks(t, a, "people")[:4]
	for _, l := range links {
		giveSecondaries(t, pd, l.BID)
	}
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the secondaries: %v %+v", err, res.Summary)
	}
	editInHubSpot := func(round int) {
		t.Helper()
		for i, l := range links {
			if _, err := hs.Update("contacts", l.AID, map[string]string{
				"email": fmt.Sprintf("new%d-%d@primary.example", round, i), "phone": fmt.Sprintf("+1555020%02d%02d", round, i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	runCountingGets := func(opts app.RunOptions) int64 {
		t.Helper()
		before := pdStat(srv, pdGetPerson)
		res, err := a.Run(ctx, "people", opts)
		if err != nil || res.Summary.Updated != len(links) {
			t.Fatalf("run: %v %+v, want %d updated", err, res.Summary, len(links))
		}
		return pdStat(srv, pdGetPerson) - before
	}

	editInHubSpot(1)
	if n := runCountingGets(app.RunOptions{Confirm: true, FullResync: true}); n != 0 {
		t.Errorf("a full resync that read every person spent %d %s calls on %d updates, want 0", n, pdGetPerson, len(links))
	}
	for i, l := range links {
		checkSecondaries(t, pd, l.BID, fmt.Sprintf("new1-%d@primary.example", i))
	}

	// An incremental run: it reads the persons our resync wrote again
	// (update_time is inclusive to the second), or reads each before its
	// update (the connector's tests count that case).
	editInHubSpot(2)
	if n := runCountingGets(app.RunOptions{Confirm: true}); n > int64(len(links)) {
		t.Errorf("an incremental run spent %d %s calls on %d updates, want at most one each", n, pdGetPerson, len(links))
	}
	for i, l := range links {
		checkSecondaries(t, pd, l.BID, fmt.Sprintf("new2-%d@primary.example", i))
	}
}

// pdStat is the Pipedrive sandbox's count of calls to one endpoint.
func pdStat(srv *sandbox.Server, endpoint string) int64 { return srv.Stats()["pipedrive"][endpoint] }
