// Package ui is crmsync's Fyne desktop shell: one window with a navigation
// list on the left and one screen per file. Background work reports back
// through fyne.Do; every error reaches the user through showError.
package ui

import (
	"context"
	"log/slog"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Deps is what the shell needs from the composition root. Nil callbacks
// leave their buttons disabled, so the shell runs before the use cases exist.
type Deps struct {
	Logger *slog.Logger
	// Icon is the window icon; nil keeps Fyne's default.
	Icon fyne.Resource
	// HomeDir is the data folder shown in Settings.
	HomeDir string
	// TrySandbox connects two simulated CRMs so the user can explore safely.
	TrySandbox func(ctx context.Context) error
	// Connect starts connecting a real CRM (browser consent).
	Connect func(ctx context.Context) error
	// NewSync starts defining a sync between two connections.
	NewSync func(ctx context.Context) error
}

// Screen names, also used as navigation labels.
const (
	ScreenConnections = "Connections"
	ScreenSyncs       = "Syncs"
	ScreenReview      = "Review"
	ScreenHistory     = "History"
	ScreenSettings    = "Settings"
)

// Preference keys.
const (
	prefWidth  = "window.width"
	prefHeight = "window.height"
	prefScreen = "window.screen"
	prefTheme  = "theme"
)

var defaultSize = fyne.NewSize(1000, 680)

type screen struct {
	name  string
	icon  fyne.Resource
	build func() fyne.CanvasObject
}

// UI owns the main window.
type UI struct {
	app     fyne.App
	deps    Deps
	log     *slog.Logger
	win     fyne.Window
	screens []screen
	nav     *widget.List
	content *fyne.Container
	current int
	// pending tracks background actions so tests can wait for them.
	pending sync.WaitGroup
}

// New builds the main window without showing it.
func New(a fyne.App, deps Deps) *UI {
	u := &UI{app: a, deps: deps, log: deps.Logger}
	if u.log == nil {
		u.log = slog.Default()
	}
	applyThemeChoice(a, a.Preferences().StringWithFallback(prefTheme, themeSystem))

	u.screens = []screen{
		{ScreenConnections, theme.StorageIcon(), u.connectionsScreen},
		{ScreenSyncs, theme.ViewRefreshIcon(), u.syncsScreen},
		{ScreenReview, theme.WarningIcon(), u.reviewScreen},
		{ScreenHistory, theme.HistoryIcon(), u.historyScreen},
		{ScreenSettings, theme.SettingsIcon(), u.settingsScreen},
	}

	u.win = a.NewWindow("crmsync")
	if deps.Icon != nil {
		u.win.SetIcon(deps.Icon)
	}
	u.content = container.NewStack()
	u.nav = widget.NewList(
		func() int { return len(u.screens) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.HomeIcon()), widget.NewLabel("Connections"))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(u.screens[id].icon)
			row.Objects[1].(*widget.Label).SetText(u.screens[id].name)
		},
	)
	u.nav.OnSelected = func(id widget.ListItemID) { u.show(id) }

	split := container.NewHSplit(container.NewPadded(u.nav), container.NewPadded(u.content))
	split.Offset = 0.2
	// Unpadded, so the content size we see equals the size Resize takes.
	u.win.SetPadded(false)
	u.win.SetContent(newSizeWatcher(split, u.rememberSize))
	u.win.Resize(u.savedSize())
	u.win.SetCloseIntercept(func() {
		u.rememberSize(u.win.Canvas().Size())
		u.win.Close()
	})

	start := 0
	if i := u.indexOf(a.Preferences().String(prefScreen)); i >= 0 {
		start = i
	}
	u.nav.Select(start)
	return u
}

// ShowMain shows the main window. The caller runs the app (ShowAndRun/Run).
func (u *UI) ShowMain() { u.win.Show() }

// Window returns the main window, for dialogs and tests.
func (u *UI) Window() fyne.Window { return u.win }

// Navigate shows the named screen; unknown names are ignored.
func (u *UI) Navigate(name string) {
	if i := u.indexOf(name); i >= 0 {
		u.nav.Select(i)
	}
}

// Current returns the name of the screen on show.
func (u *UI) Current() string { return u.screens[u.current].name }

func (u *UI) indexOf(name string) int {
	for i, s := range u.screens {
		if s.name == name {
			return i
		}
	}
	return -1
}

// show rebuilds the screen each time so it reflects current state.
func (u *UI) show(i int) {
	u.current = i
	u.content.Objects = []fyne.CanvasObject{u.screens[i].build()}
	u.content.Refresh()
	u.app.Preferences().SetString(prefScreen, u.screens[i].name)
}

func (u *UI) savedSize() fyne.Size {
	p := u.app.Preferences()
	w := p.FloatWithFallback(prefWidth, float64(defaultSize.Width))
	h := p.FloatWithFallback(prefHeight, float64(defaultSize.Height))
	if w < 400 || h < 300 { // a corrupt or tiny value would hide the app
		return defaultSize
	}
	return fyne.NewSize(float32(w), float32(h))
}

func (u *UI) rememberSize(s fyne.Size) {
	if s.Width < 400 || s.Height < 300 {
		return
	}
	p := u.app.Preferences()
	if p.Float(prefWidth) != float64(s.Width) {
		p.SetFloat(prefWidth, float64(s.Width))
	}
	if p.Float(prefHeight) != float64(s.Height) {
		p.SetFloat(prefHeight, float64(s.Height))
	}
}
