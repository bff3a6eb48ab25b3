// Command crmsync is a local-first desktop app that keeps CRMs in sync.
// main only wires the parts together; see README.md for the layout.
package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/crmsync/crmsync/app/cli"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/assets"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/ui"
)

// memoryLimit is a soft limit for the Go heap unless GOMEMLIMIT says
// otherwise. The garbage collector lets the heap grow to twice what is live
// before it runs; a 100k-contact first sync, which holds a few tens of MB
// live, then peaked above 150 MB (BENCHMARKS.md). Below the limit nothing
// changes; near it the collector runs sooner instead of taking more memory.
const memoryLimit = 96 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	env := cli.Env{
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Secrets:     func() (secret.Store, error) { return secret.NewKeyring(0), nil },
		Vendors:     registry.Vendors(),
		HTTP:        &http.Client{Timeout: 2 * time.Minute},
		Logger:      log,
		OpenBrowser: cli.OpenBrowser,
	}
	env.GUI = func(ctx context.Context, o cli.GUIOptions) error {
		return ui.Launch(ctx, ui.LaunchOptions{Home: o.Home, Demo: o.Demo, Env: env, Icon: assets.Icon})
	}
	os.Exit(cli.Execute(context.Background(), os.Args[1:], env))
}
