package ui

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// live is a UI over a real app, a real SQLite file and the in-process
// sandbox, connected over real HTTP on 127.0.0.1.
type live struct {
	t   *testing.T
	u   *UI
	a   *app.App
	srv *sandbox.Server

	mu     sync.Mutex
	opened []string // consent URLs the "browser" fetched
	onOpen func(url string)
}

// browse fetches the consent URL like a user's browser: the sandbox
// approves (or denies) and redirects to the loopback listener.
func (l *live) browse(ctx context.Context, raw string) error {
	l.mu.Lock()
	l.opened = append(l.opened, raw)
	hook := l.onOpen
	l.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	if hook != nil {
		hook(raw)
	}
	return err
}

func newLive(t *testing.T) *live { t.Helper(); return newLiveContacts(t, 30) }

// newLiveContacts is newLive with n contacts seeded in each vendor.
func newLiveContacts(t *testing.T, n int) *live {
	t.Helper()
	return newLiveWith(t, n, fyne.NewSize(1200, 800), nil)
}

// wait lets every background action finish and its result reach the screen.
func (l *live) wait() { l.u.pending.Wait() }

// ui runs fn like an event on the UI goroutine: holding uiMu, the lock
// background results take, so the race detector sees the real ordering.
// It then waits for the background work fn started.
func (l *live) ui(fn func()) {
	l.u.uiMu.Lock()
	fn()
	l.u.uiMu.Unlock()
	l.wait()
}

func (l *live) navigate(screen string) { l.ui(func() { l.u.Navigate(screen) }) }

func (l *live) tap(label string) {
	l.t.Helper()
	l.wait()
	var b *widget.Button
	var texts []string
	disabled := false
	l.ui(func() {
		b = buttonOnScreen(l.u.Window(), label)
		texts = textsOnScreen(l.u.Window())
		if disabled = b != nil && b.Disabled(); b != nil && !disabled {
			test.Tap(b)
		}
	})
	if b == nil {
		l.t.Fatalf("no button %q on screen; texts: %q", label, texts)
	}
	if disabled {
		l.t.Fatalf("button %q is disabled; texts: %q", label, texts)
	}
}

func (l *live) see(want string) {
	l.t.Helper()
	var ok bool
	var texts []string
	l.ui(func() {
		ok = screenContains(l.u.Window(), want)
		texts = textsOnScreen(l.u.Window())
	})
	if !ok {
		l.t.Fatalf("%q not on screen; texts: %q", want, texts)
	}
}

// closeDialogs dismisses every dialog on show, as a user pressing Close
// (or Not now) would.
func (l *live) closeDialogs() {
	for _, label := range []string{"Close", "Not now"} {
		for {
			found := false
			l.ui(func() {
				if b := buttonOnScreen(l.u.Window(), label); b != nil {
					found = true
					test.Tap(b)
				}
			})
			if !found {
				break
			}
		}
	}
}

// statOnScreen reads the number shown above a preview caption.
func statOnScreen(w fyne.Window, caption string) string {
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		c, ok := o.(*fyne.Container)
		if !ok || len(c.Objects) != 2 {
			continue
		}
		num, ok1 := c.Objects[0].(*widget.Label)
		cap, ok2 := c.Objects[1].(*widget.Label)
		if ok1 && ok2 && cap.Text == caption {
			return num.Text
		}
	}
	return ""
}

// connectSandbox drives "Try the sandbox" and accepts the demo sync.
func (l *live) connectSandbox() {
	l.t.Helper()
	l.navigate(ScreenConnections)
	l.see("Connect your first CRM")
	l.tap("Try the sandbox")
	l.see("Sandbox connected")
	l.see("32 ready-made two-way syncs can be created.")
	cs, err := l.a.Connections(context.Background())
	if err != nil || len(cs) != 8 {
		l.t.Fatalf("connections after the sandbox flow: %v %v", cs, err)
	}
	if n := len(l.opened); n != 0 {
		l.t.Fatalf("the browser opened %d consent pages; crmsync answers the sandbox's itself", n)
	}
}

