package ui

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/cli"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// LaunchOptions is what main hands the GUI.
type LaunchOptions struct {
	Home string
	Demo bool
	Env  cli.Env
	Icon fyne.Resource
}

// Launch opens the data folder and runs the window until it is closed.
// With Demo, the sandbox CRMs run in-process and the demo keeps its own
// throwaway data folder and in-memory secrets, so it never touches real ones.
func Launch(ctx context.Context, o LaunchOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fa := fyneapp.NewWithID("io.crmsync.app")
	if o.Icon != nil {
		fa.SetIcon(o.Icon)
	}
	secrets, err := o.Env.Secrets()
	if err != nil {
		return err
	}
	home := o.Home
	if o.Demo {
		home = filepath.Join(o.Home, "demo")
		_ = os.RemoveAll(home) // the sandbox's data is regenerated each launch
		secrets = secret.NewMemory()
	}
	stderr := o.Env.Stderr
	opts := app.Options{
		Home: home, Secrets: secrets, Vendors: o.Env.Vendors, HTTP: o.Env.HTTP, Logger: o.Env.Logger,
		RedirectPort: fa.Preferences().Int(prefRedirectPort),
		OpenBrowser: func(_ context.Context, raw string) error {
			u, err := url.Parse(raw)
			if err != nil {
				return err
			}
			if stderr != nil {
				// Where no browser opens, the URL is also on the terminal.
				fmt.Fprintf(stderr, "crmsync: sign in at %s\n", raw)
			}
			return fa.OpenURL(u)
		},
	}
	a, err := app.Open(ctx, opts)
	if err != nil {
		// One clear sentence in a window, not a stack trace.
		w := fa.NewWindow("crmsync")
		msg := widget.NewLabel("crmsync cannot start: " + err.Error())
		msg.Wrapping = fyne.TextWrapWord
		w.SetContent(container.NewPadded(container.NewVBox(msg, widget.NewButton("Quit", fa.Quit))))
		w.Resize(fyne.NewSize(560, 160))
		w.ShowAndRun()
		return err
	}
	defer a.Close()

	var srv *sandbox.Server
	if o.Demo {
		if srv, err = app.StartSandbox(ctx, 0); err != nil {
			return err
		}
		defer srv.Close()
	}
	u := New(fa, Deps{
		App: a, Logger: a.Logger(), Icon: o.Icon, HomeDir: home, Demo: o.Demo, Sandbox: srv,
		StartSandbox: func(ctx context.Context) (*sandbox.Server, error) { return app.StartSandbox(ctx, 0) },
		Background:   NewBackground(a, a.Logger()),
	})
	defer u.Close()
	if err := u.startBackground(ctx, func(ctx context.Context) bool { return trayPresent(ctx, a.Logger()) }); err != nil {
		return err
	}
	// A hidden switch for screenshots and support: open on a given screen.
	if s := os.Getenv("CRMSYNC_UI_SCREEN"); s != "" {
		u.Navigate(s)
	}
	if !(u.keepInTray() && fa.Preferences().Bool(prefStartHidden)) {
		u.ShowMain()
	}
	fa.Run()
	return nil
}

// startBackground asks the desktop for a tray (trayCheck, up to 2 s),
// reads the failures notified before, installs the tray and its event
// handler, and only then starts the scheduler: a catch-up run failing at
// start is notified (not dropped for want of a handler), and once (not
// again for want of the saved list). It runs before the window does.
func (u *UI) startBackground(ctx context.Context, trayCheck func(context.Context) bool) error {
	u.deps.NoTray = !trayCheck(ctx)
	u.loadNotified(ctx)
	u.installTray()
	return u.deps.Background.Start(ctx)
}

// Close stops background work started by the UI and any sandbox it started.
// Runs in flight, scheduled or started in the window, stop between batches
// (keeping what they committed) before it returns, so the caller may then
// close the app's data file.
func (u *UI) Close() {
	u.cancel()
	if b := u.deps.Background; b != nil {
		b.Stop()
	}
	u.runs.Wait()
	u.mu.Lock()
	srv := u.sandbox
	u.mu.Unlock()
	if srv != nil && srv != u.deps.Sandbox {
		srv.Close()
	}
}
