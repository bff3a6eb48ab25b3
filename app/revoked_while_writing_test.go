package app_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
	"github.com/crmsync/crmsync/sync/schedule"
)

// revokedAtFirstSalesforceWrite connects HubSpot and Salesforce, saves the
// contacts sync (every 6h) and makes the Salesforce admin revoke crmsync's
// grant as the first write to Salesforce leaves: the plan read both sides
// fine, the writes then meet a 401 whose refresh is refused.
func revokedAtFirstSalesforceWrite(t *testing.T, seed int64) (*app.App, *sandbox.Server, *lossyTransport, *atomic.Bool) {
	t.Helper()
	ctx := context.Background()
	srv := startSandbox(t, seed, 8)
	tr := &lossyTransport{next: http.DefaultTransport}
	secrets := secret.NewMemory()
	a := openHome(t, t.TempDir(), secrets, &http.Client{Transport: tr})
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	def := app.DemoSync("contacts", "hs", "sf")
	def.Schedule = "every 6h"
	saveSyncs(t, a, def)
	refresh := storedRefreshToken(t, secrets, "sf")
	var fired atomic.Bool
	tr.setHook(func(r *http.Request) {
		if salesforceCreates(r) && fired.CompareAndSwap(false, true) {
			srv.Salesforce().Auth().Revoke(refresh)
			srv.Salesforce().Auth().ExpireAllAccess()
		}
	})
	return a, srv, tr, &fired
}

// contactEmails counts the live contacts by email in HubSpot and Salesforce.
func contactEmails(srv *sandbox.Server) (hs, sf map[string]int) {
	hs, sf = map[string]int{}, map[string]int{}
	for _, r := range srv.HubSpot().Records("contacts") {
		if e := strings.ToLower(r.Properties["email"]); !r.Archived && e != "" {
			hs[e]++
		}
	}
	for _, r := range srv.Salesforce().Records("Contact") {
		if e := strings.ToLower(r.Fields["Email"]); !r.Deleted && e != "" {
			sf[e]++
		}
	}
	return hs, sf
}

// syncedTwiceUninterrupted is contactEmails after two runs of the contacts
// sync over a sandbox of seed with no refusal.
func syncedTwiceUninterrupted(t *testing.T, seed int64) (hs, sf map[string]int) {
	t.Helper()
	srv := startSandbox(t, seed, 8)
	a := appThrough(t, srv, nil, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	for range 2 {
		if _, err := a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true}); err != nil {
			t.Fatal(err)
		}
	}
	return contactEmails(srv)
}

