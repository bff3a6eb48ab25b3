package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

func (u *UI) syncsScreen() fyne.CanvasObject {
	newSync := widget.NewButtonWithIcon("New sync", theme.ContentAddIcon(), func() { u.openEditor("") })
	if u.a == nil {
		newSync.Disable()
		return emptyState(theme.ViewRefreshIcon(), "Create a sync after connecting two CRMs",
			"A sync says which records flow between two connections, field by field, and how conflicts are settled.", newSync)
	}
	type data struct {
		syncs []app.SyncView
		conns []app.ConnectionView
		pause app.PauseState
	}
	holder := container.NewStack(loading("syncs"))
	gen := u.screenGen // show() bumps it before building this screen
	bg(u, func(ctx context.Context) (data, error) {
		u.readZone()
		s, err := u.a.Syncs(ctx)
		if err != nil {
			return data{}, err
		}
		c, err := u.a.Connections(ctx)
		if err != nil {
			return data{}, err
		}
		p, err := u.a.PauseState(ctx)
		return data{s, c, p}, err
	}, func(d data, err error) {
		if err == nil {
			u.setPauseState(d.pause) // the tray counts pauses made elsewhere too
		}
		if u.screenGen != gen {
			return // replaced meanwhile: its filter and sections are not on screen
		}
		// A background run rebuilds this screen: whoever was typing in
		// the filter keeps typing there, and the list keeps its place.
		typing := u.syncFilterIn != nil && u.win.Canvas().Focused() == fyne.Focusable(u.syncFilterIn)
		var o fyne.CanvasObject
		switch {
		case err != nil:
			o = emptyState(theme.ErrorIcon(), "Syncs could not be loaded", errorSentence(err)+" "+nextStep(err))
		case len(d.syncs) == 0:
			newSync.Importance = widget.HighImportance
			actions := []fyne.CanvasObject{newSync}
			if hasConnection(d.conns, demoHubSpot) && hasConnection(d.conns, demoSalesforce) {
				actions = append(actions, widget.NewButtonWithIcon("Create the demo sync", theme.MediaPlayIcon(), u.createDemoSync))
			}
			if len(d.conns) < 1 {
				// Nothing to sync yet: the way on is Connections, not a
				// disabled button.
				newSync.Disable()
				newSync.Importance = widget.MediumImportance
				connect := widget.NewButtonWithIcon("Connect a CRM", theme.LoginIcon(), func() { u.Navigate(ScreenConnections) })
				connect.Importance = widget.HighImportance
				actions = append([]fyne.CanvasObject{connect}, actions...)
			}
			o = emptyState(theme.ViewRefreshIcon(), "Create a sync after connecting two CRMs",
				"A sync says which records flow between two connections, field by field, and how conflicts are settled.", actions...)
		default:
			o = u.syncList(d.syncs, d.conns, d.pause, newSync)
		}
		holder.Objects = []fyne.CanvasObject{o}
		holder.Refresh()
		if typing && u.syncFilterIn != nil {
			u.win.Canvas().Focus(u.syncFilterIn)
		}
	})
	return holder
}

func (u *UI) syncList(syncs []app.SyncView, conns []app.ConnectionView, pause app.PauseState, newSync *widget.Button) fyne.CanvasObject {
	// Sync all runs them in the order their links need (companies before
	// the contacts that name them), as the ready-made syncs do.
	all := widget.NewButtonWithIcon("Sync all", theme.MediaFastForwardIcon(), u.syncAll)
	actions := container.NewHBox(all, newSync)
	if pause.Resumable > 0 {
		// The tray's Pause all is undone here too, sync by sync as it paused them.
		resume := widget.NewButtonWithIcon("Resume all", theme.MediaPlayIcon(), u.resumeAll)
		actions.Objects = []fyne.CanvasObject{resume, all, newSync}
	}
	filter := widget.NewEntry()
	filter.SetPlaceHolder("Filter by name, object or connection")
	filter.SetText(u.syncFilter)
	filter.CursorColumn = utf8.RuneCountInString(u.syncFilter)
	u.syncFilterIn = filter
	header := container.NewBorder(nil, nil, title("Syncs"), actions, filter)
	groups := groupSyncs(syncs)
	list := container.NewStack()
	show := func() {
		list.Objects = []fyne.CanvasObject{u.syncGroupsView(groups, conns)}
		list.Refresh()
	}
	filter.OnChanged = func(q string) {
		u.syncFilter = q
		show()
	}
	show()
	scroll := container.NewVScroll(list)
	scroll.Offset = u.syncOffset
	scroll.OnScrolled = func(p fyne.Position) { u.syncOffset = p }
	return container.NewBorder(header, nil, nil, nil, scroll)
}

