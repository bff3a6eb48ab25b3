// Package keyringtest runs secret.Keyring against the real Secret Service.
// It lives in its own package because keyring.MockInit in app/secret swaps
// go-keyring's provider for the whole test binary.
package keyringtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/secret"
)

// TestRealKeyring needs a running Secret Service, e.g.
//
//	dbus-run-session -- sh -c 'echo -n "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
//	  CRMSYNC_REAL_KEYRING=1 go test ./app/secret/keyringtest/ -run Real -count=1'
func TestRealKeyring(t *testing.T) {
	if os.Getenv("CRMSYNC_REAL_KEYRING") == "" {
		t.Skip("set CRMSYNC_REAL_KEYRING=1 and run under dbus-run-session with gnome-keyring (make test does this)")
	}
	k := secret.NewKeyring(20 * time.Second)
	ctx := context.Background()
	key := fmt.Sprintf("crmsync-test/%d", time.Now().UnixNano())
	t.Cleanup(func() { _ = k.Delete(context.Background(), key) })

	if _, err := k.Get(ctx, key); !errors.Is(err, secret.ErrNotFound) {
		t.Fatalf("Get before Set: got %v, want ErrNotFound", err)
	}
	if err := k.Set(ctx, key, "refresh-token-1"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if got, err := k.Get(ctx, key); err != nil || got != "refresh-token-1" {
		t.Fatalf("Get: got %q, %v", got, err)
	}
	// Rotation replaces the value instead of adding a second item.
	if err := k.Set(ctx, key, "refresh-token-2"); err != nil {
		t.Fatalf("Set rotated: %v", err)
	}
	if got, err := k.Get(ctx, key); err != nil || got != "refresh-token-2" {
		t.Fatalf("Get rotated: got %q, %v", got, err)
	}
	if err := k.Delete(ctx, key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := k.Get(ctx, key); !errors.Is(err, secret.ErrNotFound) {
		t.Fatalf("Get after Delete: got %v, want ErrNotFound", err)
	}
	if err := k.Delete(ctx, key); !errors.Is(err, secret.ErrNotFound) {
		t.Fatalf("second Delete: got %v, want ErrNotFound", err)
	}
}

// TestNoSessionBusIsUnavailable checks the error a user without a keyring
// sees: typed, and naming the fix. godbus caches the session bus for the
// process, so the check runs in a fresh copy of this test binary whose
// DBUS_SESSION_BUS_ADDRESS points at a socket that does not exist.
func TestNoSessionBusIsUnavailable(t *testing.T) {
	if os.Getenv("CRMSYNC_NO_BUS_CHILD") == "1" {
		_, err := secret.NewKeyring(10*time.Second).Get(context.Background(), "anything")
		if !errors.Is(err, secret.ErrUnavailable) {
			t.Fatalf("got %v, want ErrUnavailable", err)
		}
		if !strings.Contains(err.Error(), "install gnome-keyring") {
			t.Fatalf("error should name the fix: %v", err)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoSessionBusIsUnavailable$", "-test.count=1")
	cmd.Env = append(os.Environ(),
		"CRMSYNC_NO_BUS_CHILD=1",
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+t.TempDir()+"/no-such-bus")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child test failed: %v\n%s", err, out)
	}
}
