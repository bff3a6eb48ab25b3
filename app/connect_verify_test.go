package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// TestTokenConnectRefusesWrongKey: a pasted API key the vendor
// refuses is refused at connect, in the vendor's words; no connection is
// saved and the key is not left in the keyring. A good key still connects.
func TestTokenConnectRefusesWrongKey(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 91, 3)
	for _, tc := range []struct {
		vendor, path, bad, vendorSays string
		good                          func() string
	}{
		{"hubspot", "/hubspot", "pat-na1-00000000-0000-0000-0000-000000000000", "Authentication credentials not found", srv.HubSpot().Auth().IssueLongLived},
		{"mailchimp", "/mailchimp", "0123456789abcdef0123456789abcdef-us1", "API Key Invalid", srv.Mailchimp().MintAPIKey},
		{"klaviyo", "/klaviyo", "pk_0000000000000000000000000000000000", "authentication_failed", srv.Klaviyo().MintAPIKey},
		{"brevo", "/brevo", "xkeysib-wrong", "Key not found", srv.Brevo().MintAPIKey},
		{"pipedrive", "/pipedrive", "0000000000000000000000000000000000000000", "unauthorized access", srv.Pipedrive().APIToken},
	} {
		t.Run(tc.vendor, func(t *testing.T) {
			keys := secret.NewMemory()
			a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: keys, Vendors: registry.Vendors()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			base := srv.URL() + tc.path
			_, err = a.Connect(ctx, app.ConnectRequest{Vendor: tc.vendor, Name: "bad", Token: tc.bad, APIBase: base})
			if err == nil {
				t.Fatalf("connect with a wrong %s key said connected", tc.vendor)
			}
			if !strings.Contains(err.Error(), tc.vendorSays) || strings.Contains(err.Error(), tc.bad) {
				t.Errorf("connect with a wrong key: %q; want the vendor's %q, never the key", err, tc.vendorSays)
			}
			if _, err := a.DB().Connection(ctx, "bad"); err == nil {
				t.Errorf("the refused connection was saved")
			}
			if v, err := keys.Get(ctx, "connection/bad/api-key"); !errors.Is(err, secret.ErrNotFound) {
				t.Errorf("the refused key stayed in the keyring: %q %v", v, err)
			}
			if _, err := a.Connect(ctx, app.ConnectRequest{Vendor: tc.vendor, Name: "good", Token: tc.good(), APIBase: base}); err != nil {
				t.Fatalf("connect with a good key: %v", err)
			}
		})
	}
}

// TestTokenConnectMissingScopes: a HubSpot private app token
// without crm.objects.contacts.read, which every ready-made sync needs,
// is refused at connect with HubSpot's MISSING_SCOPES naming the scope.
func TestTokenConnectMissingScopes(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 92, 3)
	keys := secret.NewMemory()
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: keys, Vendors: registry.Vendors()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	tok := srv.HubSpot().MintAccessTokenWithScopes("oauth", "crm.objects.companies.read")
	_, err = a.Connect(ctx, app.ConnectRequest{Vendor: "hubspot", Name: "hs", Token: tok, APIBase: srv.URL() + "/hubspot"})
	if err == nil || !strings.Contains(err.Error(), "MISSING_SCOPES") || !strings.Contains(err.Error(), "crm.objects.contacts.read") {
		t.Fatalf("connect with a token lacking the contacts scope: %v; want HubSpot's MISSING_SCOPES naming crm.objects.contacts.read", err)
	}
	if _, err := a.DB().Connection(ctx, "hs"); err == nil {
		t.Errorf("the refused connection was saved")
	}
	if _, err := keys.Get(ctx, "connection/hs/api-key"); !errors.Is(err, secret.ErrNotFound) {
		t.Errorf("the refused token stayed in the keyring: %v", err)
	}
}

// TestTokenConnectNetworkFailure: a vendor that cannot be reached
// at connect is not reported as a refused key, and nothing is saved.
func TestTokenConnectNetworkFailure(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 93, 3)
	key := srv.Brevo().MintAPIKey()
	base := srv.URL() + "/brevo"
	srv.Close()
	keys := secret.NewMemory()
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: keys, Vendors: registry.Vendors()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	_, err = a.Connect(ctx, app.ConnectRequest{Vendor: "brevo", Name: "bv", Token: key, APIBase: base})
	if err == nil || strings.Contains(err.Error(), "refused the API key") || strings.Contains(err.Error(), key) {
		t.Fatalf("connect with the vendor unreachable: %v; want a network failure, not a refused key", err)
	}
	if _, err := a.DB().Connection(ctx, "bv"); err == nil {
		t.Errorf("a connection was saved though the key could not be checked")
	}
}

// TestTokenReconnectOtherAccount: reconnecting with a pasted key of
// another account is refused, as an OAuth sign-in to another account is,
// while a sync holds links to the first account's records; a key of the
// same account reconnects.
func TestTokenReconnectOtherAccount(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 94, 6)
	if _, err := a.ConnectSandbox(ctx, srv, "klaviyo", "kv"); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoKlaviyoSync("profiles", "hs", "kv"))
	if res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true}); err != nil || len(syncLinks(t, a, "profiles")) == 0 {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	before, _ := a.DB().Connection(ctx, "kv")

	other := startSandbox(t, 95, 2)
	_, err := a.Connect(ctx, app.ConnectRequest{Vendor: "klaviyo", Name: "kv", Token: other.Klaviyo().MintAPIKey(), APIBase: other.URL() + "/klaviyo"})
	if err == nil || !strings.Contains(err.Error(), "links") {
		t.Fatalf("reconnect with another account's key: %v; want it refused for the sync's links", err)
	}
	if after, _ := a.DB().Connection(ctx, "kv"); after.APIBase != before.APIBase || after.AccountID != before.AccountID || after.AuthKind != before.AuthKind {
		t.Fatalf("connection changed by a refused reconnect: %+v -> %+v", before, after)
	}

	if _, err := a.Connect(ctx, app.ConnectRequest{Vendor: "klaviyo", Name: "kv", Token: srv.Klaviyo().MintAPIKey(), APIBase: srv.URL() + "/klaviyo"}); err != nil {
		t.Fatalf("reconnect with the same account's key: %v", err)
	}
	if _, err := a.Connect(ctx, app.ConnectRequest{Vendor: "hubspot", Name: "hs", Token: srv.HubSpot().Auth().IssueLongLived(), APIBase: srv.URL() + "/hubspot"}); err != nil {
		t.Fatalf("reconnect HubSpot with a token of the same portal: %v", err)
	}
	if res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true}); err != nil || res.Summary.Failed != 0 {
		t.Fatalf("run after the token reconnects: %v %+v", err, res.Summary)
	}
}
