// Command crmsync is a local-first desktop app that keeps CRMs in sync.
// main only wires the parts together; see README.md for the layout.
package main

import (
	"log/slog"
	"os"
	"path/filepath"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/crmsync/crmsync/assets"
	"github.com/crmsync/crmsync/ui"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	a := fyneapp.NewWithID("io.crmsync.app")
	a.SetIcon(assets.Icon)
	u := ui.New(a, ui.Deps{Logger: log, Icon: assets.Icon, HomeDir: homeDir()})
	u.ShowMain()
	a.Run()
}

// homeDir is the data folder: $CRMSYNC_HOME, else <user config dir>/crmsync.
// (--home and --demo arrive with the cobra CLI in app/cli.)
func homeDir() string {
	if h := os.Getenv("CRMSYNC_HOME"); h != "" {
		return h
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "crmsync-data"
	}
	return filepath.Join(dir, "crmsync")
}
