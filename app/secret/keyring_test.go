package secret

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// These tests swap go-keyring's provider for the whole test binary, so they
// run sequentially (no t.Parallel). The real Secret Service is exercised in
// app/secret/keyringtest.

func TestKeyringRoundTrip(t *testing.T) {
	keyring.MockInit()
	k := NewKeyring(0)
	ctx := context.Background()

	if _, err := k.Get(ctx, "connection/hs/token"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Set: got %v, want ErrNotFound", err)
	}
	if err := k.Set(ctx, "connection/hs/token", "s3cr3t"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	got, err := k.Get(ctx, "connection/hs/token")
	if err != nil || got != "s3cr3t" {
		t.Fatalf("Get: got %q, %v; want s3cr3t", got, err)
	}
	if err := k.Set(ctx, "connection/hs/token", "rotated"); err != nil {
		t.Fatalf("Set again: %v", err)
	}
	if got, _ := k.Get(ctx, "connection/hs/token"); got != "rotated" {
		t.Fatalf("Get after rotate: got %q", got)
	}
	if err := k.Delete(ctx, "connection/hs/token"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := k.Delete(ctx, "connection/hs/token"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: got %v, want ErrNotFound", err)
	}
	// The secret is stored under our service name, not some other.
	if err := k.Set(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if v, err := keyring.Get(Service, "k"); err != nil || v != "v" {
		t.Fatalf("stored under service %q: got %q, %v", Service, v, err)
	}
}

func TestKeyringErrorMapping(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"too big", keyring.ErrSetDataTooBig, ErrTooBig},
		{"not found", keyring.ErrNotFound, ErrNotFound},
		{"no session bus", &exec.Error{Name: "dbus-launch", Err: exec.ErrNotFound}, ErrUnavailable},
		{"no dbus-launch text", errors.New(`exec: "dbus-launch": executable file not found in $PATH`), ErrUnavailable},
		{"no keyring daemon", errors.New("The name org.freedesktop.secrets was not provided by any .service files"), ErrUnavailable},
		{"unsupported platform", keyring.ErrUnsupportedPlatform, ErrUnavailable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			keyring.MockInitWithError(c.err)
			k := NewKeyring(0)
			ctx := context.Background()
			if err := k.Set(ctx, "key", "value"); !errors.Is(err, c.want) {
				t.Errorf("Set: got %v, want %v", err, c.want)
			}
			if _, err := k.Get(ctx, "key"); !errors.Is(err, c.want) {
				t.Errorf("Get: got %v, want %v", err, c.want)
			}
			if err := k.Delete(ctx, "key"); !errors.Is(err, c.want) {
				t.Errorf("Delete: got %v, want %v", err, c.want)
			}
		})
	}
}

func TestKeyringUnavailableNamesTheFix(t *testing.T) {
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	_, err := NewKeyring(0).Get(context.Background(), "key")
	if err == nil || !strings.Contains(err.Error(), "install gnome-keyring") {
		t.Fatalf("error should tell the user what to install, got %v", err)
	}
}

func TestKeyringUnknownErrorIsWrappedNotHidden(t *testing.T) {
	boom := errors.New("boom")
	keyring.MockInitWithError(boom)
	err := NewKeyring(0).Set(context.Background(), "key", "value")
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want wrapped boom", err)
	}
	for _, typed := range []error{ErrNotFound, ErrUnavailable, ErrTooBig, ErrTimeout} {
		if errors.Is(err, typed) {
			t.Fatalf("unknown error mislabelled as %v", typed)
		}
	}
}

func TestKeyringSecretNeverInError(t *testing.T) {
	keyring.MockInitWithError(keyring.ErrSetDataTooBig)
	err := NewKeyring(0).Set(context.Background(), "key", "super-secret-value")
	if err == nil || strings.Contains(err.Error(), "super-secret-value") {
		t.Fatalf("error must not contain the secret: %v", err)
	}
}

func TestKeyringEmptyKey(t *testing.T) {
	keyring.MockInit()
	if err := NewKeyring(0).Set(context.Background(), "", "v"); err == nil {
		t.Fatal("Set with empty key should fail")
	}
}

// hangingBackend blocks like a locked keyring waiting for a prompt nobody
// answers, until the test releases it.
type hangingBackend struct{ release chan struct{} }

func (h hangingBackend) Get(string, string) (string, error) { <-h.release; return "", nil }
func (h hangingBackend) Set(string, string, string) error   { <-h.release; return nil }
func (h hangingBackend) Delete(string, string) error        { <-h.release; return nil }
func (h hangingBackend) DeleteAll(string) error             { <-h.release; return nil }

func TestKeyringCancelledContextReturnsTimeout(t *testing.T) {
	h := hangingBackend{release: make(chan struct{})}
	defer close(h.release)
	// A long Timeout proves the caller's context, not the timer, ended the call.
	k := &Keyring{Timeout: time.Hour, backend: h}

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := k.Get(ctx, "key")
		errc <- err
	}()
	cancel()
	err := <-errc
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want ErrTimeout wrapping context.Canceled", err)
	}
}

func TestKeyringTimeoutOnHang(t *testing.T) {
	h := hangingBackend{release: make(chan struct{})}
	defer close(h.release)
	k := &Keyring{Timeout: 1, backend: h} // 1ns: expires at once
	if err := k.Set(context.Background(), "key", "v"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
}
