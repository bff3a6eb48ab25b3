package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// warnLoggedApp is an app over a fresh folder whose warnings go to logged
// and whose vendor calls give up after a few seconds without an answer.
func warnLoggedApp(t *testing.T) (*app.App, *secret.Memory, *bytes.Buffer) {
	t.Helper()
	return warnLoggedAppWithin(t, 5*time.Second)
}

// warnLoggedAppWithin is warnLoggedApp whose vendor calls give up after
// timeout.
func warnLoggedAppWithin(t *testing.T, timeout time.Duration) (*app.App, *secret.Memory, *bytes.Buffer) {
	t.Helper()
	keys, logged := secret.NewMemory(), &bytes.Buffer{}
	a, err := app.Open(context.Background(), app.Options{Home: t.TempDir(), Secrets: keys, Vendors: registry.Vendors(), OpenBrowser: browser,
		RedirectPort: auth.AnyPort, HTTP: &http.Client{Timeout: timeout}, Logger: slog.New(slog.NewTextHandler(logged, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, keys, logged
}

// sandboxHubSpot starts a sandbox (seed, 3 contacts) and answers its
// HubSpot's description.
func sandboxHubSpot(t *testing.T, seed int64) sandbox.VendorInfo {
	t.Helper()
	return sandboxVendor(t, startSandbox(t, seed, 3).Vendors(), "hubspot")
}

// hubspotSignIn is the request that signs the sandbox's HubSpot in as
// connection "hs", its grants revoked at revokeURL.
func hubspotSignIn(hs sandbox.VendorInfo, revokeURL string) app.ConnectRequest {
	return app.ConnectRequest{Vendor: "hubspot", Name: "hs", ClientID: hs.ClientID, ClientSecret: hs.ClientSecret,
		APIBase: hs.APIBase, AuthURL: hs.AuthURL, TokenURL: hs.TokenURL, RevokeURL: revokeURL, OpenConsent: app.FollowConsent(nil)}
}

// silentRevokeServer is a revoke endpoint that reads the request and
// never answers, until the client gives up; it closes when the test ends.
func silentRevokeServer(t *testing.T) *httptest.Server {
	t.Helper()
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	t.Cleanup(silent.Close)
	return silent
}
