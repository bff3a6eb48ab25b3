package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
)

// foreignHost is a server on another host name than the sandbox's
// 127.0.0.1 that records any Authorization it is sent.
func foreignHost(t *testing.T) (url string, leaked *atomic.Value) {
	t.Helper()
	leaked = &atomic.Value{}
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("Authorization"); v != "" {
			leaked.Store(v)
		}
		http.Error(w, "not here", http.StatusNotFound)
	}))
	t.Cleanup(foreign.Close)
	return strings.Replace(foreign.URL, "127.0.0.1", "localhost", 1), leaked
}

// TestConnectRedirectDoesNotCarryToken: the calls a connect makes
// with the new access token (Pipedrive's users/me, Mailchimp's metadata)
// are answered with a redirect to another host. The token must not go
// there, as for a run's calls (TestRedirectDoesNotCarryTokenElsewhere).
func TestConnectRedirectDoesNotCarryToken(t *testing.T) {
	for _, tc := range []struct{ vendor, path string }{
		{"pipedrive", "/users/me"},
		{"mailchimp", "/oauth2/metadata"},
	} {
		t.Run(tc.vendor, func(t *testing.T) {
			ctx := context.Background()
			srv := startSandbox(t, 815, 2)
			elsewhere, leaked := foreignHost(t)
			tr := &redirectOnce{next: http.DefaultTransport, elsewhere: elsewhere, match: func(r *http.Request) bool {
				return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, tc.path)
			}}
			a := openHome(t, t.TempDir(), secret.NewMemory(), &http.Client{Transport: tr})
			_, err := a.ConnectSandbox(ctx, srv, tc.vendor, "c")
			if err == nil || !strings.Contains(err.Error(), "another host") {
				t.Errorf("connect's error %v does not say the redirect went to another host", err)
			}
			if v, ok := leaked.Load().(string); ok {
				t.Errorf("the %s sign-in went to %s on a redirect at connect: Authorization %q", tc.vendor, elsewhere, v[:min(len(v), 14)]+"…")
			}
		})
	}
}

// apiDomainTo rewrites the api_domain of Pipedrive's token answers to
// elsewhere once armed: a token answer naming an API base on a host that
// is not the vendor's.
type apiDomainTo struct {
	next      http.RoundTripper
	elsewhere string
	armed     atomic.Bool
}

func (t *apiDomainTo) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil || !t.armed.Load() || !strings.HasSuffix(r.URL.Path, "/oauth/token") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, err
	}
	resp.Body.Close()
	body["api_domain"] = t.elsewhere
	b, _ := json.Marshal(body)
	resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// TestTokenAnswerAPIBaseElsewhere: a Pipedrive token answer names
// an api_domain on a host that is neither Pipedrive's (*.pipedrive.com
// over https) nor the sandbox's own. At connect the connection is refused;
// at a refresh the run fails saying why. Either way no request carries the
// sign-in there and the connection keeps its base.
func TestTokenAnswerAPIBaseElsewhere(t *testing.T) {
	t.Run("connect", func(t *testing.T) {
		ctx := context.Background()
		srv := startSandbox(t, 816, 2)
		elsewhere, leaked := foreignHost(t)
		tr := &apiDomainTo{next: http.DefaultTransport, elsewhere: elsewhere}
		tr.armed.Store(true)
		a := openHome(t, t.TempDir(), secret.NewMemory(), &http.Client{Transport: tr})
		_, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd")
		if err == nil || !strings.Contains(err.Error(), "not one of Pipedrive's") {
			t.Errorf("connect: %v, want a refusal naming the API base", err)
		}
		if v, ok := leaked.Load().(string); ok {
			t.Errorf("the sign-in went to %s: Authorization %q", elsewhere, v[:min(len(v), 14)]+"…")
		}
	})
	t.Run("refresh", func(t *testing.T) {
		ctx := context.Background()
		srv := startSandbox(t, 817, 4)
		elsewhere, leaked := foreignHost(t)
		tr := &apiDomainTo{next: http.DefaultTransport, elsewhere: elsewhere}
		keys := secret.NewMemory()
		a := openHome(t, t.TempDir(), keys, &http.Client{Transport: tr})
		for _, v := range [][2]string{{"hubspot", "hs"}, {"pipedrive", "pd"}} {
			if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
				t.Fatalf("connect %s: %v", v[0], err)
			}
		}
		base := connectionBase(t, a, "pd")
		saveSyncs(t, a, app.DemoPipedriveSync("people", "hs", "pd", ""))
		tr.armed.Store(true)
		srv.Pipedrive().Auth().ExpireAllAccess()
		expireStoredSignIn(t, keys, "pd")
		res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true})
		if err == nil {
			t.Errorf("the run after the refresh succeeded: %+v", res.Summary)
		} else if !strings.Contains(err.Error(), "not one of Pipedrive's") {
			t.Errorf("the run's error %q does not say the API base was refused", err)
		}
		if v, ok := leaked.Load().(string); ok {
			t.Errorf("the sign-in went to %s: Authorization %q", elsewhere, v[:min(len(v), 14)]+"…")
		}
		// A second session reads the base from the stored sign-in.
		_, _ = a.Run(ctx, "people", app.RunOptions{Confirm: true})
		if v, ok := leaked.Load().(string); ok {
			t.Errorf("the next run's sign-in went to %s: Authorization %q", elsewhere, v[:min(len(v), 14)]+"…")
		}
		if got := connectionBase(t, a, "pd"); got != base {
			t.Errorf("connection base %q, was %q", got, base)
		}
	})
}

// tokenRedirect307 answers the first armed token request with a 307 to
// elsewhere, which Go follows resending the form.
type tokenRedirect307 struct {
	next      http.RoundTripper
	elsewhere string
	armed     atomic.Bool
}

func (t *tokenRedirect307) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(r.URL.Path, "/oauth/token") || !t.armed.CompareAndSwap(true, false) {
		return t.next.RoundTrip(r)
	}
	h := http.Header{}
	h.Set("Location", t.elsewhere+r.URL.RequestURI())
	return &http.Response{StatusCode: http.StatusTemporaryRedirect, Header: h, Body: http.NoBody, Request: r}, nil
}

// TestRefreshRedirectKeepsSecrets: a refresh answered with a 307 to
// another host must not resend the refresh token and client secret there.
func TestRefreshRedirectKeepsSecrets(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 818, 4)
	var leaked atomic.Value
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), "refresh_token=") {
			leaked.Store(string(b))
		}
		http.Error(w, "not here", http.StatusNotFound)
	}))
	t.Cleanup(foreign.Close)
	tr := &tokenRedirect307{next: http.DefaultTransport, elsewhere: strings.Replace(foreign.URL, "127.0.0.1", "localhost", 1)}
	keys := secret.NewMemory()
	a := openHome(t, t.TempDir(), keys, &http.Client{Transport: tr})
	for _, v := range [][2]string{{"hubspot", "hs"}, {"pipedrive", "pd"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	saveSyncs(t, a, app.DemoPipedriveSync("people", "hs", "pd", ""))
	tr.armed.Store(true)
	expireStoredSignIn(t, keys, "pd")
	// The refused refresh is retried (now answered) or fails saying why.
	if _, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil && !strings.Contains(err.Error(), "another host") {
		t.Errorf("the run's error %v does not say the refresh was redirected to another host", err)
	}
	if v, ok := leaked.Load().(string); ok {
		t.Errorf("the refresh was resent to another host: %.40s…", v)
	}
}
