package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/secret"
	"golang.org/x/oauth2"
)

func TestRedirectURIDefaults(t *testing.T) {
	if got := RedirectURI(Endpoint{}, DefaultPort); got != "http://localhost:53682/callback" {
		t.Fatalf("RedirectURI = %q", got)
	}
	got := RedirectURI(Endpoint{RedirectHost: "127.0.0.1", RedirectPath: "oauth/sf"}, 8787)
	if got != "http://127.0.0.1:8787/oauth/sf" {
		t.Fatalf("RedirectURI = %q", got)
	}
}

func TestAuthorizeHappyPathPKCEPublicClient(t *testing.T) {
	v := newTestVendor(t, "") // public client: secret must be omitted
	ep := v.endpoint(true)
	b := newTestBrowser(nil)
	var shownURL string
	tok, err := Flow{Port: AnyPort, OpenBrowser: b.open, OnURL: func(u string) { shownURL = u }}.Authorize(context.Background(), ep)
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	if page := b.page(t); !strings.Contains(page, "crmsync is connected. You can close this tab.") {
		t.Fatalf("browser page = %q", page)
	}
	u, err := url.Parse(shownURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	port := redirectPort(t, shownURL)
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || len(q.Get("state")) < 40 {
		t.Fatalf("authorization URL lacks PKCE or a strong state: %s", shownURL)
	}
	if q.Get("redirect_uri") != "http://localhost:"+strconv.Itoa(port)+"/callback" {
		t.Fatalf("redirect_uri = %q", q.Get("redirect_uri"))
	}
	if q.Get("scope") != "api refresh_token" {
		t.Fatalf("scope = %q", q.Get("scope"))
	}
	if !tok.Valid() || tok.RefreshToken == "" {
		t.Fatalf("token not usable: valid=%v refresh=%v", tok.Valid(), tok.RefreshToken != "")
	}
	if _, exchanges := v.stats(); exchanges != 1 {
		t.Fatalf("exchanges = %d, want 1", exchanges)
	}
	// The vendor's extra fields survive the exchange.
	ex := Extras(tok, "instance_url", "hub_id", "id", "missing")
	if ex["instance_url"] != v.srv.URL || ex["hub_id"] != "4242" || ex["id"] != v.srv.URL+"/id/00D/005" {
		t.Fatalf("Extras = %v", ex)
	}
	if _, ok := ex["missing"]; ok {
		t.Fatal("Extras invented a missing key")
	}

	// Exactly one callback: the listener is gone once Authorize returns.
	_, err = http.Get(fmt.Sprintf("http://127.0.0.1:%d/callback?code=x&state=y", port))
	if err == nil {
		t.Fatal("second callback was accepted; the listener should be closed")
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) || opErr.Op != "dial" {
		t.Fatalf("second callback: want a connection error, got %v", err)
	}

	// Extras persist through the store into a TokenSource after a restart.
	store := secret.NewMemory()
	if err := Save(context.Background(), store, "connection/sf/token", tok); err != nil {
		t.Fatal(err)
	}
	raw, _ := store.Get(context.Background(), "connection/sf/token")
	if strings.Contains(raw, "idt-") {
		t.Fatal("id_token was persisted; only scalar non-secret extras belong in the store")
	}
	got, err := NewTokenSource(context.Background(), ep, store, "connection/sf/token", nil).Token()
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != tok.AccessToken || Extras(got, "instance_url")["instance_url"] != v.srv.URL {
		t.Fatalf("restored token lost its access token or instance_url: %v", Extras(got, "instance_url"))
	}
}

func TestAuthorizeConfidentialClientWithoutPKCE(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	v.set(func(v *testVendor) { v.requirePKCE = false })
	b := newTestBrowser(nil)
	tok, err := Flow{Port: AnyPort, OpenBrowser: b.open}.Authorize(context.Background(), v.endpoint(false))
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	if tok.AccessToken == "" {
		t.Fatal("no access token")
	}
}

// A forged or stale answer (another tab's state, a bare request) is refused
// and ignored: the sign-in the user is finishing still completes.
func TestAuthorizeWrongStateIsIgnored(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	forged := newTestBrowser(func(u *url.URL) {
		if u.Host != strings.TrimPrefix(v.srv.URL, "http://") { // only the loopback callback
			q := u.Query()
			q.Set("state", "forged-state")
			u.RawQuery = q.Encode()
		}
	})
	urls := make(chan string, 1)
	type result struct {
		tok *oauth2.Token
		err error
	}
	done := make(chan result, 1)
	go func() {
		tok, err := Flow{Port: AnyPort, OnURL: func(u string) { urls <- u }}.Authorize(context.Background(), v.endpoint(true))
		done <- result{tok, err}
	}()
	authURL := <-urls
	port := redirectPort(t, authURL)
	_ = forged.open(context.Background(), authURL)
	if page := forged.page(t); !strings.Contains(page, "state mismatch") || !strings.Contains(page, "ignored it") {
		t.Fatalf("browser page does not explain the mismatch: %q", page)
	}
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/callback", port)) // a prefetch or a stray page
	if err != nil {
		t.Fatalf("a stray request closed the listener: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("stray request: status %d, want 400", resp.StatusCode)
	}
	select {
	case r := <-done:
		t.Fatalf("a forged answer ended the sign-in: %v", r.err)
	default:
	}
	if _, exchanges := v.stats(); exchanges != 0 {
		t.Fatalf("a code with a forged state was exchanged (%d)", exchanges)
	}

	real := newTestBrowser(nil)
	_ = real.open(context.Background(), authURL)
	if page := real.page(t); !strings.Contains(page, "crmsync is connected") {
		t.Fatalf("browser page = %q", page)
	}
	r := <-done
	if r.err != nil || !r.tok.Valid() {
		t.Fatalf("sign-in after a forged answer: %v", r.err)
	}
	if _, exchanges := v.stats(); exchanges != 1 {
		t.Fatalf("exchanges = %d, want 1", exchanges)
	}
}

func TestAuthorizeDenied(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	v.set(func(v *testVendor) { v.deny = true })
	b := newTestBrowser(nil)
	_, err := Flow{Port: AnyPort, OpenBrowser: b.open}.Authorize(context.Background(), v.endpoint(true))
	var ve *VendorError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *VendorError", err)
	}
	if ve.Vendor != "testcrm" || ve.Code != "access_denied" || ve.Description != "The user denied access to testcrm" {
		t.Fatalf("VendorError = %+v", ve)
	}
	if page := b.page(t); !strings.Contains(page, "access_denied") || !strings.Contains(page, "The user denied access") {
		t.Fatalf("browser page does not show the vendor error: %q", page)
	}
}

func TestAuthorizePKCERequiredButMissing(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	b := newTestBrowser(nil)
	_, err := Flow{Port: AnyPort, OpenBrowser: b.open}.Authorize(context.Background(), v.endpoint(false))
	var ve *VendorError
	if !errors.As(err, &ve) || ve.Code != "invalid_request" {
		t.Fatalf("err = %v, want VendorError invalid_request", err)
	}
}

func TestAuthorizeTokenEndpointError(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	ep := v.endpoint(true)
	ep.ClientSecret = "wrong-secret"
	b := newTestBrowser(nil)
	_, err := Flow{Port: AnyPort, OpenBrowser: b.open}.Authorize(context.Background(), ep)
	var ve *VendorError
	if !errors.As(err, &ve) || ve.Code != "invalid_client" || ve.Status != 401 || !strings.Contains(ve.Description, "client secret mismatch") {
		t.Fatalf("err = %v, want VendorError invalid_client with the vendor's description", err)
	}
	if page := b.page(t); !strings.Contains(page, "invalid_client") {
		t.Fatalf("browser page = %q", page)
	}
	v.assertNoSecrets(t, err)
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Fatal("error leaks the client secret")
	}
}

