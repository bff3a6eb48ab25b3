package app_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// runOutcome is a run's error and its failures as one text, as a user reads
// them (the returned error, the stop, every failed record's message).
func runOutcome(res app.RunResult, err error) string {
	var b strings.Builder
	if err != nil {
		b.WriteString(err.Error() + "\n")
	}
	if res.Summary != nil && res.Summary.Stopped != nil {
		b.WriteString(res.Summary.Stopped.Error() + "\n")
	}
	for _, g := range res.Failures {
		fmt.Fprintf(&b, "%d× %s\n", g.Count, g.Message)
	}
	return b.String()
}

// TestMailchimpDeletedAudienceNotSwitched: a sync set up with the
// account's audience keeps that audience. When it is deleted in Mailchimp,
// the next runs fail naming it (name and id) and telling the user to choose
// another, and never create the HubSpot contacts as members of the
// account's other audience, the oldest left, even after a reconnect to the
// same account.
func TestMailchimpDeletedAudienceNotSwitched(t *testing.T) {
	ctx := context.Background()
	a, srv, used, other := mailchimpTwoAudiences(t, 61, 20)
	mc := srv.Mailchimp()
	if n := mc.Count(other); n != 0 {
		t.Fatalf("the first run put %d members in the other audience", n)
	}
	name := audienceName(t, a, used)
	if err := mc.DeleteList(used); err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // a later session must not pick the other audience either
		if i == 2 {
			// Signing in again to the same account keeps the audience too.
			if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc"); err != nil {
				t.Fatalf("reconnect mailchimp: %v", err)
			}
		}
		// A new contact each time: a sync that switched audience creates it there.
		if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": fmt.Sprintf("new%d@northwind-traders.com", i), "firstname": "New"}); err != nil {
			t.Fatal(err)
		}
		res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
		if n := mc.Count(other); n != 0 {
			t.Fatalf("run %d after the delete created %d members in audience %q (%s)", i+1, n, "Partners", other)
		}
		text := runOutcome(res, err)
		t.Logf("run %d after the delete: %s", i+1, text)
		if err == nil && (res.Summary == nil || res.Summary.Status == "success") {
			t.Fatalf("run %d after the delete succeeded: %+v", i+1, res.Summary)
		}
		for _, want := range []string{used, name, "choose another audience"} {
			if !strings.Contains(text, want) {
				t.Errorf("run %d: the error does not name %q:\n%s", i+1, want, text)
			}
		}
	}
}

// plainMailchimpSync is the demo HubSpot ↔ Mailchimp sync without its
// buying-role group, whose fields only the demo audience has: a sync any
// audience of the account could take.
func plainMailchimpSync(name string) engine.Definition {
	def := app.DemoMailchimpSync(name, "hs", "mc")
	def.Fields = slices.DeleteFunc(def.Fields, func(f mapping.Field) bool { return strings.HasPrefix(f.B, "interests:") })
	return def
}

// audienceName is the name of audience id as the connection lists it.
func audienceName(t *testing.T, a *app.App, id string) string {
	t.Helper()
	choices, err := a.ObjectChoices(context.Background(), "mc")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range choices {
		if c.Name == "members" || c.Name == "members:"+id {
			if i, j := strings.Index(c.Label, `"`), strings.LastIndex(c.Label, `"`); i >= 0 && j > i {
				return c.Label[i+1 : j]
			}
		}
	}
	t.Fatalf("no audience %s among %+v", id, choices)
	return ""
}

// TestPipedriveRetiredEndpointOneCall: when Pipedrive answers that the
// person update endpoint is retired, the run stops writing persons at that
// first answer instead of spending one call per edited record on the same
// refusal; its error names the endpoint with Pipedrive's words and how many
// records were not written, and once the endpoint answers again the next
// run writes every edit (nothing was lost).
func TestPipedriveRetiredEndpointOneCall(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 43, 12, "pipedrive", "pd", app.DemoPipedriveSync("s", "hs", "pd", ""))
	pd, hs := srv.Pipedrive(), srv.HubSpot()
	links := syncLinks(t, a, "s")
	const edits = 6
	if len(links) < edits {
		t.Fatalf("%d links, want at least %d", len(links), edits)
	}
	time.Sleep(5 * time.Millisecond)
	for i, l := range links[:edits] {
		if _, err := hs.Update("contacts", l.AID, map[string]string{"firstname": fmt.Sprintf("Edited%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	const ep, msg = "PATCH /api/v2/persons/{id}", "This endpoint is deprecated and out of support. Use the API v2 endpoint instead."
	pd.Faults().RefuseEndpoint(ep, simkit.Refusal{Status: http.StatusGone, Message: msg})
	before := pd.Stats()[ep]
	res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
	calls := pd.Stats()[ep] - before
	t.Logf("calls to %s while refused: %d for %d edited records", ep, calls, edits)
	if calls != 1 {
		t.Errorf("the run sent %d calls to the retired endpoint for %d records, want 1", calls, edits)
	}
	if err == nil && res.Summary.Status == "success" {
		t.Fatalf("run %+v: want it to fail on the retired endpoint", res.Summary)
	}
	text := runOutcome(res, err) + res.Summary.Message
	t.Logf("run outcome: %s", text)
	for _, want := range []string{ep, msg, fmt.Sprintf("%d records", edits)} {
		if !strings.Contains(text, want) {
			t.Errorf("the run's error does not say %q:\n%s", want, text)
		}
	}
	pd.Faults().RefuseEndpoint(ep, simkit.Refusal{})
	again, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Status != "success" {
		t.Fatalf("run once the endpoint answers: %+v %v\n%s", again.Summary, err, again.Plan.Summary())
	}
	for i, l := range links[:edits] {
		id, err := strconv.ParseInt(l.BID, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if p, ok := pd.GetPerson(id); !ok || p.FirstName != fmt.Sprintf("Edited%d", i) {
			t.Errorf("person %s after the endpoint answers again: %+v, want first name Edited%d", l.BID, p, i)
		}
	}
}

// mailchimpTwoAudiences connects Mailchimp to a sandbox app (seed,
// contacts), adds a second audience, "Partners", and runs the plain
// HubSpot ↔ Mailchimp sync "audience" once; it returns the app, the
// sandbox, the audience the sync used and the other one.
func mailchimpTwoAudiences(t *testing.T, seed int64, contacts int) (a *app.App, srv *sandbox.Server, used, other string) {
	t.Helper()
	ctx := context.Background()
	a, srv = connectedSandbox(t, seed, contacts)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc"); err != nil {
		t.Fatalf("connect mailchimp: %v", err)
	}
	used = srv.Mailchimp().DefaultListID()
	other = srv.Mailchimp().CreateList("Partners")
	saveSyncs(t, a, plainMailchimpSync("audience"))
	if first, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true}); err != nil || first.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, first.Summary)
	}
	return a, srv, used, other
}
