package app_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/pipedrive"
	"github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// vendorHosts is an HTTP client that reaches srv for every host under
// domain over https (as DNS pointing *.pipedrive.com at the sandbox
// would; likewise for every domain given), and every other host as usual: the connector's own production
// URLs, not the sandbox's, are then what a test exercises.
func vendorHosts(srv *httptest.Server, domains ...string) *http.Client {
	addr := srv.Listener.Addr().String()
	var d net.Dialer
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, hostport string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(hostport)
			for _, domain := range domains {
				if host == domain || strings.HasSuffix(host, "."+domain) {
					return d.DialContext(ctx, network, addr)
				}
			}
			return d.DialContext(ctx, network, hostport)
		},
		// The test server's certificate names example.com, not the vendor.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// pipedriveOwnHosts is a Pipedrive sandbox answering at Pipedrive's own
// hosts (oauth.pipedrive.com, the api_domain), and an app whose
// keyring and warnings log the test reads.
type pipedriveOwnHosts struct {
	sim    *pipedrive.Sim
	app    *app.App
	keys   *secret.Memory
	logged *bytes.Buffer
	client *http.Client
}

func startPipedriveOwnHosts(t *testing.T) *pipedriveOwnHosts {
	t.Helper()
	sim := pipedrive.New(pipedrive.Options{Seed: 71})
	srv := httptest.NewTLSServer(sim)
	t.Cleanup(srv.Close)
	e := &pipedriveOwnHosts{sim: sim, keys: secret.NewMemory(), logged: &bytes.Buffer{}, client: vendorHosts(srv, "pipedrive.com")}
	a, err := app.Open(context.Background(), app.Options{Home: t.TempDir(), Secrets: e.keys, Vendors: registry.Vendors(),
		RedirectPort: auth.AnyPort, HTTP: e.client,
		Logger: slog.New(slog.NewTextHandler(e.logged, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	e.app = a
	return e
}

// connectOAuth signs name in with OAuth at Pipedrive's own endpoints
// (the connector's defaults: no URL is given).
func (e *pipedriveOwnHosts) connectOAuth(t *testing.T, name string) {
	t.Helper()
	_, err := e.app.Connect(context.Background(), app.ConnectRequest{Vendor: "pipedrive", Name: name,
		ClientID: e.sim.Auth().ClientID(), ClientSecret: e.sim.Auth().ClientSecret(), OpenConsent: app.FollowConsent(e.client)})
	if err != nil {
		t.Fatal(err)
	}
}

// storedGrant is connection name's stored access and refresh tokens.
func storedGrant(t *testing.T, keys *secret.Memory, name string) (access, refresh string) {
	t.Helper()
	raw, err := keys.Get(context.Background(), "connection/"+name+"/token")
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal([]byte(raw), &tok); err != nil || tok.RefreshToken == "" {
		t.Fatalf("stored token: %v", err)
	}
	return tok.AccessToken, tok.RefreshToken
}

// apiStatus is the status Pipedrive's API answers a request with access.
func (e *pipedriveOwnHosts) apiStatus(t *testing.T, access string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "https://api.pipedrive.com/api/v2/persons?limit=1", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// assertGrantRevoked checks the sandbox refuses both tokens of a grant.
func (e *pipedriveOwnHosts) assertGrantRevoked(t *testing.T, access, refresh string) {
	t.Helper()
	if e.sim.Auth().RefreshValid(refresh) {
		t.Errorf("Pipedrive's grant still refreshes: it was not revoked")
	}
	if st := e.apiStatus(t, access); st != http.StatusUnauthorized {
		t.Errorf("the revoked grant's access token still reads Pipedrive (HTTP %d, want 401)", st)
	}
}

// assertLogHoldsNo fails when the log quotes any of the tokens.
func (e *pipedriveOwnHosts) assertLogHoldsNo(t *testing.T, tokens ...string) {
	t.Helper()
	for _, tok := range tokens {
		if tok != "" && strings.Contains(e.logged.String(), tok) {
			t.Errorf("the log holds a token:\n%s", e.logged.String())
		}
	}
}

// TestPipedriveReplacedGrantRevoked: Pipedrive documents a revoke
// endpoint (POST oauth.pipedrive.com/oauth/revoke, RFC 7009, client by
// HTTP Basic), but the connector named none, so signing in again,
// switching to a pasted API token and disconnecting each left the former
// grant working at Pipedrive. Against Pipedrive's own URLs, each now
// revokes it: the refresh token no longer refreshes and its access token
// is refused.
func TestPipedriveReplacedGrantRevoked(t *testing.T) {
	ctx := context.Background()
	cases := map[string]func(t *testing.T, e *pipedriveOwnHosts){
		"sign in again": func(t *testing.T, e *pipedriveOwnHosts) { e.connectOAuth(t, "pd") },
		"switch to API token": func(t *testing.T, e *pipedriveOwnHosts) {
			if _, err := e.app.Connect(ctx, app.ConnectRequest{Vendor: "pipedrive", Name: "pd", Token: "659c9fddb16335e48cc67114694b52074e812e03"}); err != nil {
				t.Fatal(err)
			}
		},
		"disconnect": func(t *testing.T, e *pipedriveOwnHosts) {
			if err := e.app.Disconnect(ctx, "pd"); err != nil {
				t.Fatalf("disconnect: %v", err)
			}
			if has := keyringHas(t, e.keys, "pd"); has["token"] || has["client-secret"] || has["api-key"] {
				t.Errorf("disconnect left keyring entries: %v", has)
			}
		},
	}
	for name, replace := range cases {
		t.Run(name, func(t *testing.T) {
			e := startPipedriveOwnHosts(t)
			e.connectOAuth(t, "pd")
			access, refresh := storedGrant(t, e.keys, "pd")
			replace(t, e)
			e.assertGrantRevoked(t, access, refresh)
			e.assertLogHoldsNo(t, access, refresh, e.sim.Auth().ClientSecret())
		})
	}
}

// TestPipedriveEarlierConnectionRevokedOnDisconnect: a Pipedrive
// connection made before the connector named the revoke endpoint stored
// none with its sign-in; disconnecting it must still revoke its grant at
// Pipedrive's documented endpoint.
func TestPipedriveEarlierConnectionRevokedOnDisconnect(t *testing.T) {
	ctx := context.Background()
	e := startPipedriveOwnHosts(t)
	e.connectOAuth(t, "pd")
	access, refresh := storedGrant(t, e.keys, "pd")
	c := storedConnection(t, e.app, "pd")
	var facts map[string]any
	if err := json.Unmarshal([]byte(c.OAuth), &facts); err != nil {
		t.Fatal(err)
	}
	delete(facts, "revoke_url") // as an earlier version stored it
	raw, _ := json.Marshal(facts)
	c.OAuth = string(raw)
	if _, err := e.app.DB().SaveConnection(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := e.app.Disconnect(ctx, "pd"); err != nil {
		t.Fatalf("disconnect: %v", err)
	}
	e.assertGrantRevoked(t, access, refresh)
}

// TestDisconnectRevokeFailureLoggedAfterLocalRemoval: the vendor's
// revoke endpoint refuses (400), fails (500), is unavailable (503) or
// never answers (the client's timeout) when a
// connection is disconnected. The disconnect must still remove the
// connection and every keyring entry, before the revoke is even sent (a
// user closing the app while it waits must not find it half removed),
// and the failure must reach the log with the connection's name and the
// vendor's words, without a token. It was not logged at all, and the
// connection and its client secret were removed only after the revoke
// had answered.
func TestDisconnectRevokeFailureLoggedAfterLocalRemoval(t *testing.T) {
	ctx := context.Background()
	hs := sandboxHubSpot(t, 313)
	for _, tc := range []struct {
		name   string
		status int
		words  string
	}{
		{"refused", http.StatusBadRequest, "token already revoked"},
		{"failing", http.StatusInternalServerError, "revoke is down"},
		{"unavailable", http.StatusServiceUnavailable, "try again later"},
		{"no answer", 0, "Client.Timeout exceeded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, keys, logged := warnLoggedApp(t)
			var stored, hasEntries atomic.Bool
			down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// What the user would find, were the app closed now.
				_, err := a.DB().Connection(r.Context(), "hs")
				stored.Store(err == nil)
				for _, k := range []string{"token", "client-secret", "api-key"} {
					if _, err := keys.Get(r.Context(), "connection/hs/"+k); err == nil {
						hasEntries.Store(true)
					}
				}
				if tc.status == 0 {
					// Read to the end, so the server sees the client give up.
					_, _ = io.Copy(io.Discard, r.Body)
					<-r.Context().Done()
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(`{"error":"server_error","error_description":"` + tc.words + `"}`))
			}))
			defer down.Close()
			if _, err := a.Connect(ctx, hubspotSignIn(hs, down.URL+"/revoke")); err != nil {
				t.Fatal(err)
			}
			access, refresh := storedGrant(t, keys, "hs")
			err := a.Disconnect(ctx, "hs")
			if err != nil && (strings.Contains(err.Error(), refresh) || strings.Contains(err.Error(), access)) {
				t.Errorf("the disconnect's error holds a token: %v", err)
			}
			if stored.Load() || hasEntries.Load() {
				t.Errorf("when the revoke was sent, the connection was still stored (%v) or the keyring still held its entries (%v)", stored.Load(), hasEntries.Load())
			}
			if _, err := a.DB().Connection(ctx, "hs"); err == nil {
				t.Errorf("the connection is still stored after the disconnect")
			}
			if has := keyringHas(t, keys, "hs"); has["token"] || has["client-secret"] || has["api-key"] {
				t.Errorf("disconnect left keyring entries: %v", has)
			}
			out := logged.String()
			if !strings.Contains(out, "connection=hs") || !strings.Contains(out, tc.words) {
				t.Errorf("the failed revoke is not logged with the connection and the vendor's words:\n%s", out)
			}
			if strings.Contains(out, refresh) || strings.Contains(out, access) || strings.Contains(out, hs.ClientSecret) {
				t.Errorf("the log holds a token or the client secret:\n%s", out)
			}
		})
	}
}

// sandboxVendor is the sandbox's description of vendor.
func sandboxVendor(t *testing.T, vendors []sandbox.VendorInfo, vendor string) sandbox.VendorInfo {
	t.Helper()
	for _, v := range vendors {
		if v.Vendor == vendor {
			return v
		}
	}
	t.Fatalf("the sandbox has no %s", vendor)
	return sandbox.VendorInfo{}
}

// TestZohoGrantRevokedAtItsDataCentre: an organization in Zoho's
// EU data centre signs in at accounts.zoho.com, whose answer names
// accounts-server https://accounts.zoho.eu; Zoho's docs have the revoke
// (POST {accounts-server}/oauth/v2/token/revoke) go to that server, which
// alone knows the grant. Against Zoho's own URLs, signing in again and
// disconnecting each revoke the former grant there: the refresh token no
// longer refreshes and its access token is refused. (Covers the app's
// whole path; the move itself is TestAccountsServerMoves.)
func TestZohoGrantRevokedAtItsDataCentre(t *testing.T) {
	ctx := context.Background()
	for _, then := range []string{"sign in again", "disconnect"} {
		t.Run(then, func(t *testing.T) {
			sim := zoho.New(zoho.Options{Location: "eu", AccountsServer: "https://accounts.zoho.eu"})
			srv := httptest.NewTLSServer(sim)
			t.Cleanup(srv.Close)
			client := vendorHosts(srv, "zoho.com", "zoho.eu", "zohoapis.com", "zohoapis.eu")
			keys, logged := secret.NewMemory(), &bytes.Buffer{}
			a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: keys, Vendors: registry.Vendors(), RedirectPort: auth.AnyPort,
				HTTP: client, Logger: slog.New(slog.NewTextHandler(logged, &slog.HandlerOptions{Level: slog.LevelWarn}))})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			connect := func() {
				t.Helper()
				if _, err := a.Connect(ctx, app.ConnectRequest{Vendor: "zoho", Name: "zh", ClientID: sim.Auth().ClientID(),
					ClientSecret: sim.Auth().ClientSecret(), OpenConsent: app.FollowConsent(client)}); err != nil {
					t.Fatal(err)
				}
			}
			connect()
			access, refresh := storedGrant(t, keys, "zh")
			if then == "disconnect" {
				if err := a.Disconnect(ctx, "zh"); err != nil {
					t.Fatalf("disconnect: %v", err)
				}
			} else {
				connect()
			}
			if sim.Auth().RefreshValid(refresh) {
				t.Errorf("the former grant still refreshes at the EU data centre: not revoked there\n%s", logged)
			}
			req, _ := http.NewRequest(http.MethodGet, "https://www.zohoapis.eu/crm/v8/Contacts?fields=Last_Name", nil)
			req.Header.Set("Authorization", "Zoho-oauthtoken "+access)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("the revoked grant's access token still reads Zoho (HTTP %d, want 401)", resp.StatusCode)
			}
			if strings.Contains(logged.String(), refresh) || strings.Contains(logged.String(), access) {
				t.Errorf("the log holds a token:\n%s", logged)
			}
		})
	}
}