func TestAuthorizeTimeout(t *testing.T) {
	v := newTestVendor(t, "")
	var shown string
	_, err := Flow{Port: AnyPort, Timeout: 50 * time.Millisecond, OnURL: func(u string) { shown = u }}.Authorize(context.Background(), v.endpoint(true))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if !strings.HasPrefix(shown, v.srv.URL+"/authorize?") {
		t.Fatalf("OnURL got %q", shown)
	}
	// The listener stopped with the flow.
	if _, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/callback", redirectPort(t, shown))); err == nil {
		t.Fatal("listener still accepts connections after the timeout")
	}
}

func TestAuthorizeContextCancel(t *testing.T) {
	v := newTestVendor(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Flow{Port: AnyPort, OnURL: func(string) { cancel() }}.Authorize(ctx, v.endpoint(true))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestAuthorizePortInUse(t *testing.T) {
	v := newTestVendor(t, "")
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = Flow{Port: port}.Authorize(context.Background(), v.endpoint(true))
	if !errors.Is(err, ErrPortInUse) {
		t.Fatalf("err = %v, want ErrPortInUse", err)
	}
	want := fmt.Sprintf("port %d is in use by another program; close it or choose another port in Settings", port)
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %q, want it to contain %q", err, want)
	}
}

func TestAuthorizeBrowserFailsWithoutURLShown(t *testing.T) {
	v := newTestVendor(t, "")
	open := func(context.Context, string) error { return errors.New("no browser installed") }
	_, err := Flow{Port: AnyPort, OpenBrowser: open}.Authorize(context.Background(), v.endpoint(true))
	if err == nil || !strings.Contains(err.Error(), "no browser installed") {
		t.Fatalf("err = %v, want the browser error", err)
	}
}