// syncGroup is the syncs between one pair of connections.
type syncGroup struct {
	key   string // "hs ←→ sf", as its first sync has them
	syncs []app.SyncView
}

// groupSyncs groups syncs by their pair of connections, whichever side
// each connection is on, titled as the first sync run names them (HubSpot
// first in the ready-made ones), pairs in title order, and each pair's syncs in
// the order Sync all runs them (companies before the contacts and deals
// that link through them, contacts before their leads and activities).
func groupSyncs(syncs []app.SyncView) []syncGroup {
	defs := make([]engine.Definition, len(syncs))
	byName := make(map[string]app.SyncView, len(syncs))
	for i, s := range syncs {
		defs[i] = s.Definition
		byName[s.Definition.Name] = s
	}
	at := map[string]int{}
	var groups []syncGroup
	for _, name := range app.RunOrder(defs) {
		s := byName[name]
		a, b := s.Definition.A.Connection, s.Definition.B.Connection
		pair := a + "\x00" + b
		if b < a {
			pair = b + "\x00" + a
		}
		i, ok := at[pair]
		if !ok {
			i = len(groups)
			at[pair] = i
			groups = append(groups, syncGroup{key: a + " ←→ " + b})
		}
		groups[i].syncs = append(groups[i].syncs, s)
	}
	slices.SortStableFunc(groups, func(x, y syncGroup) int { return strings.Compare(x.key, y.key) })
	return groups
}

// syncMatches says whether a sync's name, objects or connections contain
// the filter's text, case aside.
func syncMatches(s app.SyncView, filter string) bool {
	q := strings.ToLower(strings.TrimSpace(filter))
	d := s.Definition
	for _, text := range []string{d.Name, d.A.Object, d.B.Object, d.A.Connection, d.B.Connection} {
		if strings.Contains(strings.ToLower(text), q) {
			return true
		}
	}
	return false
}

// syncGroupsView is one section per pair of connections, open unless the
// user closed it (kept across reloads), with the cards the filter keeps.
func (u *UI) syncGroupsView(groups []syncGroup, conns []app.ConnectionView) fyne.CanvasObject {
	u.rememberClosedGroups()
	acc := widget.NewAccordion()
	acc.MultiOpen = true
	var keys []string
	for _, g := range groups {
		cards := container.NewVBox()
		for _, s := range g.syncs {
			if syncMatches(s, u.syncFilter) {
				cards.Add(u.syncCard(s, conns))
			}
		}
		if len(cards.Objects) == 0 {
			continue
		}
		count := fmt.Sprintf("%d syncs", len(g.syncs))
		if len(cards.Objects) < len(g.syncs) {
			count = fmt.Sprintf("%d of %d syncs", len(cards.Objects), len(g.syncs))
		} else if len(g.syncs) == 1 {
			count = "1 sync"
		}
		if n := u.needingAttention(g.syncs); n > 0 {
			count += fmt.Sprintf(", %d need attention", n)
		}
		item := widget.NewAccordionItem(g.key+"  ·  "+count, cards)
		item.Open = !u.closedGroups[g.key]
		acc.Append(item)
		keys = append(keys, g.key)
	}
	u.groups, u.groupKeys = acc, keys
	if len(keys) == 0 {
		return widget.NewLabel(fmt.Sprintf("No sync's name, object or connection contains %q.", u.syncFilter))
	}
	return acc
}