// createDemoSyncs connects the sandbox and creates the ready-made syncs,
// which opens the contacts preview.
func (l *live) createDemoSyncs() {
	l.t.Helper()
	l.connectSandbox()
	l.tap("Create the " + itoa(len(app.DemoSyncs(demoConnections))) + " syncs")
	l.see("Preview of " + demoSyncName)
}

// TestReconnectSandboxConnection reconnects a sandbox connection of a
// vendor other than HubSpot and Salesforce: through the sandbox's own
// sign-in, not the form for a real CRM's client ID.
func TestReconnectSandboxConnection(t *testing.T) {
	l := newLive(t)
	l.connectSandbox()
	l.closeDialogs()
	cs, err := l.a.Connections(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var zoho app.ConnectionView
	for _, c := range cs {
		if c.Vendor == "zoho" {
			zoho = c
		}
	}
	if zoho.Name == "" {
		t.Fatalf("no Zoho sandbox connection in %+v", cs)
	}
	// A denied consent shows that the sandbox's sign-in ran.
	l.srv.Zoho().Auth().SetDeny(true)
	l.ui(func() { l.u.reconnect(zoho) })
	l.see("access_denied")
	l.closeDialogs()
	l.srv.Zoho().Auth().SetDeny(false)
	l.ui(func() { l.u.reconnect(zoho) })
	l.ui(func() {
		if screenContains(l.u.Window(), "Client ID") || screenContains(l.u.Window(), "access_denied") {
			t.Errorf("reconnecting the Zoho sandbox: %q", textsOnScreen(l.u.Window()))
		}
	})
	if n := len(l.opened); n != 0 {
		t.Errorf("the browser opened %d pages", n)
	}
}

func TestDemoConnectPreviewApplyUndo(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.connectSandbox()
	hsBefore, sfBefore := l.srv.HubSpot().Count("contacts"), l.srv.Salesforce().Count("Contact")

	l.tap("Create the " + itoa(len(app.DemoSyncs(demoConnections))) + " syncs")
	l.see("Preview of " + demoSyncName)
	l.see("Estimated API calls")
	// The companies sync has not run: the preview says the contacts'
	// companies wait for it.
	l.see(`that sync "` + demoCompanies + `" has not linked yet`)
	want, err := l.a.Run(ctx, demoSyncName, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	c := want.Plan.Counts
	if c.CreateA+c.CreateB == 0 {
		t.Fatalf("the demo plan creates nothing: %+v", c)
	}
	// The leads sync cannot be previewed before the contacts sync has run:
	// everyone would look like a lead. The preview says which to run.
	l.ui(func() { l.u.openPreview(app.DemoLeadsName) })
	l.see(`"` + demoSyncName + `" has not run yet`)
	l.see("Next: press Sync now on that sync, or Sync all")
	l.closeDialogs()
	l.ui(func() { l.u.openPreview(demoSyncName) })
	l.see("Preview of " + demoSyncName)
	for caption, n := range map[string]int{tileOf(t, l, demoSyncName, "create", "a"): c.CreateA, tileOf(t, l, demoSyncName, "create", "b"): c.CreateB, "link": c.Link} {
		var got string
		l.ui(func() { got = statOnScreen(l.u.Window(), caption) })
		if got != itoa(n) {
			t.Errorf("preview shows %s = %q, want %d", caption, got, n)
		}
	}
	if hsBefore != l.srv.HubSpot().Count("contacts") || sfBefore != l.srv.Salesforce().Count("Contact") {
		t.Fatal("the preview wrote to a CRM")
	}

	l.tap("Apply")
	if want.Plan.NeedsConfirmation {
		l.see("needs your confirmation")
		l.tap("Apply anyway")
	}
	l.see("Run finished")
	l.see("success")
	if got := l.srv.HubSpot().Count("contacts"); got != hsBefore+c.CreateA {
		t.Errorf("HubSpot has %d contacts, want %d", got, hsBefore+c.CreateA)
	}
	if got := l.srv.Salesforce().Count("Contact"); got != sfBefore+c.CreateB {
		t.Errorf("Salesforce has %d contacts, want %d", got, sfBefore+c.CreateB)
	}
	runs, err := l.a.Runs(ctx, demoSyncName, 10)
	if err != nil || len(runs) != 1 || runs[0].Run.Status != "success" {
		t.Fatalf("runs in the store: %+v %v", runs, err)
	}
	// Now HubSpot's unsubscribed contacts with no Salesforce Contact
	// become Leads with their opt-out, and the leads preview says so
	// before anything is written.
	l.closeDialogs()
	leads, err := l.a.Run(ctx, app.DemoLeadsName, app.RunOptions{DryRun: true})
	if err != nil || leads.Plan.Counts.OptOut == 0 {
		t.Fatalf("the leads plan carries no email opt-out: %v %+v", err, leads.Plan.Counts)
	}
	l.ui(func() { l.u.openPreview(app.DemoLeadsName) })
	l.see("Preview of " + app.DemoLeadsName)
	l.see(itoa(leads.Plan.Counts.OptOut) + " email opt-out")
	l.see("carried to the other CRM")
	l.closeDialogs()
	first := runs[0].Run.ID
	l.closeDialogs()

	// The companies and deals demo syncs were saved with it, unrun, on the
	// Syncs screen.
	defs := app.DemoSyncs(demoConnections)
	if len(defs) != 32 {
		t.Fatalf("%d ready-made syncs, want 32 (7 for each CRM beside HubSpot, Salesforce's Leads, 1 each for Mailchimp, Klaviyo and Brevo)", len(defs))
	}
	for _, def := range defs {
		if _, err := l.a.Sync(ctx, def.Name); err != nil {
			t.Fatalf("the demo sync %s was not saved: %v", def.Name, err)
		}
	}
	l.navigate(ScreenSyncs)
	l.see(demoCompanies)
	l.see(demoDeals)
	l.see(demoPeople)
	// The contacts sync ran before the companies sync: its card says what
	// waits, and for which sync.
	l.see(`references wait for sync "` + demoCompanies + `" to link their records`)

	// Running the companies sync links what the contacts wait for: the
	// outcome says so and offers the contacts preview, which now updates
	// contacts with their companies.
	companies, err := l.a.Run(ctx, demoCompanies, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	l.ui(func() { l.u.syncNow(demoCompanies) })
	if companies.Plan.NeedsConfirmation {
		l.tap("Apply anyway")
	}
	l.see("Run finished")
	l.see(`Sync "` + demoSyncName + `" has`)
	l.tap("Preview " + demoSyncName)
	l.see("Preview of " + demoSyncName)
	l.wait()
	var updates string
	l.ui(func() { updates = statOnScreen(l.u.Window(), tileOf(t, l, demoSyncName, "update", "b")) })
	if updates == "" || updates == "0" {
		t.Errorf("the contacts preview after the companies run shows %q updates in B, want the waiting companies written", updates)
	}
	l.closeDialogs()

	// History lists the run; its detail offers Undo with a preview.
	l.navigate(ScreenHistory)
	l.see("records synced")
	l.ui(func() { l.u.openRunDetail(first) })
	l.see("Field changes")
	l.tap("Undo this run")
	l.see("Undo run")
	l.wait()
	undoPlan, err := l.a.Undo(ctx, first, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if undoPlan.Plan.Empty() {
		t.Fatal("undoing the first run plans nothing")
	}
	l.tap("Undo this run")
	if undoPlan.Plan.NeedsConfirmation {
		l.tap("Apply anyway")
	}
	l.see("Run finished")
	runs, _ = l.a.Runs(ctx, demoSyncName, 10)
	var undone bool
	for _, r := range runs {
		if r.Run.UndoOf == first && (r.Run.Status == "success" || r.Run.Status == "partial") {
			undone = true
		}
	}
	if !undone {
		t.Fatalf("no undo run of run %d in the store: %+v", first, runs)
	}
}
