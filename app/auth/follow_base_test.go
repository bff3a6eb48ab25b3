package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/secret"
	"golang.org/x/oauth2"
)

// TestClientFollowsRefreshedAPIDomain: a refresh in the middle of a
// session (the API refused the access token) may name a new api_domain,
// as Pipedrive's does after the company renamed its domain; the retry and
// every later request go there, with the path and query kept.
func TestClientFollowsRefreshedAPIDomain(t *testing.T) {
	var srv *httptest.Server
	var gotOld, gotNew []string
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/oauth/token":
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "new-access", "token_type": "Bearer",
				"refresh_token": "refresh-1", "expires_in": 3599, "api_domain": srv.URL + "/renamed"})
		case r.Header.Get("Authorization") != "Bearer new-access":
			gotOld = append(gotOld, r.URL.RequestURI())
			w.WriteHeader(http.StatusUnauthorized)
		default:
			gotNew = append(gotNew, r.URL.RequestURI())
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	store := secret.NewMemory()
	old := (&oauth2.Token{AccessToken: "old-access", RefreshToken: "refresh-1", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}).
		WithExtra(map[string]any{"api_domain": srv.URL + "/acme"})
	if err := Save(ctx, store, connKey, old); err != nil {
		t.Fatal(err)
	}
	ts := NewTokenSource(ctx, Endpoint{Vendor: "Pipedrive", TokenURL: srv.URL + "/oauth/token", ClientID: "id", ClientSecret: "s"}, store, connKey, nil)
	c := ClientFollowing(srv.Client(), ts, srv.URL+"/acme", "instance_url", "api_domain")
	for _, p := range []string{"/api/v2/persons?cursor=a%2Fb", "/api/v2/persons/7"} {
		resp, err := c.Get(srv.URL + "/acme" + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", p, resp.StatusCode)
		}
	}
	if len(gotOld) != 1 || len(gotNew) != 2 || gotNew[0] != "/renamed/api/v2/persons?cursor=a%2Fb" || gotNew[1] != "/renamed/api/v2/persons/7" {
		t.Fatalf("old domain got %v, new domain got %v", gotOld, gotNew)
	}
	if got := StoredBase(ctx, store, connKey, "instance_url", "api_domain"); got != srv.URL+"/renamed" {
		t.Fatalf("stored base %q", got)
	}
}