// needingAttention counts the syncs whose card shows a problem: a health
// other than healthy or new, items in Review, a failed background run.
func (u *UI) needingAttention(syncs []app.SyncView) int {
	n := 0
	for _, s := range syncs {
		bgFailed := u.deps.Background != nil && u.deps.Background.LastFailure(s.Definition.Name) != nil
		if s.Health == "warning" || s.Health == "error" || s.OpenReview > 0 || bgFailed || u.runErr(s.Definition.Name) != nil {
			n++
		}
	}
	return n
}

// rememberClosedGroups notes which sections the user closed in the list
// being replaced, since an accordion tells no one when it closes.
func (u *UI) rememberClosedGroups() {
	if u.groups == nil {
		return
	}
	if u.closedGroups == nil {
		u.closedGroups = map[string]bool{}
	}
	for i, item := range u.groups.Items {
		if i < len(u.groupKeys) {
			u.closedGroups[u.groupKeys[i]] = !item.Open
		}
	}
}

// healthColor is the dot colour of a sync's health.
func healthColor(h string) color.Color {
	switch h {
	case "healthy":
		return theme.Color(theme.ColorNameSuccess)
	case "warning":
		return theme.Color(theme.ColorNameWarning)
	case "error":
		return theme.Color(theme.ColorNameError)
	}
	return theme.Color(theme.ColorNameDisabled)
}

func healthDot(h string) fyne.CanvasObject {
	c := canvas.NewCircle(healthColor(h))
	return container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(14), c))
}

func directionArrow(d mapping.Direction) string {
	switch d {
	case mapping.AtoB:
		return "→"
	case mapping.BtoA:
		return "←"
	case mapping.TwoWay:
		return "←→"
	}
	return "(sync)"
}

