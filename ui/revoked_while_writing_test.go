package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
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
	rt, secrets := &revokeAtWrite{}, secret.NewMemory()
	l := newLiveWith(t, 30, fyne.NewSize(1200, 900), func(o *app.Options, srv *sandbox.Server) {
		rt.srv = srv
		o.Secrets, o.HTTP = secrets, &http.Client{Transport: rt}
	})
	a := l.a
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
