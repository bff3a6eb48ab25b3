package secret

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// DefaultTimeout bounds every keyring call. A locked Secret Service with a
// display waits for a password prompt forever, so we never wait unbounded.
const DefaultTimeout = 5 * time.Second

// Keyring is the OS keyring (Secret Service on Linux, Keychain on macOS,
// Credential Manager on Windows) behind a context and a timeout. Secrets are
// stored under Service with the key as the user name.
type Keyring struct {
	// Timeout bounds each call; zero means DefaultTimeout.
	Timeout time.Duration
	// backend is the go-keyring provider; nil means the package-level
	// go-keyring functions (which honour keyring.MockInit in tests).
	backend keyring.Keyring
}

var _ Store = (*Keyring)(nil)

// NewKeyring returns a Store backed by the OS keyring.
func NewKeyring(timeout time.Duration) *Keyring { return &Keyring{Timeout: timeout} }

// Get returns the secret stored under key, or ErrNotFound.
func (k *Keyring) Get(ctx context.Context, key string) (string, error) {
	var out string
	err := k.do(ctx, "get", key, func(b keyring.Keyring) error {
		v, err := b.Get(Service, key)
		out = v
		return err
	})
	if err != nil {
		return "", err
	}
	return out, nil
}

// Set stores value under key, replacing any previous value.
func (k *Keyring) Set(ctx context.Context, key, value string) error {
	return k.do(ctx, "set", key, func(b keyring.Keyring) error {
		return b.Set(Service, key, value)
	})
}

// Delete removes the secret under key, or returns ErrNotFound.
func (k *Keyring) Delete(ctx context.Context, key string) error {
	return k.do(ctx, "delete", key, func(b keyring.Keyring) error {
		return b.Delete(Service, key)
	})
}

// do runs call in its own goroutine so a hung D-Bus call cannot block the
// caller past ctx or the timeout. The goroutine may outlive us; its result is
// then dropped (the channel is buffered so it never leaks blocked).
func (k *Keyring) do(ctx context.Context, op, key string, call func(keyring.Keyring) error) error {
	if key == "" {
		return fmt.Errorf("keyring: %s: empty key", op)
	}
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("keyring: %s %q: %w (%w)", op, key, ErrTimeout, err)
	}

	backend := k.backend
	if backend == nil {
		backend = packageKeyring{}
	}
	done := make(chan error, 1)
	go func() { done <- call(backend) }()

	select {
	case err := <-done:
		if err == nil {
			return nil
		}
		return fmt.Errorf("keyring: %s %q: %w", op, key, classify(err))
	case <-ctx.Done():
		return fmt.Errorf("keyring: %s %q: %w (%w)", op, key, ErrTimeout, ctx.Err())
	}
}

// classify maps go-keyring and D-Bus failures to our typed errors. The
// underlying message is kept for diagnosis; it never contains the secret.
func classify(err error) error {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return ErrTooBig
	case isUnavailable(err):
		return fmt.Errorf("%w (%v)", ErrUnavailable, err)
	case strings.Contains(err.Error(), "failed to unlock"):
		// go-keyring's Secret Service answer when the unlock prompt was
		// dismissed or has no display to appear on.
		return fmt.Errorf("%w (%v)", ErrLocked, err)
	}
	return err
}

// unavailableHints are fragments of the errors seen when no Secret Service
// can be reached: no session bus ("dbus-launch" missing, no X11 for
// autolaunch, a dead bus socket), or a bus without a keyring daemon
// (ServiceUnknown).
var unavailableHints = []string{
	"dbus-launch",
	"org.freedesktop.secrets was not provided",
	"org.freedesktop.DBus.Error.ServiceUnknown",
	"couldn't determine address of session bus",
	"X11 initialization failed",
	"dial unix",
	"unsupported platform",
}

func isUnavailable(err error) bool {
	if errors.Is(err, keyring.ErrUnsupportedPlatform) {
		return true
	}
	var execErr *exec.Error
	if errors.As(err, &execErr) {
		return true
	}
	// DBUS_SESSION_BUS_ADDRESS names a socket nobody listens on.
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	msg := err.Error()
	for _, h := range unavailableHints {
		if strings.Contains(msg, h) {
			return true
		}
	}
	return false
}

// packageKeyring forwards to go-keyring's package functions, so the
// provider chosen by go-keyring (or keyring.MockInit) is used.
type packageKeyring struct{}

func (packageKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (packageKeyring) Set(service, user, pass string) error     { return keyring.Set(service, user, pass) }
func (packageKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }
func (packageKeyring) DeleteAll(service string) error           { return keyring.DeleteAll(service) }
