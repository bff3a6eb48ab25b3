// Command crmsync is a local-first desktop app that keeps CRMs in sync.
// main only wires the parts together; see README.md for the layout.
package main

import (
	"context"
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
// otherwise, and below it the collector does not run at all unless GOGC
// says otherwise. A 100k-contact first sync marks 5-31 MB per collection
// (heap profiles taken after a forced collection show 6-7 MB truly live)
// but allocates gigabytes in small pieces: at GOGC=100 the collector ran each
// time the heap doubled (8 s of CPU over the four 100k bench runs), and a
// 96 MB limit never bound. Collecting only when the heap reaches the limit
// cut the collector's share by 40 % at the same peak RSS (BENCHMARKS.md,
// fix 33). Live heaps stay far below the limit, because the engine works in
// bounded chunks; near it the collector runs sooner instead of taking more
// memory.
const memoryLimit = 64 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(-1)
		}
	}
	log := cli.StderrLogger(os.Stderr)
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
