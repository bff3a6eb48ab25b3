package app_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// readCounter counts the GET calls whose path ends with a suffix, so a
// test can see how many read calls a run spent on one side.
type readCounter struct {
	mu     sync.Mutex
	suffix string
	n      int
	next   http.RoundTripper
}

func (c *readCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, c.suffix) {
		c.mu.Lock()
		c.n++
		c.mu.Unlock()
	}
	return c.next.RoundTrip(r)
}

func (c *readCounter) take() int { c.mu.Lock(); defer c.mu.Unlock(); n := c.n; c.n = 0; return n }

// frozenSandboxApp starts a sandbox whose clock stands still at one second
// (every write is stamped with it, as writes within one real second are)
// and an app connected to HubSpot and to vendor as conn, its reads of
// readSuffix counted.
func frozenSandboxApp(t *testing.T, seed int64, vendor, conn, readSuffix string) (*app.App, *sandbox.Server, *readCounter) {
	t.Helper()
	at := time.Now().UTC().Truncate(time.Second)
	rc := &readCounter{suffix: readSuffix, next: http.DefaultTransport}
	a, srv := sandboxAppOnClock(t, seed, 12, func() time.Time { return at }, &http.Client{Transport: rc, Timeout: time.Minute}, vendor, conn)
	return a, srv, rc
}

// runTwiceThenPick runs def twice (the second run reads the first run's
// creates, so the cursor sits at the frozen second with their ids) and
// returns a link whose B record this sync created.
func runTwiceThenPick(t *testing.T, a *app.App, def engine.Definition) store.LinkRow {
	t.Helper()
	ctx := context.Background()
	saveSyncs(t, a, def)
	for i := 1; i <= 2; i++ {
		if res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("run %d: %v %+v", i, err, res.Summary)
		}
	}
	for _, l := range syncLinks(t, a, def.Name) {
		if l.CreatedBy == "b" {
			return l
		}
	}
	t.Fatal("the first run created no record on side B")
	return store.LinkRow{}
}

// runAgainQuiet runs def once more with nothing changed: no writes, and
// one read call on the counted side.
func runAgainQuiet(t *testing.T, a *app.App, name string, rc *readCounter) {
	t.Helper()
	rc.take()
	res, err := a.Run(context.Background(), name, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Created+res.Summary.Updated != 0 {
		t.Fatalf("run with nothing new: %v %+v", err, res.Summary)
	}
	if n := rc.take(); n != 1 {
		t.Errorf("run with nothing new: %d read calls on %s, want 1", n, rc.suffix)
	}
}

// A person edited in the same second as the sync's last read (its
// update_time, at Pipedrive's one-second resolution, equals the cursor's
// second, whose ids the cursor lists as read) must still reach HubSpot on
// the next run, and the run after must write nothing and read once.
func TestPipedriveEditInCursorSecond(t *testing.T) {
	ctx := context.Background()
	a, srv, rc := frozenSandboxApp(t, 91, "pipedrive", "pd", "/api/v2/persons")
	def := app.DemoPipedriveSync("people", "hs", "pd", "")
	l := runTwiceThenPick(t, a, def)
	id, _ := strconv.ParseInt(l.BID, 10, 64)
	if _, err := srv.Pipedrive().UpdatePerson(id, map[string]any{"name": "Audrey Samesecond"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the edit: %v %+v", err, res.Summary)
	}
	h, _ := srv.HubSpot().Get("contacts", l.AID)
	if h.Properties["firstname"] != "Audrey" || h.Properties["lastname"] != "Samesecond" {
		t.Fatalf("person %s renamed in the cursor's second; HubSpot contact %s is %q %q (run: %+v)",
			l.BID, l.AID, h.Properties["firstname"], h.Properties["lastname"], res.Summary)
	}
	runAgainQuiet(t, a, def.Name, rc)
}

// The same for Zoho: a contact's Title changed in the cursor's second
// (Modified_Time has one-second resolution) reaches HubSpot's jobtitle.
func TestZohoEditInCursorSecond(t *testing.T) {
	ctx := context.Background()
	a, srv, rc := frozenSandboxApp(t, 92, "zoho", "zc", "/crm/v8/Contacts")
	def := app.DemoZohoSync("zoho", "hs", "zc")
	l := runTwiceThenPick(t, a, def)
	if _, err := srv.Zoho().Update("Contacts", l.BID, map[string]any{"Title": "Head of Samesecond"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the edit: %v %+v", err, res.Summary)
	}
	if h, _ := srv.HubSpot().Get("contacts", l.AID); h.Properties["jobtitle"] != "Head of Samesecond" {
		t.Fatalf("Zoho contact %s retitled in the cursor's second; HubSpot contact %s has jobtitle %q (run: %+v)",
			l.BID, l.AID, h.Properties["jobtitle"], res.Summary)
	}
	runAgainQuiet(t, a, def.Name, rc)
}

// The same for Dataverse: modifiedon has one-second resolution.
func TestDynamicsEditInCursorSecond(t *testing.T) {
	ctx := context.Background()
	a, srv, rc := frozenSandboxApp(t, 93, "dynamics", "dv", "/contacts")
	def := app.DemoDynamicsSync("dynamics", "hs", "dv", "")
	l := runTwiceThenPick(t, a, def)
	if _, err := srv.Dynamics().Update("contacts", l.BID, map[string]any{"jobtitle": "Head of Samesecond"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the edit: %v %+v", err, res.Summary)
	}
	if h, _ := srv.HubSpot().Get("contacts", l.AID); h.Properties["jobtitle"] != "Head of Samesecond" {
		t.Fatalf("Dataverse contact %s retitled in the cursor's second; HubSpot contact %s has jobtitle %q (run: %+v)",
			l.BID, l.AID, h.Properties["jobtitle"], res.Summary)
	}
	runAgainQuiet(t, a, def.Name, rc)
}
