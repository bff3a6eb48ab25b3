package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
)

// connStatus is the status and detail the Connections screen shows for conn.
func connStatus(t *testing.T, a *app.App, conn string) (string, string) {
	t.Helper()
	conns, err := a.Connections(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		if c.Name == conn {
			return c.Status, c.StatusDetail
		}
	}
	t.Fatalf("no connection %s", conn)
	return "", ""
}

// TestPipedriveAccountNotOpenIsNotReconnect: Pipedrive answers 402
// when the company account is not open (trial expired, no payment). The
// run stops naming Pipedrive's words, no connection is sent to reconnect
// (it cannot help), Pipedrive's is marked as the account's problem, and
// once the owner pays the next run succeeds with the same sign-in and
// carries the contact made meanwhile.
func TestPipedriveAccountNotOpenIsNotReconnect(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 9401, 6, "pipedrive", "pd", app.DemoPipedriveSync("pd", "hs", "pd", ""))
	pd := srv.Pipedrive()
	if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": "unpaid@example.com", "firstname": "Una", "lastname": "Paid"}); err != nil {
		t.Fatal(err)
	}
	pd.SetAccountClosed(true)
	_, err := a.Run(ctx, "pd", app.RunOptions{Confirm: true})
	if err == nil || !strings.Contains(err.Error(), "Company account is not open") {
		t.Fatalf("run against a closed Pipedrive account: %v; want Pipedrive's message", err)
	}
	if !errors.Is(err, connector.ErrAccount) || errors.Is(err, connector.ErrAuth) {
		t.Errorf("run error %v: category %s; want account, not auth", err, connector.CategoryOf(err))
	}
	for _, c := range []string{"hs", "pd"} {
		if st, d := connStatus(t, a, c); st == "reconnect" {
			t.Errorf("connection %s marked reconnect (%s); a reconnect cannot open a closed account", c, d)
		}
	}
	if st, d := connStatus(t, a, "pd"); st != app.StatusAccount || !strings.Contains(d, "Company account is not open") {
		t.Errorf("connection pd: %q (%s); want %q naming Pipedrive's message", st, d, app.StatusAccount)
	}

	pd.SetAccountClosed(false)
	res, err := a.Run(ctx, "pd", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Created != 1 {
		t.Fatalf("run after the account reopened: %v %+v; want success creating the contact", err, res.Summary)
	}
	n := 0
	for _, p := range pd.Persons() {
		for _, e := range p.Emails {
			if strings.EqualFold(e.Value, "unpaid@example.com") {
				n++
			}
		}
	}
	if n != 1 {
		t.Errorf("Pipedrive holds %d persons with unpaid@example.com; want 1", n)
	}
	if st, d := connStatus(t, a, "pd"); st != "connected" {
		t.Errorf("connection pd after a run that worked: %q (%s); want connected", st, d)
	}
}

// TestBrevoPaymentRequiredIsNotReconnect: Brevo answers writes with
// 402 not_enough_credits. The run stops (the other records are not each
// sent and failed), names Brevo's code and message, sends nobody to
// reconnect, and once credits are bought the next run writes the contact.
func TestBrevoPaymentRequiredIsNotReconnect(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 9402, 6, "brevo", "bv", app.DemoBrevoSync("bv", "hs", "bv"))
	bv := srv.Brevo()
	for _, e := range []string{"credit1@example.com", "credit2@example.com", "credit3@example.com"} {
		if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": e, "firstname": "Cred", "lastname": "It"}); err != nil {
			t.Fatal(err)
		}
	}
	before := bv.Count()
	bv.SetPaymentRequired("not_enough_credits")
	res, err := a.Run(ctx, "bv", app.RunOptions{Confirm: true})
	failed := err != nil || (res.Summary != nil && res.Summary.Status == "failed")
	if !failed {
		t.Fatalf("run against a Brevo account without credits: %v %+v; want it failed", err, res.Summary)
	}
	msg := ""
	if res.Summary != nil {
		msg = res.Summary.Message
	}
	if err != nil {
		msg += " | " + err.Error()
	}
	for _, g := range res.Failures {
		msg += " | " + g.Category + " " + g.Code + " " + g.Message
		if g.Category != string(connector.CatAccount) {
			t.Errorf("failure group %+v: category %s; want account", g, g.Category)
		}
		if g.Count > 1 {
			t.Errorf("failure group %+v: %d records failed; want the run stopped at the first refusal", g, g.Count)
		}
	}
	if !strings.Contains(msg, "Not enough credits") {
		t.Errorf("run failure %q; want Brevo's message", msg)
	}
	for _, c := range []string{"hs", "bv"} {
		if st, d := connStatus(t, a, c); st == "reconnect" {
			t.Errorf("connection %s marked reconnect (%s); a reconnect buys no credits", c, d)
		}
	}
	if st, d := connStatus(t, a, "bv"); st != app.StatusAccount || !strings.Contains(d, "Not enough credits") {
		t.Errorf("connection bv: %q (%s); want %q naming Brevo's message", st, d, app.StatusAccount)
	}
	if bv.Count() != before {
		t.Fatalf("Brevo contacts %d → %d while refusing writes", before, bv.Count())
	}

	bv.SetPaymentRequired("")
	res, err = a.Run(ctx, "bv", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after credits were bought: %v %+v", err, res.Summary)
	}
	if bv.Count() != before+3 {
		t.Errorf("Brevo contacts %d → %d; want the 3 new ones written", before, bv.Count())
	}
	if st, d := connStatus(t, a, "bv"); st != "connected" {
		t.Errorf("connection bv after a run that worked: %q (%s); want connected", st, d)
	}
}
