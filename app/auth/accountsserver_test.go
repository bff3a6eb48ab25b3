package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// usFront is the data centre a sign-in starts at: its consent page sends
// the browser on to the organization's own (v), as Zoho's accounts.zoho.com
// does for an EU organization, and its token endpoint must see nothing.
func usFront(t *testing.T, v *testVendor) (*httptest.Server, *atomic.Int64) {
	var tokenCalls atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, v.srv.URL+"/authorize?"+r.URL.RawQuery, http.StatusFound)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		tokenCalls.Add(1)
		http.Error(w, "wrong data centre", http.StatusBadRequest)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &tokenCalls
}

// withAccountsServer is a browser that finds accounts-server on the way
// back to the loopback listener, as Zoho's multi-DC redirect carries it.
func withAccountsServer(server string) *testBrowser {
	return newTestBrowser(func(u *url.URL) {
		if u.Hostname() == "localhost" {
			q := u.Query()
			q.Set("location", "eu")
			q.Set("accounts-server", server)
			u.RawQuery = q.Encode()
		}
	})
}

// The sign-in answer moves the token exchange to the accounts server it
// names, when the endpoint lists that server; the endpoint returned says
// where refreshes and the revoke must go.
func TestAuthorizeFollowsListedAccountsServer(t *testing.T) {
	eu := newTestVendor(t, "")
	us, usTokenCalls := usFront(t, eu)
	ep := eu.endpoint(true)
	ep.AuthURL, ep.TokenURL, ep.RevokeURL = us.URL+"/authorize", us.URL+"/token", us.URL+"/revoke"
	euHost := strings.TrimPrefix(eu.srv.URL, "http://")
	ep.AccountsServers = []string{"accounts.example.com", euHost}
	b := withAccountsServer(eu.srv.URL)
	tok, used, err := Flow{Port: AnyPort, OpenBrowser: b.open}.AuthorizeAt(context.Background(), ep)
	if err != nil {
		t.Fatalf("AuthorizeAt: %v; page %q", err, b.page(t))
	}
	if !tok.Valid() || tok.RefreshToken == "" {
		t.Fatal("no usable token from the organization's data centre")
	}
	if used.TokenURL != eu.srv.URL+"/token" || used.RevokeURL != eu.srv.URL+"/revoke" {
		t.Fatalf("endpoint used: token %s, revoke %s; want both on %s", used.TokenURL, used.RevokeURL, eu.srv.URL)
	}
	if _, exchanges := eu.stats(); exchanges != 1 || usTokenCalls.Load() != 0 {
		t.Fatalf("exchanges: %d at the organization's server, %d at the first; want 1 and 0", exchanges, usTokenCalls.Load())
	}
}

// An accounts server the endpoint does not list never sees the code (or
// the client secret): the sign-in fails and says which server it was.
func TestAuthorizeRefusesUnlistedAccountsServer(t *testing.T) {
	eu := newTestVendor(t, "secret-not-to-leak")
	us, usTokenCalls := usFront(t, eu)
	ep := eu.endpoint(true)
	ep.AuthURL, ep.TokenURL = us.URL+"/authorize", us.URL+"/token"
	ep.AccountsServers = []string{"accounts.example.com"}
	b := withAccountsServer(eu.srv.URL)
	_, _, err := Flow{Port: AnyPort, OpenBrowser: b.open}.AuthorizeAt(context.Background(), ep)
	euHost := strings.TrimPrefix(eu.srv.URL, "http://")
	if err == nil || !strings.Contains(err.Error(), "accounts server "+euHost) || !strings.Contains(err.Error(), "not sent") {
		t.Fatalf("err = %v, want a refusal naming %s", err, euHost)
	}
	if page := b.page(t); !strings.Contains(page, "crmsync could not connect") {
		t.Fatalf("browser page = %q", page)
	}
	if _, exchanges := eu.stats(); exchanges != 0 || usTokenCalls.Load() != 0 {
		t.Fatalf("the code went out: %d exchanges at the named server, %d at the first", exchanges, usTokenCalls.Load())
	}
	eu.assertNoSecrets(t, err)
}

// movedTo: a listed data centre over HTTPS moves both URLs, the server
// the token URL is already on changes nothing, anything else is refused.
func TestAccountsServerMoves(t *testing.T) {
	ep := Endpoint{Vendor: "Zoho CRM", AuthURL: "https://accounts.zoho.com/oauth/v2/auth", TokenURL: "https://accounts.zoho.com/oauth/v2/token",
		RevokeURL: "https://accounts.zoho.com/oauth/v2/token/revoke", AccountsServers: []string{"accounts.zoho.com", "accounts.zoho.eu"}}
	moved, err := ep.movedTo("https://accounts.zoho.eu")
	if err != nil || moved.TokenURL != "https://accounts.zoho.eu/oauth/v2/token" || moved.RevokeURL != "https://accounts.zoho.eu/oauth/v2/token/revoke" {
		t.Fatalf("moved to EU: %+v %v", moved, err)
	}
	if same, err := ep.movedTo("https://accounts.zoho.com"); err != nil || same.TokenURL != ep.TokenURL {
		t.Fatalf("moved to its own server: %+v %v", same, err)
	}
	for _, bad := range []string{"http://accounts.zoho.eu", "https://accounts.zoho.eu.evil.example", "https://evil.example/?accounts.zoho.eu", "not a url"} {
		if _, err := ep.movedTo(bad); err == nil {
			t.Errorf("moved to %q", bad)
		}
	}
	// A sandbox on a path: the token URL keeps its path below the server.
	sb := Endpoint{AuthURL: "http://127.0.0.1:8090/zoho/oauth/v2/auth", TokenURL: "http://127.0.0.1:8090/zoho/oauth/v2/token", AccountsServers: []string{}}
	if same, err := sb.movedTo("http://127.0.0.1:8090/zoho"); err != nil || same.TokenURL != sb.TokenURL {
		t.Fatalf("sandbox on its own server: %+v %v", same, err)
	}
}
