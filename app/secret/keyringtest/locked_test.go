package keyringtest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/secret"
)

// TestLockedKeyringNamesTheFix: a login keyring that is locked and
// cannot be unlocked (no desktop to show gnome-keyring's password prompt,
// or the user dismissed it) must give a typed error that says to unlock it,
// not go-keyring's "failed to unlock correct collection
// '/org/freedesktop/secrets/collection/login'". It runs a fresh copy of this
// test binary in its own D-Bus session with a throwaway gnome-keyring whose
// login collection is locked, so no other test's keyring is touched.
func TestLockedKeyringNamesTheFix(t *testing.T) {
	if os.Getenv("CRMSYNC_LOCKED_CHILD") == "1" {
		k := secret.NewKeyring(20 * time.Second)
		ctx := context.Background()
		for op, err := range map[string]error{
			"set": k.Set(ctx, "connection/dv/token", `{"refresh_token":"r"}`),
			"get": func() error { _, err := k.Get(ctx, "connection/dv/token"); return err }(),
		} {
			if !errors.Is(err, secret.ErrLocked) || !strings.Contains(err.Error(), "unlock") {
				t.Errorf("%s on a locked keyring: got %v, want ErrLocked saying to unlock it", op, err)
			}
		}
		return
	}
	for _, tool := range []string{"dbus-run-session", "dbus-send", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is missing", tool)
		}
	}
	tmp := t.TempDir()
	data, runtime := filepath.Join(tmp, "data"), filepath.Join(tmp, "runtime")
	for _, d := range []string{data, runtime} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", `
		printf "crmsync-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
		dbus-send --session --dest=org.freedesktop.secrets --print-reply /org/freedesktop/secrets \
			org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null || exit 1
		exec "$0" -test.run='^TestLockedKeyringNamesTheFix$' -test.count=1`, os.Args[0])
	// No display: gnome-keyring's prompter cannot open, as on a server or
	// over ssh.
	cmd.Env = append(os.Environ(), "CRMSYNC_LOCKED_CHILD=1", "XDG_DATA_HOME="+data, "XDG_RUNTIME_DIR="+runtime,
		"DISPLAY=", "WAYLAND_DISPLAY=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child test failed: %v\n%s", err, out)
	}
}
