package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// revokeAtWrite revokes the Salesforce grant (refresh token refresh) as
// the first write to Salesforce leaves, once armed.
type revokeAtWrite struct {
	srv     *sandbox.Server
	refresh atomic.Pointer[string]
	fired   atomic.Bool
}

func (r *revokeAtWrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if rt := r.refresh.Load(); rt != nil && req.Method != http.MethodGet &&
		strings.Contains(req.URL.Path, "/composite/sobjects") && r.fired.CompareAndSwap(false, true) {
		r.srv.Salesforce().Auth().Revoke(*rt)
		r.srv.Salesforce().Auth().ExpireAllAccess()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestRevokedWhileWritingConnectionsScreen: Salesforce's grant is
// revoked while the contacts run writes. The Connections screen asks to
// reconnect Salesforce, with Salesforce's words, and no other connection.
func TestRevokedWhileWritingConnectionsScreen(t *testing.T) {
	ctx := context.Background()
	srv, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Seed: 3, Contacts: 30})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	rt := &revokeAtWrite{srv: srv}
	secrets := secret.NewMemory()
	l := &live{t: t, srv: srv}
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secrets, Vendors: registry.Vendors(),
		OpenBrowser: l.browse, RedirectPort: freePort(t), HTTP: &http.Client{Transport: rt}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	l.a = a
	l.u = New(test.NewTempApp(t), Deps{App: a, Sandbox: srv})
	t.Cleanup(l.u.Close)
	l.ui(func() {
		l.u.ShowMain()
		l.u.Window().Resize(fyne.NewSize(1200, 900))
	})
	l.createDemoSyncs()
	l.closeDialogs()

	raw, err := secrets.Get(ctx, "connection/"+demoSalesforce+"/token")
	var tok struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err != nil || json.Unmarshal([]byte(raw), &tok) != nil || tok.RefreshToken == "" {
		t.Fatalf("Salesforce's stored sign-in: %v", err)
	}
	rt.refresh.Store(&tok.RefreshToken)
	res, err := a.Run(ctx, demoSyncName, app.RunOptions{Confirm: true})
	if !rt.fired.Load() {
		t.Fatal("the run wrote nothing to Salesforce")
	}
	if err == nil && res.Summary.Status == "success" {
		t.Fatalf("run with Salesforce's grant revoked succeeded: %+v", res.Summary)
	}
	l.navigate(ScreenConnections)
	l.see("● needs reconnect")
	l.see("expired access/refresh token")
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	n := 0
	for _, s := range texts {
		if strings.Contains(s, "needs reconnect") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d connections need a reconnect on screen; want Salesforce's only: %q", n, texts)
	}
}
