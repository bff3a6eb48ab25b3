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
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestConnectorWarningsReachTheAppLog: a connector's failed request lands
// in the app's log with the connection's name, and without its token.
func TestConnectorWarningsReachTheAppLog(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 3, 3)
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn}))
	secrets := secret.NewMemory()
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secrets, Vendors: registry.Vendors(), OpenBrowser: browser, RedirectPort: auth.AnyPort, Logger: log})
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

// TestFailedSignInIsLogged: a sign-in that fails says why in the log file too, with the connection's
// name, so a failure nobody saw in the window can still be found. HubSpot
// refuses the token exchange of an app whose client secret is wrong.
func TestFailedSignInIsLogged(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 3, 3)
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(), OpenBrowser: browser, RedirectPort: auth.AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var hs sandbox.VendorInfo
	for _, v := range srv.Vendors() {
		if v.Vendor == "hubspot" {
			hs = v
		}
	}
	short, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, err = a.Connect(short, app.ConnectRequest{Vendor: "hubspot", Name: "hs", ClientID: hs.ClientID, ClientSecret: "not-the-secret",
		APIBase: hs.APIBase, AuthURL: hs.AuthURL, TokenURL: hs.TokenURL, RevokeURL: hs.RevokeURL, OpenConsent: app.FollowConsent(nil)})
	if err == nil {
		t.Fatal("a sign-in with a wrong client secret succeeded")
	}
	if log := logFileText(t, a); !strings.Contains(log, `msg="connect failed" connection=hs vendor=hubspot`) {
		t.Errorf("the log file lacks the failed sign-in (%v); it holds:\n%s", err, log)
	} else if strings.Contains(log, "not-the-secret") {
		t.Errorf("the log file holds the client secret:\n%s", log)
	}
}

// TestRefusedDecisionIsLogged: a review decision the engine refuses (here
// a link to a record id that is no candidate, from a script's typo) is in
// the log file with the review's id and why, beside the error the CLI or
// the window shows.
func TestRefusedDecisionIsLogged(t *testing.T) {
	ctx := context.Background()
	a, _ := connectedSandbox(t, 7, 6)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	err := a.Decide(ctx, 424242, engine.Decision{Action: "link", OtherID: "003-not-there"})
	if err == nil {
		t.Fatal("a decision on a review item that does not exist was accepted")
	}
	if log := logFileText(t, a); !strings.Contains(log, `msg="review decision refused" review=424242`) {
		t.Errorf("the log file lacks the refused decision (%v); it holds:\n%s", err, log)
	}
}