// hostRecorder records the host of every request and lets only loopback
// ones through, so a test sees a call meant elsewhere without making it.
type hostRecorder struct {
	mu    sync.Mutex
	hosts []string
}

func (h *hostRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.hosts = append(h.hosts, r.URL.Host)
	h.mu.Unlock()
	if host := r.URL.Hostname(); host != "127.0.0.1" && host != "localhost" {
		return nil, fmt.Errorf("test: no network beyond loopback (%s)", host)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (h *hostRecorder) elsewhere() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, host := range h.hosts {
		if !strings.HasPrefix(host, "127.0.0.1") && !strings.HasPrefix(host, "localhost") {
			out = append(out, host)
		}
	}
	return out
}

// TestGivenTokenURLKeepsRevokeOffVendorHost: a connection signed in
// at a token URL given with the connection (the sandbox, a Salesforce
// sandbox org's test.salesforce.com) and no revoke URL took the vendor's
// production revoke URL, so disconnecting sent its refresh token and
// client secret to a host that never issued them (the Brevo sandbox's to
// oauth.brevo.com). The revoke now goes beside the given token URL.
func TestGivenTokenURLKeepsRevokeOffVendorHost(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 314, 3)
	rec := &hostRecorder{}
	client := &http.Client{Transport: rec}
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(),
		RedirectPort: auth.AnyPort, HTTP: client})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if _, err := a.ConnectSandbox(ctx, srv, "brevo", "bv"); err != nil {
		t.Fatal(err)
	}
	err = a.Disconnect(ctx, "bv")
	t.Logf("disconnect: %v", err)
	if hosts := rec.elsewhere(); len(hosts) > 0 {
		t.Errorf("a sandbox connection's sign-in was sent to %v", hosts)
	}
}

