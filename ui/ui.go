// Package ui is crmsync's Fyne desktop shell: one window with a navigation
// list on the left and one screen per file. All I/O runs off the UI
// goroutine and reports back through fyne.Do; every error reaches the user
// through showError.
package ui

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// Deps is what the shell needs from the composition root.
type Deps struct {
	// App is the use-case layer. Nil shows every screen's empty state with
	// its actions disabled (used by layout tests).
	App    *app.App
	Logger *slog.Logger
	// Icon is the window icon; nil keeps Fyne's default.
	Icon fyne.Resource
	// HomeDir is the data folder shown in Settings.
	HomeDir string
	// Sandbox is the in-process sandbox when one already runs (demo mode,
	// tests); otherwise "Try the sandbox" starts one with StartSandbox.
	Sandbox      *sandbox.Server
	StartSandbox func(ctx context.Context) (*sandbox.Server, error)
	// Demo says the app was started with --demo: Connections offers to
	// connect the sandbox CRMs at once.
	Demo bool
	// Background runs syncs on their schedules; nil = no background runs.
	Background *Background
	// NoTray says the desktop shows no system tray (no StatusNotifier host
	// on D-Bus), so closing the window must quit rather than hide it where
	// nobody could get it back.
	NoTray bool
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
	prefWidth         = "window.width"
	prefHeight        = "window.height"
	prefScreen        = "window.screen"
	prefTheme         = "theme"
	prefNotifications = "notifications"
	prefTray          = "tray.keep_running"
	prefStartHidden   = "tray.start_minimized"
	prefRedirectPort  = "oauth.redirect_port"
)

var defaultSize = fyne.NewSize(1100, 720)

type screen struct {
	name  string
	icon  fyne.Resource
	build func() fyne.CanvasObject
}

// UI owns the main window.
type UI struct {
	// zoneLoc is the machine's zone as last read (readZone).
	zoneLoc atomic.Pointer[time.Location]
	app     fyne.App
	deps    Deps
	a       *app.App
	log     *slog.Logger
	win     fyne.Window
	screens []screen
	nav     *widget.List
	content *fyne.Container
	current int
	ctx     context.Context
	cancel  context.CancelFunc

	mu      sync.Mutex
	sandbox *sandbox.Server
	// sandboxStart lets one ensureSandbox start the sandbox at a time; it
	// is held across the start, so never take it on the UI goroutine.
	sandboxStart sync.Mutex
	// runErrs is the last failure of a run the window started, per sync,
	// until one succeeds: a run that fails before its plan is made leaves
	// no row in History, so its card says it (guarded by mu).
	runErrs map[string]error

	// uiMu serialises results arriving through u.do. The real driver runs
	// them on its main goroutine anyway; the test driver runs fyne.Do on
	// the caller's goroutine, and tests hold uiMu while they interact.
	uiMu sync.Mutex

	paneOpen    bool // an editor/preview/detail pane replaces the screen
	trayStatus  *fyne.MenuItem
	trayMenu    *fyne.Menu
	trayResume  *fyne.MenuItem
	traySyncAll *fyne.MenuItem // off while the tray's Sync all runs
	trayText    string         // the status line's last news, without the paused count
	pauses      app.PauseState // the paused syncs, as last read (UI goroutine only)
	// notified is the failure each sync's last notification told, until a
	// run of it succeeds: a sync that fails the same way on every retry
	// or slot notifies once, not every hour (UI goroutine only). The data
	// file keeps it too (notified.go), so a restart does not tell it again.
	notified map[string]string
	// busy holds the actions under way that must not start twice ("delete
	// NAME", "disconnect NAME", demoBusy, editValueBusy, traySyncAllBusy),
	// so their cards stay busy across rebuilds (UI goroutine only; begin,
	// end).
	busy map[string]bool
	// keys handles single-key shortcuts on the current screen (Review).
	keys func(r rune) bool
	// screenGen counts screen rebuilds, so a background load that finishes
	// after its screen was replaced does not install itself.
	screenGen int
	// history is the History screen's list on show, updated in place
	// when a background run ends (UI goroutine only).
	history *historyList

	// The Syncs screen's filter and the sections the user closed, kept
	// while the list is rebuilt (UI goroutine only).
	syncFilter   string
	syncFilterIn *widget.Entry // the filter on show, to keep its focus
	syncOffset   fyne.Position // the list's scroll, kept across rebuilds
	groups       *widget.Accordion
	groupKeys    []string
	closedGroups map[string]bool

	// budgetSaves numbers the daily budget's saves; budgetMu lets one
	// write at a time (saveBudget).
	budgetSaves atomic.Int64
	budgetMu    sync.Mutex

	// pending tracks background work so tests can wait for it.
	pending inFlight
	// runs tracks syncs the window runs (not their results on screen), so
	// quitting lets them stop between batches before the data file closes.
	runs sync.WaitGroup
}