func (u *UI) syncCard(s app.SyncView, conns []app.ConnectionView) fyne.CanvasObject {
	def := s.Definition
	name := def.Name
	health := s.Health
	healthWords := "" // what the card says of its health, when not the word itself
	var bgErr error
	if b := u.deps.Background; b != nil {
		if bgErr = b.LastFailure(name); bgErr != nil {
			health = "error"
		}
		if errors.Is(bgErr, engine.ErrNeedsConfirmation) {
			// Held at the safety limits: it waits for a person and nothing
			// failed, as its notification and the tray say.
			health, healthWords = "warning", heldWords
		}
	}
	if u.runErr(name) != nil {
		health, healthWords = "error", ""
	}
	missing := ""
	for _, side := range []string{def.A.Connection, def.B.Connection} {
		if !hasConnection(conns, side) {
			missing = side
			health, healthWords = "error", ""
		}
	}
	heading := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	// Wrapped, as the lines below: beside the buttons they must fit a
	// small laptop's window.
	route := wrapped(fmt.Sprintf("%s %s  %s  %s %s", def.A.Connection, def.A.Object, directionArrow(def.Direction), def.B.Connection, def.B.Object))
	healthText := widget.NewLabel(firstNonBlank(healthWords, health))
	info := container.NewVBox(container.NewHBox(healthDot(health), heading, healthText), route, wrapped(lastRunText(s.LastRun, u.now())))
	next := "Next run: manual"
	if s.Paused {
		next = "Paused: scheduled runs are off"
	} else if b := u.deps.Background; b != nil && def.Schedule != "" && def.Schedule != "manual" {
		next = "Next run: " + until(b.Next(name), u.now()) + " (" + def.Schedule + ")"
	}
	info.Add(wrapped(next))
	if b := u.deps.Background; b != nil && !s.Paused {
		if werr := b.ConnectionWait(name); werr != nil {
			// Another sync met the connection's vendor limit: this one's
			// turns wait too, spending no refused call.
			l := wrapped("Not run: " + errorSentence(werr))
			l.Importance = widget.WarningImportance
			info.Add(l)
		}
	}
	if s.OpenReview > 0 {
		l := widget.NewLabel(fmt.Sprintf("%d items wait in Review", s.OpenReview))
		l.Importance = widget.WarningImportance
		info.Add(l)
	}
	if r := s.LastRun; r != nil && runWarnings(*r) > 0 {
		// Said once here, as History counts only warnings new to a run.
		info.Add(wrapped(lastRunWarningsText(*r)))
	}
	if s.RetryWaiting > 0 {
		l := wrapped(retryWaitLine(s.RetryWaiting, s.RetryNext, u.now()))
		l.Importance = widget.WarningImportance
		info.Add(l)
	}
	for _, line := range waitLines(s.Waiting) {
		info.Add(wrapped(line))
	}
	if s.FullPass != "" {
		info.Add(wrapped("Next run reads every record and merges every linked pair again, because " + s.FullPass + "."))
	}
	if missing != "" {
		info.Add(dangerText(fmt.Sprintf("Connection %q was removed. Connect it again on Connections, or press Edit to choose another; the sync's settings are kept.", missing)))
	} else if bgErr != nil {
		info.Add(dangerText("Last background run " + bgOutcome(bgErr) + ": " + errorSentence(bgErr) + " " + nextStep(bgErr)))
	} else if err := u.runErr(name); err != nil {
		info.Add(dangerText("Last run failed: " + errorSentence(err) + " " + nextStep(err)))
	} else if r := s.LastRun; r != nil && (r.Status == "failed" || r.Status == "partial") && r.Message != "" {
		info.Add(dangerText("Last run " + r.Status + ": " + sentence(r.Message, def.A.Name(), def.B.Name())))
	}

	syncNow := widget.NewButtonWithIcon("Sync now", theme.MediaPlayIcon(), func() { u.syncNow(name) })
	syncNow.Importance = widget.HighImportance
	preview := widget.NewButtonWithIcon("Preview", theme.VisibilityIcon(), func() { u.openPreview(name) })
	pauseLabel, pauseIcon := "Pause", theme.MediaPauseIcon()
	if s.Paused {
		pauseLabel, pauseIcon = "Resume", theme.MediaPlayIcon()
	}
	pause := widget.NewButtonWithIcon(pauseLabel, pauseIcon, func() { u.setPaused(name, !s.Paused) })
	edit := widget.NewButtonWithIcon("Edit", theme.DocumentCreateIcon(), func() { u.openEditor(name) })
	del := widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), nil)
	resync := widget.NewButtonWithIcon("Resync", theme.ViewRefreshIcon(), func() { u.confirmResync(name) })
	if missing != "" {
		syncNow.Disable()
		preview.Disable()
	}
	// A delete waits while another writer holds the data file: the card
	// says so and a second press cannot delete again what is gone.
	deleting := wrapped("Deleting this sync with its links and history…")
	deleting.Importance = widget.LowImportance
	deleting.Hide()
	info.Add(deleting)
	markDeleting := func() {
		for _, b := range []*widget.Button{syncNow, preview, pause, edit, del, resync} {
			b.Disable()
		}
		deleting.Show()
	}
	del.OnTapped = func() { u.confirmDeleteSync(name, markDeleting) }
	if u.busy["delete "+name] {
		markDeleting() // the list was rebuilt while it runs
	}
	if s.FullPass != "" || s.LastRun == nil {
		resync.Disable() // already due, or the first run reads everything anyway
	}
	// Two columns, not three: with a long sync name the card must still fit
	// a small laptop's window.
	buttons := container.NewGridWithColumns(2, syncNow, preview, pause, edit, resync, del)
	return widget.NewCard("", "", container.NewBorder(nil, nil, nil, container.NewCenter(buttons), info))
}

// waitLines says, per sync, how many references wait for it to link
// their records. Syncs with the same count are put in one line: most often
// they are one "link:contacts,leads" row, waiting for either.
func waitLines(waiting map[string]int) []string {
	byCount := map[int][]string{}
	for sync, n := range waiting {
		byCount[n] = append(byCount[n], strconv.Quote(sync))
	}
	var lines []string
	for _, n := range slices.Sorted(maps.Keys(byCount)) {
		syncs := byCount[n]
		slices.Sort(syncs)
		after := "it does"
		if len(syncs) > 1 {
			after = "one of them does"
		}
		lines = append(lines, fmt.Sprintf("%d references wait for sync %s to link their records; the next run after %s writes them.",
			n, strings.Join(syncs, " or "), after))
	}
	return lines
}

