package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestKilledRunKeepsUnsubscribeInAudit: a run carrying an opted-out
// contact's new email to HubSpot dies after HubSpot unsubscribed the new
// address. The recovered run's audit must still name the unsubscribe, or
// History and its undo miss it.
func TestKilledRunKeepsUnsubscribeInAudit(t *testing.T) {
	a, srv, out, res := killedOptOutEmailChange(t, "/unsubscribe-all")
	d, err := a.RunDetail(context.Background(), res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, r := range d.Audit {
		t.Logf("audit %s %s %q → %q (%s)", r.RecordID, r.Field, r.Old, r.New, r.Rule)
		audited = audited || r.RecordID == out.AID && strings.Contains(r.Field+r.New, "unsubscribe") && strings.Contains(r.Old+r.New, killedMoved)
	}
	if !audited {
		t.Errorf("the recovered run %d's audit does not hold the unsubscribe of %s", res.Summary.RunID, killedMoved)
	}
	if h, _ := srv.HubSpot().Get("contacts", out.AID); h.Properties["hs_email_optout"] != "true" {
		t.Errorf("HubSpot contact %s hs_email_optout %q after the recovery; want true", out.AID, h.Properties["hs_email_optout"])
	}
}

// TestKilledBeforeUnsubscribeKeepsOptOut: the run dies after
// HubSpot took the opted-out contact's new email and before the
// unsubscribe of it was sent. The runs after must leave the person opted
// out in both CRMs, and the audit claim no unsubscribe that was not made
// until one is.
func TestKilledBeforeUnsubscribeKeepsOptOut(t *testing.T) {
	a, srv, out, _ := killedOptOutEmailChange(t, "/contacts/batch/update")
	if _, err := a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("second run after: %v", err)
	}
	h, _ := srv.HubSpot().Get("contacts", out.AID)
	c, _ := srv.Salesforce().Get("Contact", out.BID)
	if h.Properties["email"] != killedMoved || h.Properties["hs_email_optout"] != "true" || c.Fields["HasOptedOutOfEmail"] != "true" {
		t.Errorf("after the recovery HubSpot %q optout %q, Salesforce optout %q; want %s opted out in both",
			h.Properties["email"], h.Properties["hs_email_optout"], c.Fields["HasOptedOutOfEmail"], killedMoved)
	}
}

const killedMoved = "moved.killed.optout@example.org"

// killedOptOutEmailChange carries an opted-out contact's new Salesforce
// email to HubSpot in a run killed once HubSpot acted on the call whose
// path ends in suffix, then runs once more; it returns the pair and the
// killed run.
func killedOptOutEmailChange(t *testing.T, suffix string) (*app.App, *sandbox.Server, store.LinkRow, app.RunResult) {
	t.Helper()
	a, srv, tr := lossyApp(t, 67, 80, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if first, err := a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true}); err != nil || first.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v", err, first.Summary)
	}
	var out store.LinkRow
	for _, l := range syncLinks(t, a, "contacts") {
		if h, _ := srv.HubSpot().Get("contacts", l.AID); h.Properties["hs_email_optout"] == "true" {
			out = l
			break
		}
	}
	if out.AID == "" {
		t.Fatal("no opted-out pair")
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := srv.Salesforce().Update("Contact", out.BID, map[string]string{"Email": killedMoved}); err != nil {
		t.Fatal(err)
	}
	ctx, kill := context.WithCancel(context.Background())
	defer kill()
	tr.kill = kill
	tr.arm(1, func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, suffix)
	})
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("killed run: %v %+v lost=%v", err, res.Summary, tr.lostCalls())
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("the run did not die at %s: %v", suffix, tr.lostCalls())
	}
	tr.kill = nil
	if r, err := a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("run after: %v", err)
	} else {
		t.Logf("run after: %+v warnings %q", r.Summary, r.Plan.Warnings)
	}
	return a, srv, out, res
}
