package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// TestConnectorWarningsReachTheAppLog: a connector's failed request lands
// in the app's log with the connection's name, and without its token.
func TestConnectorWarningsReachTheAppLog(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 3, 3)
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn}))
	secrets := secret.NewMemory()
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secrets, Vendors: registry.Vendors(), OpenBrowser: browser, RedirectPort: freePort(t), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.ConnectSandbox(ctx, srv, "salesforce", "sf"); err != nil {
		t.Fatal(err)
	}
	s, err := a.OpenConnection(ctx, "sf")
	if err != nil {
		t.Fatal(err)
	}
	srv.Close() // the org goes away: every request now fails to connect
	short, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	for _, err := range s.Client.Read(short, "Contact", "") {
		if err == nil {
			t.Fatal("read from a closed sandbox succeeded")
		}
		break
	}
	out := logged.String()
	if !strings.Contains(out, "connection=sf") || !strings.Contains(out, "request failed") {
		t.Errorf("app log = %q; want the failed request, naming connection sf", out)
	}
	raw, err := secrets.Get(ctx, "connection/sf/token")
	if err != nil {
		t.Fatalf("token not in the secret store: %v", err)
	}
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal([]byte(raw), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("stored token: %v", err)
	}
	if strings.Contains(out, tok.AccessToken) || strings.Contains(out, tok.RefreshToken) {
		t.Errorf("app log holds a token: %q", out)
	}
}