// TestReconnectRevokeTimeoutKeepsNewSignIn: the former grant's
// revoke gets no answer when a connection signs in again. Signing in
// still succeeds once the client gives up, the new sign-in works, and the
// log names the connection and the revoke without a token. (Covers the
// timeout beside TestReconnectRevokeFailureIsLoggedNotFatal's 500.)
func TestReconnectRevokeTimeoutKeepsNewSignIn(t *testing.T) {
	ctx := context.Background()
	hs := sandboxHubSpot(t, 315)
	a, keys, logged := warnLoggedApp(t)
	req := hubspotSignIn(hs, silentRevokeServer(t).URL+"/revoke")
	if _, err := a.Connect(ctx, req); err != nil {
		t.Fatal(err)
	}
	access, refresh := storedGrant(t, keys, "hs")
	if _, err := a.Connect(ctx, req); err != nil {
		t.Fatalf("signing in again failed on the former grant's unanswered revoke: %v", err)
	}
	if _, err := a.ObjectChoices(ctx, "hs"); err != nil {
		t.Errorf("the new sign-in does not work: %v", err)
	}
	out := logged.String()
	if !strings.Contains(out, "connection=hs") || !strings.Contains(out, "revoke") {
		t.Errorf("the unanswered revoke is not logged with the connection:\n%s", out)
	}
	if strings.Contains(out, refresh) || strings.Contains(out, access) {
		t.Errorf("the log holds a token:\n%s", out)
	}
}
