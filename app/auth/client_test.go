package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector"
	"golang.org/x/oauth2"
)

func post(t *testing.T, c *http.Client, url, body string) (int, string, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

func TestClientRetriesOnceAfter401(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	store := secret.NewMemory()
	Save(context.Background(), store, connKey, v.grant(false))
	ts := NewTokenSource(context.Background(), v.endpoint(true), store, connKey, nil)
	c := Client(v.srv.Client(), ts)

	status, body, err := post(t, c, v.srv.URL+"/api/echo", "first")
	if err != nil || status != 200 || body != "first" {
		t.Fatalf("valid token: %d %q %v", status, body, err)
	}
	if refreshes, _ := v.stats(); refreshes != 0 {
		t.Fatalf("refreshed a valid token (%d)", refreshes)
	}

	// The session dies server-side (Salesforce has no expires_in): the API
	// answers 401, the client refreshes once and replays the body.
	v.expireSessions()
	status, body, err = post(t, c, v.srv.URL+"/api/echo", "replayed body")
	if err != nil || status != 200 || body != "replayed body" {
		t.Fatalf("after 401: %d %q %v", status, body, err)
	}
	if refreshes, _ := v.stats(); refreshes != 1 {
		t.Fatalf("refreshes = %d, want 1", refreshes)
	}
	if storedRefresh(t, store) == "" {
		t.Fatal("store lost the token")
	}
}

func TestClientStopsAfterOneRetry(t *testing.T) {
	// An API that always says 401: exactly one refresh, then the 401 comes back.
	calls := 0
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer api.Close()
	v := newTestVendor(t, "s3cret-client")
	store := secret.NewMemory()
	Save(context.Background(), store, connKey, v.grant(false))
	c := Client(nil, NewTokenSource(context.Background(), v.endpoint(true), store, connKey, nil))
	status, _, err := post(t, c, api.URL, "x")
	if err != nil || status != http.StatusUnauthorized {
		t.Fatalf("got %d %v, want the 401", status, err)
	}
	if refreshes, _ := v.stats(); calls != 2 || refreshes != 1 {
		t.Fatalf("calls = %d refreshes = %d, want 2 and 1", calls, refreshes)
	}
}

func TestClientReportsReconnectNeeded(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	store := secret.NewMemory()
	tok := v.grant(false)
	Save(context.Background(), store, connKey, tok)
	v.expireSessions()
	v.set(func(v *testVendor) { delete(v.refreshValid, tok.RefreshToken) })
	c := Client(nil, NewTokenSource(context.Background(), v.endpoint(true), store, connKey, nil))
	_, _, err := post(t, c, v.srv.URL+"/api/echo", "x")
	if !errors.Is(err, ErrReconnectNeeded) {
		t.Fatalf("err = %v, want ErrReconnectNeeded", err)
	}
	v.assertNoSecrets(t, err)
}

func TestStaticClient(t *testing.T) {
	var got string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("x-api-token")
	}))
	defer api.Close()
	c := StaticClient(nil, "x-api-token", "", "pd-token-123")
	resp, err := c.Get(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got != "pd-token-123" {
		t.Fatalf("header = %q", got)
	}
}

func TestDisconnectRevokesAndDeletes(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	store := secret.NewMemory()
	tok := v.grant(false)
	Save(context.Background(), store, connKey, tok)
	if err := Disconnect(context.Background(), v.endpoint(true), store, connKey, nil); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	v.mu.Lock()
	revoked := append([]string(nil), v.revoked...)
	v.mu.Unlock()
	if len(revoked) != 1 || revoked[0] != tok.RefreshToken {
		t.Fatalf("revoked %d tokens, want the refresh token", len(revoked))
	}
	if _, err := store.Get(context.Background(), connKey); !isNotFound(err) {
		t.Fatalf("store still holds the token: %v", err)
	}
	// Disconnecting twice is harmless.
	if err := Disconnect(context.Background(), v.endpoint(true), store, connKey, nil); err != nil {
		t.Fatalf("second Disconnect: %v", err)
	}
}

func TestDisconnectRevokeFailureStillDeletes(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	v.set(func(v *testVendor) { v.failRevoke = true })
	store := secret.NewMemory()
	Save(context.Background(), store, connKey, v.grant(false))
	err := Disconnect(context.Background(), v.endpoint(true), store, connKey, nil)
	var ve *VendorError
	if !errors.As(err, &ve) || ve.Code != "unsupported_token_type" {
		t.Fatalf("err = %v, want the vendor's revoke error", err)
	}
	v.assertNoSecrets(t, err)
	if _, err := store.Get(context.Background(), connKey); !isNotFound(err) {
		t.Fatalf("store still holds the token after a failed revoke: %v", err)
	}
}

// The stored sign-in is gone before the revoke is sent: an unreachable
// vendor holds the revoke for its whole timeout, and a kill meanwhile must
// not leave the token in the keyring.
func TestDisconnectDeletesBeforeTheRevoke(t *testing.T) {
	v := newTestVendor(t, "s3cret-client")
	store := secret.NewMemory()
	Save(context.Background(), store, connKey, v.grant(false))
	var storedDuringRevoke error
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		_, storedDuringRevoke = store.Get(r.Context(), connKey)
		return nil, errors.New("network is unreachable")
	})}
	err := Disconnect(context.Background(), v.endpoint(true), store, connKey, client)
	if err == nil || !strings.Contains(err.Error(), "network is unreachable") {
		t.Fatalf("err = %v, want the failed revoke", err)
	}
	if !isNotFound(storedDuringRevoke) {
		t.Fatalf("the token was still stored while the revoke was on its way (%v)", storedDuringRevoke)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestReconnectNeededIsAnAuthError(t *testing.T) {
	err := fmt.Errorf("salesforce: query: %w", ErrReconnectNeeded)
	if !errors.Is(err, connector.ErrAuth) || !errors.Is(err, ErrReconnectNeeded) {
		t.Fatalf("a failed refresh must classify as auth: %v", err)
	}
	if connector.CategoryOf(err) != connector.CatAuth {
		t.Fatalf("category = %s", connector.CategoryOf(err))
	}
}

// An endpoint with an AuthScheme sends the access token in that scheme
// (Zoho: "Zoho-oauthtoken"), on the first call and on the replay after a
// refresh.
func TestClientUsesTheVendorsAuthScheme(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	store := secret.NewMemory()
	tok := &oauth2.Token{AccessToken: "at-1", RefreshToken: "rt-1", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	if err := Save(context.Background(), store, connKey, tok); err != nil {
		t.Fatal(err)
	}
	ep := Endpoint{Vendor: "zoho", TokenURL: srv.URL + "/token", AuthScheme: "Zoho-oauthtoken"}
	c := Client(srv.Client(), NewTokenSource(context.Background(), ep, store, connKey, nil))
	if status, _, err := post(t, c, srv.URL+"/api", "x"); err != nil || status != 200 {
		t.Fatalf("call: %d %v", status, err)
	}
	if len(seen) != 1 || seen[0] != "Zoho-oauthtoken at-1" {
		t.Fatalf("Authorization headers %q, want the Zoho-oauthtoken scheme", seen)
	}
}