func dangerText(s string) *widget.Label {
	l := wrapped(s)
	l.Importance = widget.DangerImportance
	return l
}

// retryWaitLine says how many failed records wait in the retry queue and
// when the next is tried; History's Retry failed tries them at once.
func retryWaitLine(n int, next, now time.Time) string {
	what := "1 failed record waits"
	if n != 1 {
		what = fmt.Sprintf("%d failed records wait", n)
	}
	when := "next try about " + next.In(now.Location()).Format("15:04")
	if !next.After(now) {
		when = "tried on the next run"
	}
	return fmt.Sprintf("%s to be retried (%s); Retry failed in History tries now.", what, when)
}

// lastRunWarningsText names the last run's first warning and counts the rest.
func lastRunWarningsText(r runRow) string {
	n := runWarnings(r)
	if len(r.Warnings) == 0 {
		return "Last run: " + nWarnings(n) + ", see History."
	}
	text := "Last run: " + nWarnings(n) + ": " + shorten(r.Warnings[0], 200)
	if n > 1 {
		text += fmt.Sprintf(" (and %d more in History)", n-1)
	}
	return text
}

func lastRunText(r *runRow, now time.Time) string {
	if r == nil {
		return "Last run: never — press Preview to see what it would do"
	}
	return fmt.Sprintf("Last run: %s · %s · created %d, updated %d, failed %d",
		ago(r.StartedAt, now), runStatusWords(r.Status), r.Created, r.Updated, r.Failed)
}

// runStatusWords is a stored run status as a person reads it; the words
// that already read as such stay.
func runStatusWords(status string) string {
	switch status {
	case "needs_confirmation":
		return heldWords
	case "dry_run":
		return "preview only"
	}
	return status
}

func (u *UI) setPaused(name string, paused bool) {
	u.bgErr(func(ctx context.Context) error {
		if err := u.a.SetPaused(ctx, name, paused); err != nil {
			return err
		}
		return u.reloadSchedules(ctx)
	}, func(err error) {
		if err != nil {
			showError(u.win, err)
		}
		u.loadPauseState()
		u.refreshIf(ScreenSyncs)
	})
}

// confirmResync asks for the next run of a sync to read and merge
// everything again, as HubSpot's Resync does; nothing is written until
// that run is previewed or applied.
func (u *UI) confirmResync(name string) {
	msg := fmt.Sprintf("Resync %s? Its next run reads every record on both sides and merges every linked pair again, "+
		"which spends one read call per page of records. Nothing is written until that run: press Preview to see it first.", name)
	dialog.ShowConfirm("Resync "+name, msg, func(ok bool) {
		if !ok {
			return
		}
		u.bgErr(func(ctx context.Context) error { return u.a.AskFullResync(ctx, name) }, func(err error) {
			if err != nil {
				showError(u.win, err)
			}
			u.refreshIf(ScreenSyncs)
		})
	}, u.win)
}

// confirmDeleteSync asks, then deletes sync name in the background;
// started (may be nil) marks its card busy meanwhile.
func (u *UI) confirmDeleteSync(name string, started func()) {
	msg := fmt.Sprintf("Delete the sync %s with its links and history? Records in the CRMs are not touched.", name)
	dialog.ShowConfirm("Delete "+name, msg, func(ok bool) {
		if !ok || !u.begin("delete "+name) {
			return
		}
		if started != nil {
			started()
		}
		u.bgErr(func(ctx context.Context) error { return u.a.DeleteSync(ctx, name) }, func(err error) {
			u.end("delete " + name)
			if err != nil {
				showError(u.win, err)
				u.refreshIf(ScreenSyncs)
				return
			}
			// A new sync given this name starts clean: no failure on its
			// card, and its first failure notifies.
			u.mu.Lock()
			delete(u.runErrs, name)
			u.mu.Unlock()
			delete(u.notified, name)
			if b := u.deps.Background; b != nil {
				b.Remove(name)
			}
			u.refreshIf(ScreenSyncs)
		})
	}, u.win)
}
