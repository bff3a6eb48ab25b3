package ui

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
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

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
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

// closeDialogs dismisses every dialog on show, as a user pressing OK would.
func (l *live) closeDialogs() {
	for _, label := range []string{"OK", "Not now"} {
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
	l.see("Create the 32 ready-made two-way syncs?")
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
	for caption, n := range map[string]int{"create in A": c.CreateA, "create in B": c.CreateB, "link": c.Link} {
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
	l.ui(func() { updates = statOnScreen(l.u.Window(), "update in B") })
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

func TestEditorSuggestsValidatesAndSaves(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.connectSandbox()
	l.closeDialogs()
	l.navigate(ScreenSyncs)
	l.tap("New sync")
	l.see("New sync")
	l.see("fields loaded")
	l.see("Suggested mappings")
	l.ui(func() {
		if b := buttonOnScreen(l.u.Window(), "Save"); b == nil || !b.Disabled() {
			t.Error("Save should be disabled while the sync has no mapping")
		}
	})
	l.tap("Accept all")
	l.see("Sample: A email")

	// A transform that does not fit shows a problem beside its row and
	// blocks Save.
	var tr *widget.SelectEntry
	l.ui(func() { tr = firstOf[*widget.SelectEntry](l.u.Window()) })
	if tr == nil {
		t.Fatal("no transform picker on screen")
	}
	var was string
	l.ui(func() { was = tr.Text; tr.SetText("frobnicate") })
	l.see("to save")
	l.ui(func() {
		if b := buttonOnScreen(l.u.Window(), "Save"); !b.Disabled() {
			t.Error("Save enabled although a row is invalid")
		}
		tr.SetText(was)
	})
	l.tap("Save")
	var cur string
	l.ui(func() { cur = l.u.Current() })
	if cur != ScreenSyncs {
		t.Fatalf("after saving, screen = %s", cur)
	}
	syncs, err := l.a.Syncs(ctx)
	if err != nil || len(syncs) != 1 {
		t.Fatalf("syncs: %+v %v", syncs, err)
	}
	def := syncs[0].Definition
	var email bool
	for _, f := range def.Fields {
		// The two connections the editor offers first: HubSpot's email
		// with Salesforce's Email, Pipedrive's email or Dynamics 365's
		// emailaddress1, either way round.
		isEmail := func(n string) bool { return strings.EqualFold(n, "email") || n == "emailaddress1" }
		email = email || isEmail(f.A) && isEmail(f.B) && (f.A == "email" || f.B == "email")
	}
	if !email || len(def.Match) == 0 {
		t.Fatalf("saved definition lacks email mapping or match rule: %+v", def)
	}
	l.see(def.Name)
	l.see("Sync now")
}

func firstOf[T fyne.CanvasObject](w fyne.Window) T {
	var zero T
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		if v, ok := o.(T); ok {
			return v
		}
	}
	return zero
}

func TestReviewResolveCreatesRecord(t *testing.T) {
	l, def := liveWithReviewItems(t)
	ctx := context.Background()
	open, err := l.a.Reviews(ctx, def.Name, "unmatched", "open")
	if err != nil || len(open) == 0 {
		t.Fatalf("no unmatched review items: %v", err)
	}
	l.navigate(ScreenReview)
	l.see("Review")
	l.see("unmatched")
	l.see("Create (C)")
	selected, ok := reviewSelected(l)
	if !ok {
		t.Fatal("no review item in the detail pane")
	}
	// Keyboard shortcut: C creates the record in the other CRM.
	l.ui(func() { l.u.keys('c') })
	l.see("applied on the next run")
	items, _ := l.a.Reviews(ctx, def.Name, "", "decided")
	if len(items) != 1 || items[0].ID != selected {
		t.Fatalf("decided items = %+v, want item %d", items, selected)
	}
	hs, sf := l.srv.HubSpot().Count("contacts"), l.srv.Salesforce().Count("Contact")
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if got := l.srv.HubSpot().Count("contacts") + l.srv.Salesforce().Count("Contact"); got != hs+sf+1 {
		t.Fatalf("after the decision, the CRMs hold %d records, want %d", got, hs+sf+1)
	}
}

// reviewSelected returns the review item on show in the detail pane.
func reviewSelected(l *live) (int64, bool) {
	items, _ := l.a.Reviews(context.Background(), "", "", "open")
	var id int64
	var found bool
	l.ui(func() {
		for _, it := range items {
			if !found && screenContains(l.u.Window(), "record "+it.RecordID) {
				id, found = it.ID, true
			}
		}
	})
	return id, found
}

func TestDeniedConsentShowsNextStepAndStoresNothing(t *testing.T) {
	l := newLive(t)
	l.srv.HubSpot().Auth().SetDeny(true)
	l.navigate(ScreenConnections)
	l.tap("Try the sandbox")
	l.see("access_denied")
	l.see("approve the access")
	cs, _ := l.a.Connections(context.Background())
	if len(cs) != 0 {
		t.Fatalf("a denied consent stored connections: %+v", cs)
	}
}

func TestInvalidClientIDCanBeCancelled(t *testing.T) {
	l := newLive(t)
	var hs sandbox.VendorInfo
	for _, v := range l.srv.Vendors() {
		if v.Vendor == "hubspot" {
			hs = v
		}
	}
	opened := make(chan string, 1)
	l.onOpen = func(u string) { opened <- u }
	l.navigate(ScreenConnections)
	l.tap("Connect a CRM")
	l.see("Register exactly this redirect URI")
	l.see(l.a.RedirectURI("hubspot", 0))
	l.u.uiMu.Lock()
	form := allOf[*widget.Entry](l.u.Window())
	set := func(placeholder, text string) {
		for _, e := range form {
			if strings.HasPrefix(e.PlaceHolder, placeholder) && e.Text == "" {
				e.SetText(text)
				return
			}
		}
		t.Fatalf("no entry with placeholder %q", placeholder)
	}
	set("from the app you registered", "not-a-real-client")
	set("default: the vendor", hs.APIBase)
	set("default: the vendor", hs.AuthURL)
	set("default: the vendor", hs.TokenURL)
	test.Tap(buttonOnScreen(l.u.Window(), "Connect"))
	l.u.uiMu.Unlock()
	got := <-opened // the sandbox answered the browser with "unknown client_id"
	if !strings.Contains(got, "client_id=not-a-real-client") {
		t.Fatalf("consent URL %q", got)
	}
	l.u.uiMu.Lock()
	if !screenContains(l.u.Window(), "Waiting for you to approve") {
		t.Errorf("no waiting dialog; texts %q", textsOnScreen(l.u.Window()))
	}
	test.Tap(buttonOnScreen(l.u.Window(), "Cancel"))
	l.u.uiMu.Unlock()
	l.wait()
	l.ui(func() {
		if screenContains(l.u.Window(), "Something went wrong") {
			t.Errorf("a cancel is not an error; texts %q", textsOnScreen(l.u.Window()))
		}
	})
	if cs, _ := l.a.Connections(context.Background()); len(cs) != 0 {
		t.Fatalf("cancelled connect stored %+v", cs)
	}
}

func allOf[T fyne.CanvasObject](w fyne.Window) []T {
	var out []T
	c := w.Canvas()
	for _, root := range append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...) {
		for _, o := range test.LaidOutObjects(root) {
			if v, ok := o.(T); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

func TestRemovedConnectionAndLostNetwork(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.createDemoSyncs()

	// The network goes away: the preview says so and what to do.
	l.srv.Close()
	l.ui(func() { l.u.openPreview(demoSyncName) })
	l.see("The preview could not be made")
	l.see("check your network")
	if _, err := l.a.Sync(ctx, demoSyncName); err != nil {
		t.Fatalf("the sync was lost: %v", err)
	}

	// A connection removed under a sync: the card says how to fix it and
	// the editor names the missing connection; the sync is kept.
	if err := l.a.DB().DeleteConnection(ctx, demoHubSpot); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenSyncs)
	l.see("was removed")
	l.ui(func() { l.u.openEditor(demoSyncName) })
	l.see("no longer exists")
	if _, err := l.a.Sync(ctx, demoSyncName); err != nil {
		t.Fatalf("the sync was lost: %v", err)
	}
}

// TestSyncAllRunsEverySyncInOrder: Sync all on the Syncs screen runs the
// 32 ready-made syncs once, each after the syncs it links through
// (companies before the contacts and deals that name them, contacts
// before their activities), and says how each ended. A first contacts
// sync over its safety limit is not applied: the outcome names it and
// offers its preview.
func TestSyncAllRunsEverySyncInOrder(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.createDemoSyncs()
	l.navigate(ScreenSyncs)
	l.tap("Sync all")
	l.see("Synced all")
	l.see(demoCompanies + ": success, created")
	runID := map[string]int64{}
	var unconfirmed []string
	defs := app.DemoSyncs(demoConnections)
	for _, def := range defs {
		runs, err := l.a.Runs(ctx, def.Name, 5)
		if err != nil || len(runs) != 1 {
			t.Fatalf("%s: runs %+v %v; want one", def.Name, runs, err)
		}
		switch st := runs[0].Run.Status; st {
		case "success":
		case "needs_confirmation":
			unconfirmed = append(unconfirmed, def.Name)
			l.see(def.Name + ": not applied, it needs your confirmation")
		default:
			t.Errorf("%s: run %s", def.Name, st)
		}
		runID[def.Name] = runs[0].Run.ID
	}
	for _, def := range defs {
		for _, dep := range mapping.LinkedSyncs(def.Fields) {
			if runID[dep] > runID[def.Name] {
				t.Errorf("%s ran (run %d) before %s (run %d), whose links it translates through", def.Name, runID[def.Name], dep, runID[dep])
			}
		}
	}
	l.see(fmt.Sprintf("%d of %d syncs ran without a problem", len(defs)-len(unconfirmed), len(defs)))
	if len(unconfirmed) == 0 {
		t.Fatal("no sync stopped at its safety limit; the test no longer covers the offered preview")
	}
	l.see(fmt.Sprintf("%d need your confirmation in their preview", len(unconfirmed)))
	first := slices.MinFunc(unconfirmed, func(a, b string) int { return cmp.Compare(runID[a], runID[b]) })
	l.tap("Preview " + first)
	l.see("Preview of " + first)
}

// TestEditorKeepsLinkedFilter: the ready-made leads sync's "linked:" filter
// (another sync's links, not a field) shows in the editor as written, a
// new filter can pick one, and both are kept when the sync is saved.
func TestEditorKeepsLinkedFilter(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.createDemoSyncs()
	l.ui(func() { l.u.openEditor(app.DemoLeadsName) })
	l.see("fields loaded")
	l.see("linked:" + demoSyncName)
	// A new filter on A offers the syncs of the same connections and
	// object as a choice; picking one fills in eq false.
	l.tap("Add filter on A")
	picked := false
	l.ui(func() {
		for _, p := range allOf[*fieldPicker](l.u.Window()) {
			if p.Selected == "" && p.offers("linked:"+demoSyncName) {
				p.SetSelected("linked:" + demoSyncName)
				picked = true
				break
			}
		}
	})
	if !picked {
		t.Fatal("the new filter's field picker offers no linked: choice")
	}
	l.tap("Save")
	v, err := l.a.Sync(ctx, app.DemoLeadsName)
	if err != nil {
		t.Fatal(err)
	}
	want := engine.Filter{Field: "linked:" + demoSyncName, Op: "eq", Value: "false"}
	if f := v.Definition.Filters.A; len(f) != 2 || f[0] != want || f[1] != want {
		t.Errorf("saved filters of side A: %+v, want two of %+v", f, want)
	}
}