// New builds the main window without showing it.
func New(a fyne.App, deps Deps) *UI {
	u := &UI{app: a, deps: deps, a: deps.App, log: deps.Logger, sandbox: deps.Sandbox}
	u.uiMu.Lock() // results of loads started here wait until the window is built
	defer u.uiMu.Unlock()
	if u.log == nil {
		u.log = slog.Default()
	}
	u.ctx, u.cancel = context.WithCancel(context.Background())
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
	split.Offset = 0.16
	// Unpadded, so the content size we see equals the size Resize takes.
	u.win.SetPadded(false)
	u.win.SetContent(newSizeWatcher(split, u.rememberSize))
	u.win.Resize(u.savedSize())
	u.win.SetCloseIntercept(u.closeWindow)
	u.installShortcuts()

	start := 0
	if i := u.indexOf(a.Preferences().String(prefScreen)); i >= 0 {
		start = i
	}
	u.nav.Select(start)
	return u
}

// closeWindow hides to the tray when that setting is on and a tray exists,
// so scheduled syncs keep running; otherwise it quits.
func (u *UI) closeWindow() {
	u.rememberSize(u.win.Canvas().Size())
	if u.keepInTray() {
		u.win.Hide()
		return
	}
	u.cancel()
	u.win.Close()
}

// ShowMain shows the main window. The caller runs the app (ShowAndRun/Run).
func (u *UI) ShowMain() { u.win.Show() }

// Navigate shows the named screen; unknown names are ignored.
func (u *UI) Navigate(name string) {
	i := u.indexOf(name)
	switch {
	case i < 0:
	case u.current == i:
		u.show(i) // already selected: rebuild so it shows fresh data
	default:
		u.nav.Select(i) // its OnSelected builds the screen, once
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
	u.paneOpen = false
	u.keys = nil
	u.screenGen++
	u.setContent(u.screens[i].build())
	u.app.Preferences().SetString(prefScreen, u.screens[i].name)
}

// refresh rebuilds the screen on show (after a change made elsewhere).
func (u *UI) refresh() { u.show(u.current) }

// openPane shows a full-size pane (editor, preview, run detail) in place of
// the current screen; its Back button calls refresh.
func (u *UI) openPane(o fyne.CanvasObject) {
	u.paneOpen = true
	u.keys = nil
	u.screenGen++
	u.setContent(o)
}

// installShortcuts routes typed keys to the current screen's handler when
// no text field has the focus.
func (u *UI) installShortcuts() {
	u.win.Canvas().SetOnTypedRune(func(r rune) {
		// A dialog is modal: keys typed while one is open are its, never
		// a decision on the screen behind it.
		if u.win.Canvas().Overlays().Top() != nil {
			return
		}
		if u.keys != nil {
			u.keys(r)
		}
	})
}

func (u *UI) setContent(o fyne.CanvasObject) {
	u.content.Objects = []fyne.CanvasObject{o}
	u.content.Refresh()
}

// inFlight counts background work. Unlike a sync.WaitGroup it may gain
// work while Wait returns: a scheduler's callback can start some on its
// own goroutine as a test waits, which a WaitGroup reports as misuse.
type inFlight struct {
	mu   sync.Mutex
	n    int
	zero *sync.Cond // signalled when n reaches 0; made on first use
}

func (f *inFlight) add(d int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n += d; f.n == 0 && f.zero != nil {
		f.zero.Broadcast()
	}
}

// Wait blocks until no background work is in flight.
func (f *inFlight) Wait() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.zero == nil {
		f.zero = sync.NewCond(&f.mu)
	}
	for f.n > 0 {
		f.zero.Wait()
	}
}

// bg runs work off the UI goroutine and hands the result to done on it.
func bg[T any](u *UI, work func(ctx context.Context) (T, error), done func(T, error)) {
	u.pending.add(1)
	go func() {
		defer u.pending.add(-1)
		v, err := work(u.ctx)
		u.do(func() { done(v, err) })
	}()
}

// begin marks the action key under way; false when it already is, as
// for a second press while a slow first one runs (UI goroutine).
func (u *UI) begin(key string) bool {
	if u.busy[key] {
		return false
	}
	if u.busy == nil {
		u.busy = map[string]bool{}
	}
	u.busy[key] = true
	return true
}

// end marks the action key done (UI goroutine).
func (u *UI) end(key string) { delete(u.busy, key) }

// do runs fn on the UI goroutine (fyne.Do), serialised with uiMu. Never
// call it from inside another u.do callback.
func (u *UI) do(fn func()) {
	fyne.Do(func() {
		u.uiMu.Lock()
		defer u.uiMu.Unlock()
		fn()
	})
}

// bgErr is bg for work without a result.
func (u *UI) bgErr(work func(ctx context.Context) error, done func(error)) {
	bg(u, func(ctx context.Context) (struct{}, error) { return struct{}{}, work(ctx) }, func(_ struct{}, err error) { done(err) })
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

// title is a screen's bold heading.
func title(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// paneHeader is a pane's Back and action buttons in one row with its
// title, wrapped, under them: beside the buttons a long sync name made
// the window wider than a small laptop's screen.
func paneHeader(back fyne.CanvasObject, heading string, actions ...fyne.CanvasObject) *fyne.Container {
	t := title(heading)
	t.Wrapping = fyne.TextWrapWord
	return container.NewVBox(container.NewBorder(nil, nil, back, container.NewHBox(actions...)), t)
}

// wrapped is a word-wrapped label.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// loading is the placeholder while a screen fetches its data.
func loading(what string) fyne.CanvasObject {
	bar := widget.NewProgressBarInfinite()
	return container.NewCenter(container.NewVBox(widget.NewLabel("Loading "+what+"…"), bar))
}
