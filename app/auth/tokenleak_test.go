package auth

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/secret"
	"golang.org/x/oauth2"
)

// Tokens as some vendors issue them (Pipedrive's "v1u:" tokens are base64
// with + / =) and a client secret with characters a form encodes.
const (
	auditRefresh = "v1u:AQIBAHj+LzTNK2yuuuaLqifzhWb9crUjKTpSzGzKc/Qw=="
	auditAccess  = "v1u:AQIBAHj+Acc3ssT0kenOfPipedrive/Zz9crUjKTpSzG=="
	auditSecret  = "Zx8Q~cl+ient/Secret=="
	auditClient  = "crmsync-audit"
)

// echoingTokenEndpoint is a token endpoint (behind a gateway) that refuses
// every refresh and quotes what it was sent back in its error text, in the
// way echo says.
func echoingTokenEndpoint(t *testing.T, echo func(w http.ResponseWriter, r *http.Request, body string)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		echo(w, r, string(b))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// assertNoSecretForms fails when msg holds a token or the client secret in
// any encoding a vendor's text may carry it in.
func assertNoSecretForms(t *testing.T, what, msg string) {
	t.Helper()
	for _, s := range []string{auditRefresh, auditAccess, auditSecret} {
		for name, form := range map[string]string{
			"raw": s, "url-encoded": url.QueryEscape(s), "path-encoded": url.PathEscape(s),
			"json-escaped": strings.ReplaceAll(s, "/", `\/`),
		} {
			if strings.Contains(msg, form) {
				t.Errorf("%s: error leaks a secret (%s form %q): %s", what, name, form, msg)
			}
		}
	}
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(auditClient) + ":" + url.QueryEscape(auditSecret)))
	if strings.Contains(msg, basic) {
		t.Errorf("%s: error leaks the client secret as HTTP Basic credentials: %s", what, msg)
	}
}

// TestRefreshErrorsNeverLeakEncodedSecrets: a token endpoint that
// quotes the request back (its form body URL-encoded, a JSON body escaped
// the way PHP escapes "/", or the Basic credentials it got) must not put
// the refresh token or client secret into the error the user sees and the
// run's record keeps.
func TestRefreshErrorsNeverLeakEncodedSecrets(t *testing.T) {
	cases := []struct {
		name  string
		basic bool
		echo  func(w http.ResponseWriter, r *http.Request, body string)
	}{
		{"form body quoted by a gateway", false, func(w http.ResponseWriter, r *http.Request, body string) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, "gateway could not forward the request body: "+body)
		}},
		{"JSON with escaped slashes", false, func(w http.ResponseWriter, r *http.Request, body string) {
			q, _ := url.ParseQuery(body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			detail := "refresh token " + q.Get("refresh_token") + " of client secret " + q.Get("client_secret") + " is not valid"
			io.WriteString(w, `{"success":false,"errors":[{"detail":"`+strings.ReplaceAll(detail, "/", `\/`)+`"}]}`)
		}},
		{"Basic credentials quoted", true, func(w http.ResponseWriter, r *http.Request, body string) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "upstream unavailable; request headers: Authorization: "+r.Header.Get("Authorization"))
		}},
	}
	for _, tc := range cases {
		srv := echoingTokenEndpoint(t, tc.echo)
		ep := Endpoint{Vendor: "pipedrive", TokenURL: srv.URL + "/oauth/token", AuthURL: srv.URL + "/oauth/authorize",
			ClientID: auditClient, ClientSecret: auditSecret, ClientBasic: tc.basic}
		err := refreshExpired(t, ep, srv)
		if err == nil {
			t.Fatalf("%s: refresh should fail", tc.name)
		}
		assertNoSecretForms(t, tc.name, err.Error())
	}
}

// refreshExpired saves an expired token with the audit secrets under
// connKey and asks ep, served by srv, to refresh it.
func refreshExpired(t *testing.T, ep Endpoint, srv *httptest.Server) error {
	t.Helper()
	store := secret.NewMemory()
	expired := &oauth2.Token{AccessToken: auditAccess, RefreshToken: auditRefresh, TokenType: "Bearer", Expiry: time.Now().Add(-time.Hour)}
	if err := Save(context.Background(), store, connKey, expired); err != nil {
		t.Fatal(err)
	}
	_, err := NewTokenSource(context.Background(), ep, store, connKey, srv.Client()).Token()
	return err
}

// TestRefreshOutageNamesTheConnection: a refresh that fails for a
// reason other than a refused grant (the vendor's 502) names the
// connection as the user knows it, as every other sign-in error does, not
// its keyring key.
func TestRefreshOutageNamesTheConnection(t *testing.T) {
	srv := echoingTokenEndpoint(t, func(w http.ResponseWriter, r *http.Request, body string) {
		http.Error(w, "bad gateway", http.StatusBadGateway)
	})
	ep := Endpoint{Vendor: "pipedrive", TokenURL: srv.URL + "/oauth/token", ClientID: auditClient, ClientSecret: auditSecret}
	err := refreshExpired(t, ep, srv)
	if err == nil || !strings.Contains(err.Error(), `connection "sf": `) || strings.Contains(err.Error(), connKey) {
		t.Fatalf("err = %v, want it to name connection \"sf\" (not its keyring key %s)", err, connKey)
	}
}
