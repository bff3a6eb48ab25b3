package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// windowsCredStore is the OS keyring as Windows Credential Manager sees it
// through go-keyring: a value over 2,560 bytes is refused with
// secret.ErrTooBig (go-keyring's ErrSetDataTooBig), nothing stored. macOS's
// Keychain, through go-keyring's `security -i` line of 4,096 bytes, refuses
// a value of about 3,000 bytes the same way.
type windowsCredStore struct {
	*secret.Memory
	limit int
}

func (s windowsCredStore) Set(ctx context.Context, key, value string) error {
	if len(value) > s.limit {
		return fmt.Errorf("keyring: set %q: %w", key, secret.ErrTooBig)
	}
	return s.Memory.Set(ctx, key, value)
}

// TestDynamicsSignInFitsWindowsCredentialManager: a Dynamics 365
// sign-in is an Entra access token (a JWT of 1.5–3 KB) and a refresh token
// of about 1 KB. Stored together they exceed what Windows Credential
// Manager (2,560 bytes) and go-keyring's macOS Keychain path accept, so
// connecting Dynamics failed on both, every time. Only the refresh token is
// needed to get a new access token, so the sign-in must still be kept, and
// syncs must run, also after the access token expires and a rotated refresh
// token is saved.
func TestDynamicsSignInFitsWindowsCredentialManager(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 35, 12)
	store := windowsCredStore{Memory: secret.NewMemory(), limit: 2560}
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: store, Vendors: registry.Vendors(),
		OpenBrowser: browser, RedirectPort: auth.AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.ConnectSandbox(ctx, srv, "hubspot", "hs"); err != nil {
		t.Fatalf("connect hubspot: %v", err)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	saveSyncs(t, a, app.DemoDynamicsSync("dynamics", "hs", "dv", ""))
	if res, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	// The access token expires; the refresh answers a new one and a
	// rotated refresh token, which must be kept for the run after.
	srv.Dynamics().ExpireAllAccess()
	dv := srv.Dynamics()
	if _, err := dv.Create("contacts", map[string]any{"firstname": "Ada", "lastname": "Keyring", "emailaddress1": "ada.keyring@example.com"}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" || res.Summary.Created != 1 {
		t.Fatalf("run after the access token expired: %v %+v", err, res.Summary)
	}
	srv.Dynamics().ExpireAllAccess()
	if res, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after a second expiry: %v %+v", err, res.Summary)
	}
}
