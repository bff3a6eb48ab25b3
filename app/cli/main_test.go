package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/cli"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// TestMain lets the test binary act as the crmsync command, so the
// end-to-end test runs the real CLI in real subprocesses without building
// the GUI.
func TestMain(m *testing.M) {
	if os.Getenv("CRMSYNC_BE_CLI") == "1" {
		env := cli.Env{
			Stdout: os.Stdout, Stderr: os.Stderr, Vendors: registry.Vendors(),
			HTTP:    &http.Client{Timeout: time.Minute},
			Secrets: testSecrets,
			// As main.go: a warning the command also prints shows twice.
			Logger: cli.StderrLogger(os.Stderr),
		}
		os.Exit(cli.Execute(context.Background(), os.Args[1:], env))
	}
	os.Exit(m.Run())
}

// testSecrets is the real Secret Service when the suite runs under
// dbus-run-session (scripts/test-keyring.sh sets CRMSYNC_REAL_KEYRING), and
// otherwise a file in the test's temp folder: subprocesses must share it.
func testSecrets() (secret.Store, error) { return testSecretsFor(os.Getenv("CRMSYNC_TEST_SECRETS")) }

func testSecretsFor(dir string) (secret.Store, error) {
	if os.Getenv("CRMSYNC_REAL_KEYRING") != "" {
		return secret.NewKeyring(0), nil
	}
	return &fileSecrets{path: filepath.Join(dir, "secrets.json")}, nil
}

// fileSecrets is a test-only store shared by the CLI subprocesses. The
// product never stores a secret in a file.
type fileSecrets struct {
	mu   sync.Mutex
	path string
}

func (f *fileSecrets) load() map[string]string {
	m := map[string]string{}
	b, err := os.ReadFile(f.path)
	if err == nil {
		_ = json.Unmarshal(b, &m)
	}
	return m
}

func (f *fileSecrets) Get(ctx context.Context, key string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.load()[key]
	if !ok {
		return "", secret.ErrNotFound
	}
	return v, nil
}

func (f *fileSecrets) Set(ctx context.Context, key, value string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.load()
	m[key] = value
	b, _ := json.Marshal(m)
	return os.WriteFile(f.path, b, 0o600)
}

func (f *fileSecrets) Delete(ctx context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.load()
	if _, ok := m[key]; !ok {
		return secret.ErrNotFound
	}
	delete(m, key)
	b, _ := json.Marshal(m)
	return os.WriteFile(f.path, b, 0o600)
}

var _ = errors.New
