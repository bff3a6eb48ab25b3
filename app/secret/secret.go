// Package secret keeps tokens in the OS keyring (Secret Service, Keychain,
// Credential Manager). Every call takes a context and a timeout because a
// locked keyring can block forever. There is deliberately no plaintext fallback.
package secret

import (
	"context"
	"errors"
)

// Service is the keyring service name every crmsync secret is stored under.
const Service = "crmsync"

var (
	// ErrNotFound means no secret is stored under the key.
	ErrNotFound = errors.New("secret not found in the keyring")
	// ErrUnavailable means no usable keyring exists on this machine.
	ErrUnavailable = errors.New("no Secret Service found; install gnome-keyring or run inside a desktop session")
	// ErrTooBig means the value exceeds what the platform keyring accepts.
	ErrTooBig = errors.New("secret is too big for the OS keyring")
	// ErrLocked means the keyring is locked and was not unlocked: its
	// password prompt was dismissed, or could not be shown (no desktop).
	ErrLocked = errors.New("the login keyring is locked; unlock it (Passwords and Keys, or `gnome-keyring-daemon --unlock` outside a desktop session) and try again")
	// ErrTimeout means the keyring did not answer in time (often: it is locked
	// and waiting for a password prompt nobody sees).
	ErrTimeout = errors.New("the keyring did not answer in time; unlock it and try again")
)

// Store is what the rest of the app needs from a secret store. Keys are
// opaque strings such as "connection/hs/token".
type Store interface {
	Get(ctx context.Context, key string) (string, error)
	Set(ctx context.Context, key, value string) error
	Delete(ctx context.Context, key string) error
}
