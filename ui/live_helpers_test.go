package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// newLiveWith starts a sandbox with n contacts seeded in each vendor and
// opens the app over it, its options first adjusted by adjust (nil for
// none; it may use the running sandbox), and the main window at size. The
// sandbox, the app and the window close when the test ends.
func newLiveWith(t *testing.T, n int, size fyne.Size, adjust func(o *app.Options, srv *sandbox.Server)) *live {
	t.Helper()
	ctx := context.Background()
	srv, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Seed: 3, Contacts: n})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	l := &live{t: t, srv: srv}
	opts := app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(),
		OpenBrowser: l.browse, RedirectPort: auth.AnyPort}
	if adjust != nil {
		adjust(&opts, srv)
	}
	a, err := app.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	l.a = a
	l.u = New(test.NewTempApp(t), Deps{App: a, Sandbox: srv})
	t.Cleanup(l.u.Close)
	l.ui(func() {
		l.u.ShowMain()
		l.u.Window().Resize(size)
	})
	return l
}

// exportedCSV saves run detail d as CSV the way Export CSV does, checks
// the screen says it saved, and answers the file's rows.
func exportedCSV(t *testing.T, l *live, d app.RunDetail) [][]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), csvName(d))
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	l.ui(func() { l.u.saveCSV(w, d) })
	l.see("Saved " + csvName(d) + ".")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// twoDemoRunsSameWarnings creates the ready-made syncs, runs the demo sync
// twice and answers both runs, newest first, which must carry the same
// standing warnings.
func twoDemoRunsSameWarnings(t *testing.T, l *live) []app.RunDetail {
	t.Helper()
	ctx := context.Background()
	l.createDemoSyncs()
	l.closeDialogs()
	for range 2 {
		if _, err := l.a.Run(ctx, demoSyncName, app.RunOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := l.a.Runs(ctx, demoSyncName, 2)
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs: %+v %v", runs, err)
	}
	if len(runs[0].Run.Warnings) == 0 || !slices.Equal(runs[0].Run.Warnings, runs[1].Run.Warnings) {
		t.Fatalf("the two runs' warnings: %q and %q", runs[0].Run.Warnings, runs[1].Run.Warnings)
	}
	return runs
}
