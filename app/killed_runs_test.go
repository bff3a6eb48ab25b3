package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// killable is an app on a data folder that a test can "kill" (cancel the
// run at a chosen call) and start again on the same folder and keyring.
type killable struct {
	t       *testing.T
	home    string
	secrets secret.Store
	tr      *lossyTransport
	clock   *stepClock
	srv     *sandbox.Server
	a       *app.App
	// retryMinWait is the vendors' first retry back-off step at the next
	// open (0 = the connectors' own 500 ms).
	retryMinWait time.Duration
}

func killableApp(t *testing.T, contacts int, vendors ...[2]string) *killable {
	t.Helper()
	clock := &stepClock{at: time.Now().UTC().Truncate(time.Second)}
	srv, err := sandbox.Start(context.Background(), "127.0.0.1:0", sandbox.Options{Seed: 5, Contacts: contacts, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	k := &killable{t: t, home: t.TempDir(), secrets: secret.NewMemory(), tr: &lossyTransport{next: http.DefaultTransport}, clock: clock, srv: srv}
	k.open()
	t.Cleanup(func() { k.a.Close() })
	for _, v := range vendors {
		if _, err := k.a.ConnectSandbox(context.Background(), srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	return k
}

func (k *killable) open() {
	k.t.Helper()
	a, err := app.Open(context.Background(), app.Options{Home: k.home, Secrets: k.secrets, Vendors: registry.Vendors(), OpenBrowser: browser,
		RedirectPort: auth.AnyPort, HTTP: &http.Client{Transport: k.tr}, Now: k.clock.now, RetryMinWait: k.retryMinWait})
	if err != nil {
		k.t.Fatal(err)
	}
	k.a = a
}

// restart closes the app and opens it again on the same data folder.
func (k *killable) restart() {
	k.t.Helper()
	k.tr.arm(0, nil)
	k.tr.kill = nil
	k.tr.setHook(nil)
	if err := k.a.Close(); err != nil {
		k.t.Logf("close: %v", err)
	}
	k.open()
}

// killOn arms the transport to kill the run on the nth call matching
// match (after the vendor acted on it); it returns the run's context.
func (k *killable) killOn(n int, match func(*http.Request) bool) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	var seen atomic.Int64
	k.tr.kill = cancel
	k.tr.arm(1, func(r *http.Request) bool {
		return match(r) && seen.Add(1) == int64(n)
	})
	return ctx, cancel
}

// runRow is run id as the store holds it now.
func (k *killable) runRow(id int64) store.RunRow {
	k.t.Helper()
	r, err := k.a.DB().Run(context.Background(), id)
	if err != nil {
		k.t.Fatal(err)
	}
	return r
}

// lastRun is the newest run of sync in the store.
func (k *killable) lastRun(sync string) store.RunRow {
	k.t.Helper()
	runs, err := k.a.Runs(context.Background(), sync, 1)
	if err != nil || len(runs) == 0 {
		k.t.Fatalf("runs of %s: %v %v", sync, runs, err)
	}
	return runs[0].Run
}

// TestKilledAfterTakenEmail409: among 40 new Salesforce Contacts
// going to HubSpot (matched by phone, plain creates), 3 carry emails
// HubSpot contacts hold; HubSpot refuses the first batch/create with a 409,
// the connector drops the 3 and sends the rest, and the process dies after
// HubSpot created them but before hearing back. Started again on the same
// data folder: no contact twice, the 37 linked with a complete audit, the
// 3 in review, the killed run not shown as a success.
func TestKilledAfterTakenEmail409(t *testing.T) {
	for _, at := range []string{"read", "resend"} {
		t.Run(at, func(t *testing.T) { killedAfterTaken409(t, at) })
	}
}

// killedAfterTaken409 kills the run on the read of the contact the 409
// names (read) or on the resend of the rest (resend).
func killedAfterTaken409(t *testing.T, at string) {
	k := killableApp(t, 12, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	def := phoneMatchedToHubSpot("by-phone-kill")
	def.Safety.MaxChangePercent = 100
	saveSyncs(t, k.a, def)
	taken := takenEmailContacts(t, k.a, k.srv, k.clock, def.Name, "kill.example")
	hs := k.srv.HubSpot()
	// Each taken email costs a 409 and a read: the fourth batch/create is
	// the resend of the 37; the first batch/read after a create reads the
	// contact the first 409 names.
	hsBefore := hs.Count("contacts")
	var creates atomic.Int64
	ctx, cancel := k.killOn(1, func(r *http.Request) bool {
		if postTo("/contacts/batch/create")(r) && creates.Add(1) == 4 {
			return at == "resend"
		}
		return at == "read" && creates.Load() == 1 && postTo("/contacts/batch/read")(r)
	})
	defer cancel()
	killed, err := k.a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	t.Logf("killed run: %v %+v lost=%v", err, killed.Summary, k.tr.lostCalls())
	if len(k.tr.lostCalls()) != 1 {
		t.Fatalf("the %s was not killed: %v", at, k.tr.lostCalls())
	}
	killedID := k.lastRun(def.Name).ID
	if n := hs.Count("contacts"); at == "resend" && n != hsBefore+37 {
		t.Fatalf("HubSpot contacts %d → %d: the killed resend did not create the 37", hsBefore, n)
	}
	k.restart()
	if r := k.runRow(killedID); r.Status == "success" || r.Status == "running" {
		t.Errorf("the killed run is %q after a restart: %s", r.Status, r.Message)
	}
	for i := range 2 {
		k.clock.step(time.Minute)
		res, errs := runAndErrors(t, k.a, def.Name)
		if i == 1 && res.Summary.Created+res.Summary.Updated+res.Summary.Failed != 0 {
			t.Errorf("the second run after the restart wrote again: %+v %+v", res.Summary, errs)
		}
	}
	byEmail := map[string][]string{}
	for _, r := range hs.Records("contacts") {
		if !r.Archived {
			e := strings.ToLower(r.Properties["email"])
			byEmail[e] = append(byEmail[e], r.ID)
		}
	}
	for i := range 40 {
		email := fmt.Sprintf("new%02d@kill.example", i)
		if i%13 == 5 {
			email = fmt.Sprintf("taken%d@kill.example", i/13)
		}
		if len(byEmail[email]) != 1 {
			t.Errorf("%s is %d HubSpot contacts, want 1", email, len(byEmail[email]))
		}
	}
	// Every new contact's create is in the audit, under some run.
	audited := auditedCreates(t, k.a, def.Name, "a")
	for i := range 40 {
		if email := fmt.Sprintf("new%02d@kill.example", i); i%13 != 5 && !audited[email] {
			t.Errorf("the create of %s is in no run's audit", email)
		}
	}
	items, err := k.a.Reviews(context.Background(), def.Name, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	for email, id := range taken {
		found := false
		for _, it := range items {
			found = found || strings.Contains(it.Detail, id)
		}
		if !found {
			t.Errorf("the Contact with %s (held by HubSpot %s) is not in review: %+v", email, id, items)
		}
	}
}

// isWrite matches the update calls of HubSpot and Salesforce.
func isWrite(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/contacts/batch/update") ||
		r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/composite/sobjects")
}

// TestKilledMidUndo: a run copies three first names each way; its
// undo is killed after the first side's write is carried out, before the
// other side's. Started again on the same data folder: the killed undo is
// not shown as a success, undoing the run again is allowed and finishes
// it (every name back), every write back is in the audit old -> new, and
// the runs after write nothing.
func TestKilledMidUndo(t *testing.T) {
	for _, how := range []string{"sent", "unsent", "hard"} {
		t.Run(how, func(t *testing.T) { killedMidUndo(t, how) })
	}
}

// killedMidUndo cancels the undo after a CRM carried out a write (sent),
// or as its Salesforce write is about to leave (unsent), or closes the
// store under it after a write (hard: the process dies).
func killedMidUndo(t *testing.T, how string) {
	k := killableApp(t, 12, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, k.a, app.DemoSync("contacts", "hs", "sf"))
	hs, sf := k.srv.HubSpot(), k.srv.Salesforce()
	k.clock.step(time.Minute)
	if res, errs := runAndErrors(t, k.a, "contacts"); len(errs) != 0 || res.Summary.Status != "success" {
		t.Fatalf("first run: %+v %+v", res.Summary, errs)
	}
	links := syncLinks(t, k.a, "contacts")
	if len(links) < 6 {
		t.Fatalf("%d links", len(links))
	}
	k.clock.step(time.Minute)
	hsBefore, sfBefore := renameFirstThreeEachWay(t, k, links)
	k.clock.step(time.Minute)
	res, errs := runAndErrors(t, k.a, "contacts")
	if res.Summary.Updated != 6 || len(errs) != 0 {
		t.Fatalf("run: %+v %+v", res.Summary, errs)
	}
	runID := res.Summary.RunID
	k.clock.step(time.Minute)
	var ctx context.Context
	var cancel context.CancelFunc
	var unsent atomic.Bool
	switch how {
	case "sent", "hard":
		ctx, cancel = k.killOn(1, isWrite)
		if how == "hard" {
			k.tr.kill = func() { k.a.Close() }
		}
	default:
		ctx, cancel = context.WithCancel(context.Background())
		k.tr.setHook(func(r *http.Request) {
			if r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/composite/sobjects") {
				unsent.Store(true)
				cancel()
			}
		})
	}
	defer cancel()
	u, err := k.a.Undo(ctx, runID, app.RunOptions{Confirm: true})
	t.Logf("killed undo: %v %+v lost=%v", err, u.Summary, k.tr.lostCalls())
	if how != "unsent" && len(k.tr.lostCalls()) != 1 || how == "unsent" && !unsent.Load() {
		t.Fatalf("the undo was not killed: %v", k.tr.lostCalls())
	}
	k.restart()
	undoID := k.lastRun("contacts").ID
	r := k.runRow(undoID)
	t.Logf("killed undo after restart: %s: %s", r.Status, r.Message)
	if r.Status == "success" || r.Status == "running" {
		t.Errorf("the killed undo is %q after a restart: %s", r.Status, r.Message)
	}
	if !strings.Contains(r.Message, fmt.Sprintf("undo run %d again", runID)) {
		t.Errorf("the killed undo's message %q does not say to undo run %d again", r.Message, runID)
	}
	k.clock.step(time.Minute)
	again, err := k.a.Undo(context.Background(), runID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo again after the kill: %v", err)
	}
	t.Logf("undo again: %+v review %d", again.Summary, len(again.Plan.Review))
	if again.Summary.Status != "success" || len(again.Plan.Review) != 0 {
		t.Errorf("undo again: %+v, review %+v", again.Summary, again.Plan.Review)
	}
	check := func(when string) {
		for id, want := range sfBefore {
			if c, _ := sf.Get("Contact", id); c.Fields["FirstName"] != want {
				t.Errorf("%s: Salesforce %s FirstName %q, want %q", when, id, c.Fields["FirstName"], want)
			}
		}
		for id, want := range hsBefore {
			if c, _ := hs.Get("contacts", id); c.Properties["firstname"] != want {
				t.Errorf("%s: HubSpot %s firstname %q, want %q", when, id, c.Properties["firstname"], want)
			}
		}
	}
	check("after undoing again")
	// Each write back is audited once, old -> new, under one of the undos.
	written := map[string]int{}
	for _, id := range []int64{undoID, again.Summary.RunID} {
		rows, err := k.a.DB().Audit(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			t.Logf("audit run %d: %s %s %s %q -> %q (%s)", id, row.Side, row.RecordID, row.Field, row.Old, row.New, row.Rule)
			if strings.EqualFold(row.Field, "firstname") && !strings.Contains(row.Rule, "outcome unknown") {
				if want, ok := sfBefore[row.RecordID]; ok && row.New == want && row.Old != "" {
					written[row.RecordID]++
				}
				if want, ok := hsBefore[row.RecordID]; ok && row.New == want && row.Old != "" {
					written[row.RecordID]++
				}
			}
		}
	}
	for id := range sfBefore {
		if written[id] != 1 {
			t.Errorf("Salesforce %s: the name written back is audited %d times", id, written[id])
		}
	}
	for id := range hsBefore {
		if written[id] != 1 {
			t.Errorf("HubSpot %s: the name written back is audited %d times", id, written[id])
		}
	}
	for i := range 2 {
		k.clock.step(time.Minute)
		res, errs := runAndErrors(t, k.a, "contacts")
		if res.Summary.Created+res.Summary.Updated+res.Summary.Failed != 0 {
			t.Errorf("run %d after the undo wrote: %+v %+v\n%s", i, res.Summary, errs, res.Plan.Summary())
		}
	}
	check("after the runs")
	// History names the undo that stands; undoing it puts the run's
	// names back, whichever of the undos wrote them.
	by, err := k.a.DB().UndoneBy(context.Background(), runID)
	if err != nil || by == 0 {
		t.Fatalf("run %d undone by %d: %v", runID, by, err)
	}
	_, err = k.a.Undo(context.Background(), runID, app.RunOptions{Confirm: true})
	t.Logf("a third undo: %v", err)
	k.clock.step(time.Minute)
	uu, err := k.a.Undo(context.Background(), by, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo of undo %d: %v", by, err)
	}
	t.Logf("undo of undo %d: %+v", by, uu.Summary)
	for i, l := range links[:3] {
		if c, _ := sf.Get("Contact", l.BID); c.Fields["FirstName"] != fmt.Sprintf("Hubert%d", i) {
			t.Errorf("after undoing undo %d: Salesforce %s FirstName %q, want the run's %q", by, l.BID, c.Fields["FirstName"], fmt.Sprintf("Hubert%d", i))
		}
	}
	for i, l := range links[3:6] {
		if c, _ := hs.Get("contacts", l.AID); c.Properties["firstname"] != fmt.Sprintf("Selma%d", i) {
			t.Errorf("after undoing undo %d: HubSpot %s firstname %q, want the run's %q", by, l.AID, c.Properties["firstname"], fmt.Sprintf("Selma%d", i))
		}
	}
}

// dvDeal is the Dynamics opportunity named name: amount and currency code.

// renameFirstThreeEachWay gives the HubSpot sides of links[:3] new first
// names (Hubert0…2) and the Salesforce sides of links[3:6] (Selma0…2),
// and returns the names each partner held before: what a run copying
// them overwrites, and its undo must put back.
func renameFirstThreeEachWay(t *testing.T, k *killable, links []store.LinkRow) (hsBefore, sfBefore map[string]string) {
	t.Helper()
	hs, sf := k.srv.HubSpot(), k.srv.Salesforce()
	hsBefore, sfBefore = map[string]string{}, map[string]string{}
	for i, l := range links[:3] {
		c, _ := sf.Get("Contact", l.BID)
		sfBefore[l.BID] = c.Fields["FirstName"]
		if _, err := hs.Update("contacts", l.AID, map[string]string{"firstname": fmt.Sprintf("Hubert%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i, l := range links[3:6] {
		c, _ := hs.Get("contacts", l.AID)
		hsBefore[l.AID] = c.Properties["firstname"]
		if _, err := sf.Update("Contact", l.BID, map[string]string{"FirstName": fmt.Sprintf("Selma%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	return hsBefore, sfBefore
}
