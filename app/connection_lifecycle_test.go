package app_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// auditApp is an app on a fresh folder over srv, with its keyring kept
// for the test to look into (the in-memory store the app tests use).
func auditApp(t *testing.T) (*app.App, *secret.Memory) {
	t.Helper()
	keys := secret.NewMemory()
	a, err := app.Open(context.Background(), app.Options{Home: t.TempDir(), Secrets: keys, Vendors: registry.Vendors(), OpenBrowser: browser, RedirectPort: auth.AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, keys
}

// hubspotOAuthApp is auditApp over a sandbox (seed, 3 contacts) with
// HubSpot connected through OAuth as conn.
func hubspotOAuthApp(t *testing.T, seed int64, conn string) (*app.App, *secret.Memory, *sandbox.Server) {
	t.Helper()
	srv := startSandbox(t, seed, 3)
	a, keys := auditApp(t)
	if _, err := a.ConnectSandbox(context.Background(), srv, "hubspot", conn); err != nil {
		t.Fatal(err)
	}
	return a, keys, srv
}

// hubspotKeyRequest signs connection name in to srv's HubSpot with a
// pasted private-app key instead of OAuth.
func hubspotKeyRequest(srv *sandbox.Server, name string) app.ConnectRequest {
	return app.ConnectRequest{Vendor: "hubspot", Name: name, Token: srv.HubSpot().Auth().IssueLongLived(), APIBase: srv.URL() + "/hubspot"}
}

// storedConnection reads connection name as the store holds it.
func storedConnection(t *testing.T, a *app.App, name string) store.Connection {
	t.Helper()
	c, err := a.DB().Connection(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// keyringHas lists which of a connection's keyring entries are stored.
func keyringHas(t *testing.T, keys *secret.Memory, conn string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, k := range []string{"token", "client-secret", "api-key"} {
		_, err := keys.Get(context.Background(), "connection/"+conn+"/"+k)
		if err != nil && !errors.Is(err, secret.ErrNotFound) {
			t.Fatal(err)
		}
		out[k] = err == nil
	}
	return out
}

// TestReconnectKeepsDailyBudget: a connection's own daily API call
// budget is the user's setting; signing in again (OAuth or a pasted key)
// must not reset it to the app default.
func TestReconnectKeepsDailyBudget(t *testing.T) {
	ctx := context.Background()
	a, _, srv := hubspotOAuthApp(t, 301, "hs")
	c := storedConnection(t, a, "hs")
	c.DailyBudget = 1234
	if _, err := a.DB().SaveConnection(ctx, c); err != nil {
		t.Fatal(err)
	}
	reconnects := map[string]func() error{
		"oauth": func() error { _, err := a.ConnectSandbox(ctx, srv, "hubspot", "hs"); return err },
		"key": func() error {
			_, err := a.Connect(ctx, hubspotKeyRequest(srv, "hs"))
			return err
		},
	}
	for _, kind := range []string{"oauth", "key", "oauth"} {
		if err := reconnects[kind](); err != nil {
			t.Fatalf("reconnect by %s: %v", kind, err)
		}
		after, err := a.DB().Connection(ctx, "hs")
		if err != nil {
			t.Fatal(err)
		}
		if after.DailyBudget != 1234 {
			t.Fatalf("daily budget after a reconnect by %s: %d, want the user's 1234", kind, after.DailyBudget)
		}
	}
	views, err := a.Connections(ctx)
	if err != nil || len(views) != 1 || views[0].Budget != 1234 {
		t.Fatalf("connections listing after reconnects: %+v %v; want budget 1234", views, err)
	}
}

// TestSwitchAuthKindClearsOtherSecrets: moving a connection from
// OAuth to a pasted key leaves no refresh token or client secret in the
// keyring, and the old grant is revoked at the vendor; moving back leaves
// no API key; a disconnect leaves nothing of either kind.
func TestSwitchAuthKindClearsOtherSecrets(t *testing.T) {
	ctx := context.Background()
	a, keys, srv := hubspotOAuthApp(t, 302, "hs")
	if got := keyringHas(t, keys, "hs"); !got["token"] || !got["client-secret"] {
		t.Fatalf("keyring after an OAuth connect: %v", got)
	}
	refresh := storedRefreshToken(t, keys, "hs")

	if _, err := a.Connect(ctx, hubspotKeyRequest(srv, "hs")); err != nil {
		t.Fatal(err)
	}
	if got := keyringHas(t, keys, "hs"); got["token"] || got["client-secret"] || !got["api-key"] {
		t.Errorf("keyring after switching to a pasted key: %v; want only the api-key", got)
	}
	if hubspotRefreshWorks(t, srv, refresh) {
		t.Errorf("the OAuth grant replaced by a pasted key still refreshes at HubSpot; it should be revoked")
	}

	if _, err := a.ConnectSandbox(ctx, srv, "hubspot", "hs"); err != nil {
		t.Fatal(err)
	}
	if got := keyringHas(t, keys, "hs"); !got["token"] || !got["client-secret"] || got["api-key"] {
		t.Errorf("keyring after switching back to OAuth: %v; want token and client-secret only", got)
	}

	// An entry of the other kind left by an earlier version goes too.
	if err := keys.Set(ctx, "connection/hs/api-key", "left-over"); err != nil {
		t.Fatal(err)
	}
	if err := a.Disconnect(ctx, "hs"); err != nil {
		t.Fatal(err)
	}
	if got := keyringHas(t, keys, "hs"); got["token"] || got["client-secret"] || got["api-key"] {
		t.Errorf("keyring after disconnect: %v; want nothing", got)
	}
}

// hubspotRefreshWorks says whether HubSpot's token endpoint still takes
// refresh, as a kept grant would.
func hubspotRefreshWorks(t *testing.T, srv *sandbox.Server, refresh string) bool {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh},
		"client_id": {srv.HubSpot().Auth().ClientID()}, "client_secret": {srv.HubSpot().Auth().ClientSecret()}}
	resp, err := http.PostForm(srv.URL()+"/hubspot/oauth/2026-03/token", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// pipedriveApp serves one Pipedrive simulator whose OAuth app has scopes
// (set on the app in Pipedrive's Developer Hub, not in the sign-in URL).
func pipedriveApp(t *testing.T, scopes ...string) (*pipedrive.Sim, string) {
	t.Helper()
	sim := pipedrive.New(pipedrive.Options{Seed: 303, PathPrefix: "/pipedrive", Scopes: scopes})
	mux := http.NewServeMux()
	mux.Handle("/pipedrive/", http.StripPrefix("/pipedrive", sim))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return sim, srv.URL + "/pipedrive"
}

// TestOAuthGrantThatCannotReadContactsRefused: a Pipedrive app
// registered without contacts:full or contacts:read signs in fine, but
// every run would fail on its first read of people. The sign-in is refused
// at connect, naming the scopes Pipedrive granted and the one missing;
// nothing is saved. The same app with contacts:full connects.
func TestOAuthGrantThatCannotReadContactsRefused(t *testing.T) {
	ctx := context.Background()
	a, keys := auditApp(t)
	connect := func(sim *pipedrive.Sim, base string) error {
		_, err := a.Connect(ctx, app.ConnectRequest{Vendor: "pipedrive", Name: "pd",
			ClientID: sim.Auth().ClientID(), ClientSecret: sim.Auth().ClientSecret(), APIBase: base,
			AuthURL: base + "/oauth/authorize", TokenURL: base + "/oauth/token", RevokeURL: base + "/oauth/revoke",
			OpenConsent: app.FollowConsent(nil)})
		return err
	}
	sim, base := pipedriveApp(t, "base", "deals:full", "users:read")
	err := connect(sim, base)
	if err == nil || !strings.Contains(err.Error(), "contacts:full") || !strings.Contains(err.Error(), "deals:full") {
		t.Fatalf("connect with a Pipedrive app lacking the contacts scope: %v; want it refused naming the granted scopes and contacts:full", err)
	}
	if _, err := a.DB().Connection(ctx, "pd"); err == nil {
		t.Errorf("the refused sign-in was saved as a connection")
	}
	if got := keyringHas(t, keys, "pd"); got["token"] || got["client-secret"] {
		t.Errorf("the refused sign-in left %v in the keyring", got)
	}

	sim, base = pipedriveApp(t, "base", "contacts:full", "deals:full", "users:read")
	if err := connect(sim, base); err != nil {
		t.Fatalf("connect with the contacts scope: %v", err)
	}
}

// hookTransport calls hook once, on the first request whose path holds
// match after it is armed, before sending that request on.
type hookTransport struct {
	armed atomic.Bool
	match string
	hook  func()
}

func (h *hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, h.match) && h.armed.CompareAndSwap(true, false) {
		h.hook()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestSwitchToKeyDuringRunKeepsConnected: the user replaces a
// connection's OAuth sign-in by a pasted key while a run is reading
// through the old one. The run stops on the old sign-in, which is gone;
// the connection must still show connected by its new key, not "needs
// reconnect" with the old sign-in's error, and the next run works.
func TestSwitchToKeyDuringRunKeepsConnected(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 304, 4)
	hook := &hookTransport{match: "/hubspot/crm/"}
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(),
		OpenBrowser: browser, RedirectPort: auth.AnyPort, HTTP: &http.Client{Transport: hook}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	var switchErr error
	hook.hook = func() {
		srv.HubSpot().Auth().ExpireAllAccess() // the old access token runs out mid-run
		_, switchErr = a.Connect(ctx, hubspotKeyRequest(srv, "hs"))
	}
	hook.armed.Store(true)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if switchErr != nil {
		t.Fatalf("switch to a pasted key during the run: %v", switchErr)
	}
	t.Logf("run during the switch: %v %+v", err, res.Summary)
	c := storedConnection(t, a, "hs")
	if c.AuthKind != "token" || c.Status != "connected" {
		t.Errorf("connection after switching to a key mid-run: kind %q status %q (%s); want token, connected", c.AuthKind, c.Status, c.StatusDetail)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Failed != 0 {
		t.Fatalf("run after the switch: %v %+v", err, res.Summary)
	}
}

// TestDisconnectReconnectKeepsTodaysCalls: the daily budget counts
// the calls crmsync spent on the account today; disconnecting and
// connecting the same name again must not start today's count from zero,
// or one day could spend the budget twice.
func TestDisconnectReconnectKeepsTodaysCalls(t *testing.T) {
	ctx := context.Background()
	a, _, srv := hubspotOAuthApp(t, 305, "hs")
	c := storedConnection(t, a, "hs")
	if _, err := a.DB().AddAPICalls(ctx, c.ID, 500); err != nil {
		t.Fatal(err)
	}
	if err := a.Disconnect(ctx, "hs"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "hubspot", "hs"); err != nil {
		t.Fatal(err)
	}
	views, err := a.Connections(ctx)
	if err != nil || len(views) != 1 {
		t.Fatalf("connections: %+v %v", views, err)
	}
	if views[0].CallsToday < 500 {
		t.Errorf("calls today after disconnect and reconnect: %d; want the 500 spent before", views[0].CallsToday)
	}
}

// TestReconnectOtherClientDropsOldSecret: a connection signed in
// again through another OAuth app that has no client secret (here a
// public client of another vendor under the same name) must not keep the
// old app's secret, which its refreshes would send to the new one.
func TestReconnectOtherClientDropsOldSecret(t *testing.T) {
	ctx := context.Background()
	a, keys, srv := hubspotOAuthApp(t, 306, "crm")
	if got := keyringHas(t, keys, "crm"); !got["client-secret"] {
		t.Fatalf("keyring after a HubSpot connect: %v", got)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "crm"); err != nil {
		t.Fatal(err)
	}
	if got := keyringHas(t, keys, "crm"); got["client-secret"] || !got["token"] {
		t.Errorf("keyring after signing in through a public client with no secret: %v; want the token only", got)
	}
}
