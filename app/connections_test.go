package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector/dynamics"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// browser fetches the consent URL like a user's browser would: the sandbox
// auto-approves and redirects to the loopback listener.
func browser(ctx context.Context, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func testVendors() []connector.Info {
	return []connector.Info{
		{Name: "hubspot", Title: "HubSpot", OAuth: connector.OAuthSpec{PKCE: true, TokenRoute: true, Scopes: []string{"crm.objects.contacts.read"}}},
		{Name: "salesforce", Title: "Salesforce", OAuth: connector.OAuthSpec{PKCE: true, Scopes: []string{"api", "refresh_token"}}},
	}
}

func TestConnectSandboxKeepsTokensOutOfSQLite(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 1, 5)
	secrets := secret.NewMemory()
	home := t.TempDir()
	a, err := app.Open(ctx, app.Options{Home: home, Secrets: secrets, Vendors: testVendors(), OpenBrowser: browser, RedirectPort: auth.AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	for _, v := range []struct{ vendor, name string }{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		c, err := a.ConnectSandbox(ctx, srv, v.vendor, v.name)
		if err != nil {
			t.Fatalf("connect %s: %v", v.vendor, err)
		}
		if c.Status != "connected" || c.APIBase == "" {
			t.Fatalf("connection %+v", c)
		}
	}
	sf, err := a.DB().Connection(ctx, "sf")
	if err != nil || !strings.HasSuffix(sf.APIBase, "/salesforce") {
		t.Fatalf("salesforce api base should come from instance_url: %+v %v", sf, err)
	}
	views, err := a.Connections(ctx)
	if err != nil || len(views) != 2 {
		t.Fatalf("connections: %v %v", views, err)
	}

	// Tokens live in the secret store and nowhere in the data folder.
	raw, err := secrets.Get(ctx, "connection/sf/token")
	if err != nil {
		t.Fatalf("token not in the keyring: %v", err)
	}
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal([]byte(raw), &tok); err != nil || tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatalf("stored token: %v", err)
	}
	a.Close()
	filepath.Walk(home, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		for _, s := range []string{tok.AccessToken, tok.RefreshToken} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains a token", p)
			}
		}
		if strings.HasSuffix(p, store.FileName) && info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v", p, info.Mode().Perm())
		}
		return nil
	})
}

func TestConnectUnknownVendorAndBadHome(t *testing.T) {
	ctx := context.Background()
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: testVendors()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	_, err = a.Connect(ctx, app.ConnectRequest{Vendor: "zoho", Name: "z"})
	if err == nil || !strings.Contains(err.Error(), `unknown vendor "zoho"`) || !strings.Contains(err.Error(), "hubspot") {
		t.Fatalf("err = %v", err)
	}
	_, err = a.Connect(ctx, app.ConnectRequest{Vendor: "salesforce", Name: "sf", Token: "abc"})
	if err == nil || !strings.Contains(err.Error(), "no API-token route") {
		t.Fatalf("err = %v", err)
	}

	// Dynamics 365's scope names the organization: without its URL there is
	// nothing to sign in to, and the error says where to find it.
	b, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: []connector.Info{dynamics.Info()}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, base := range []string{"", "contoso.crm.dynamics.com"} {
		_, err = b.Connect(ctx, app.ConnectRequest{Vendor: "dynamics", Name: "d", ClientID: "app-id", APIBase: base, NoBrowser: true})
		if err == nil || !strings.Contains(err.Error(), "needs your organization's URL") || !strings.Contains(err.Error(), "https://contoso.crm.dynamics.com") {
			t.Fatalf("connect dynamics with API base %q: %v", base, err)
		}
	}

	// A data folder that cannot be created (its parent is a file) is one clear sentence.
	blocker := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocker, []byte("x"), 0o600)
	_, err = app.Open(ctx, app.Options{Home: filepath.Join(blocker, "home"), Secrets: secret.NewMemory()})
	if err == nil || !strings.Contains(err.Error(), "--home") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("unwritable home: %v", err)
	}
}
