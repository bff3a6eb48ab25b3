package ui

import (
	"context"
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
	opts := app.Options{
		Home: home, Secrets: secrets, Vendors: o.Env.Vendors, HTTP: o.Env.HTTP, Logger: o.Env.Logger,
		OpenBrowser: func(_ context.Context, raw string) error {
			u, err := url.Parse(raw)
			if err != nil {
				return err
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
	u := New(fa, Deps{Logger: o.Env.Logger, Icon: o.Icon, HomeDir: home})
	u.ShowMain()
	fa.Run()
	return nil
}