// TestRevokedWhileWritingMarksReconnect: the grant is revoked after
// the plan, as the run writes. The run fails naming Salesforce's refusal,
// Connections asks to reconnect Salesforce only, and after reconnecting
// the next run writes what was left with no duplicate.
func TestRevokedWhileWritingMarksReconnect(t *testing.T) {
	ctx := context.Background()
	a, srv, tr, fired := revokedAtFirstSalesforceWrite(t, 8301)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if !fired.Load() {
		t.Fatal("the run wrote nothing to Salesforce")
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if res.Summary != nil {
		msg += " | " + res.Summary.Status + " " + res.Summary.Message
	}
	if err == nil && (res.Summary == nil || res.Summary.Status == "success") {
		t.Fatalf("run with Salesforce's grant revoked: %s; want it failed", msg)
	}
	if !strings.Contains(msg, "expired access/refresh token") {
		t.Errorf("run outcome %q does not name Salesforce's refusal", msg)
	}
	if st, d := connStatus(t, a, "sf"); st != "reconnect" || !strings.Contains(d, "expired access/refresh token") {
		t.Errorf("connection sf: %q (%s); want reconnect naming Salesforce's refusal", st, d)
	}
	if st, d := connStatus(t, a, "hs"); st != "connected" {
		t.Errorf("connection hs: %q (%s); want connected, its sign-in works", st, d)
	}

	tr.setHook(nil)
	if _, err := a.ConnectSandbox(ctx, srv, "salesforce", "sf"); err != nil {
		t.Fatalf("reconnect: %v", err)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" || res.Summary.Failed != 0 {
		t.Fatalf("run after reconnecting: %v %+v", err, res.Summary)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created+res.Summary.Updated != 0 {
		t.Errorf("run after that: %v %+v; want nothing to write", err, res.Summary)
	}
	// The same sandbox synced with no refusal holds the same contacts:
	// nothing lost, nothing twice (its seed has duplicates of its own).
	hs, sf := contactEmails(srv)
	wantHS, wantSF := syncedTwiceUninterrupted(t, 8301)
	for _, c := range []struct {
		crm       string
		got, want map[string]int
	}{{"HubSpot", hs, wantHS}, {"Salesforce", sf, wantSF}} {
		for e, n := range c.want {
			if c.got[e] != n {
				t.Errorf("%s holds %d contacts with %s; a run with no refusal leaves %d", c.crm, c.got[e], e, n)
			}
		}
		for e, n := range c.got {
			if c.want[e] == 0 {
				t.Errorf("%s holds %d contacts with %s; a run with no refusal leaves none", c.crm, n, e)
			}
		}
	}
	if st, d := connStatus(t, a, "sf"); st != "connected" {
		t.Errorf("connection sf after reconnecting: %q (%s)", st, d)
	}
}

// TestRevokedWhileWritingScheduledWaits: a background run stopped the
// same way waits for the person (a retry on back-off cannot reconnect) and
// marks Salesforce to reconnect.
func TestRevokedWhileWritingScheduledWaits(t *testing.T) {
	ctx := context.Background()
	a, _, _, fired := revokedAtFirstSalesforceWrite(t, 8302)
	err := a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule)
	if !fired.Load() {
		t.Fatal("the run wrote nothing to Salesforce")
	}
	if err == nil || !errors.Is(err, schedule.ErrNeedsPerson) {
		t.Errorf("background run: %v; want it waiting for a person", err)
	}
	if err != nil && !strings.Contains(err.Error(), "expired access/refresh token") {
		t.Errorf("background run error %q does not name Salesforce's refusal", err)
	}
	if st, d := connStatus(t, a, "sf"); st != "reconnect" {
		t.Errorf("connection sf: %q (%s); want reconnect", st, d)
	}
	if st, d := connStatus(t, a, "hs"); st != "connected" {
		t.Errorf("connection hs: %q (%s); want connected", st, d)
	}
}

// TestThrottled403IsNotARefusedSignIn: Salesforce throttles one call
// with its 403 REQUEST_LIMIT_EXCEEDED (a rate limit, retried), then
// HubSpot's grant is revoked as the run writes to HubSpot. Only HubSpot
// needs a reconnect: Salesforce's sign-in was never refused.
func TestThrottled403IsNotARefusedSignIn(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 8303, 8)
	tr := &lossyTransport{next: http.DefaultTransport}
	secrets := secret.NewMemory()
	a := openHome(t, t.TempDir(), secrets, &http.Client{Transport: tr})
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	refresh := storedRefreshToken(t, secrets, "hs")
	var sfCalls atomic.Int32
	var fired atomic.Bool
	tr.setHook(func(r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "/salesforce/services/data/"):
			switch sfCalls.Add(1) {
			case 1:
				srv.Salesforce().Faults().Set(simkit.Faults{P429: 1})
			case 2:
				srv.Salesforce().Faults().Set(simkit.Faults{})
			}
		case r.Method != http.MethodGet && strings.Contains(r.URL.Path, "/contacts/batch/") && !strings.HasSuffix(r.URL.Path, "/read") && fired.CompareAndSwap(false, true):
			srv.HubSpot().Auth().Revoke(refresh)
			srv.HubSpot().Auth().ExpireAllAccess()
		}
	})
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if !fired.Load() || sfCalls.Load() < 2 {
		t.Fatalf("HubSpot written %v, Salesforce calls %d: %v %+v", fired.Load(), sfCalls.Load(), err, res.Summary)
	}
	if st, d := connStatus(t, a, "hs"); st != "reconnect" {
		t.Errorf("connection hs: %q (%s); want reconnect", st, d)
	}
	if st, d := connStatus(t, a, "sf"); st != "connected" {
		t.Errorf("connection sf: %q (%s); want connected, Salesforce only throttled a call", st, d)
	}
}
