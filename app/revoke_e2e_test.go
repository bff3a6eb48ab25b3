package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// TestRevokedRefreshTokenMidRun: Klaviyo's refresh token is revoked
// (and its access token expired) as the run starts writing to Klaviyo. The
// run must end with an error naming the connection and telling the user to
// reconnect; after reconnecting, the next run completes and settles with no
// duplicate on either side.
func TestRevokedRefreshTokenMidRun(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 521, 40)
	tr := &lossyTransport{next: http.DefaultTransport}
	mem := secret.NewMemory()
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: mem, Vendors: registry.Vendors(), OpenBrowser: browser,
		RedirectPort: auth.AnyPort, HTTP: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for _, v := range [][2]string{{"hubspot", "hs"}, {"klaviyo", "kv-news"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	kv := srv.Klaviyo()
	raw, err := mem.Get(ctx, "connection/kv-news/token")
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal([]byte(raw), &tok); err != nil || tok.RefreshToken == "" {
		t.Fatalf("stored token: %v %q", err, tok.RefreshToken)
	}
	saveSyncs(t, a, app.DemoKlaviyoSync("profiles", "hs", "kv-news"))
	var once atomic.Bool
	tr.setHook(func(r *http.Request) {
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/klaviyo/") && strings.Contains(r.URL.Path, "import") && once.CompareAndSwap(false, true) {
			kv.Auth().Revoke(tok.RefreshToken)
			kv.Auth().ExpireAllAccess()
		}
	})
	res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
	if !once.Load() {
		t.Fatal("the run wrote nothing to Klaviyo")
	}
	t.Logf("run with the revoked token: %v %+v", err, res.Summary)
	msg := ""
	if err != nil {
		msg = err.Error()
	} else if res.Summary != nil {
		msg = res.Summary.Message
	}
	if !strings.Contains(msg, "kv-news") || !strings.Contains(strings.ToLower(msg), "reconnect") {
		t.Errorf("the run's error %q does not name connection kv-news and say to reconnect", msg)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "klaviyo", "kv-news"); err != nil {
		t.Fatalf("reconnect: %v", err)
	}
	res, err = a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Failed != 0 {
		t.Fatalf("run after reconnecting: %v %+v", err, res.Summary)
	}
	res, err = a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Created+res.Summary.Updated != 0 {
		t.Errorf("run after: %v %+v", err, res.Summary)
	}
	seen := map[string]int{}
	for _, p := range kv.Profiles() {
		seen["kv:"+strings.ToLower(p.Email)]++
	}
	for _, r := range srv.HubSpot().Records("contacts") {
		seen["hs:"+strings.ToLower(r.Properties["email"])]++
	}
	for e, n := range seen {
		if n > 1 && !strings.HasSuffix(e, ":") {
			t.Errorf("%d records with %s", n, e)
		}
	}
}
