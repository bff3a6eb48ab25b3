package app_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector/timecursor"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// stepClock is a sandbox clock that stands still until stepped, so a bulk
// write stamps one second and a test can then let that second settle
// without sleeping.
type stepClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *stepClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.at }

func (c *stepClock) step(d time.Duration) { c.mu.Lock(); c.at = c.at.Add(d); c.mu.Unlock() }

// steppedSandboxApp starts a sandbox on a stepClock and an app connected to
// HubSpot and to vendor as conn.
func steppedSandboxApp(t *testing.T, seed int64, contacts int, vendor, conn string) (*app.App, *sandbox.Server, *stepClock) {
	t.Helper()
	clock := &stepClock{at: time.Now().UTC().Truncate(time.Second)}
	a, srv := sandboxAppOnClock(t, seed, contacts, clock.now, &http.Client{Timeout: time.Minute}, vendor, conn)
	return a, srv, clock
}

// sandboxAppOnClock starts a sandbox whose clock is now and an app that
// reaches it through client, connected to HubSpot and to vendor as conn.
func sandboxAppOnClock(t *testing.T, seed int64, contacts int, now func() time.Time, client *http.Client, vendor, conn string) (*app.App, *sandbox.Server) {
	t.Helper()
	srv, err := sandbox.Start(context.Background(), "127.0.0.1:0", sandbox.Options{Seed: seed, Contacts: contacts, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return appThrough(t, srv, client, [2]string{"hubspot", "hs"}, [2]string{vendor, conn}), srv
}

// noChangeRunsReadOnce runs sync name's first sync (at least 500
// records created within one second of the clock), lets that second
// settle, runs once more, and then checks that each of two no-change runs
// makes exactly one listing of what, as counted by lists.
func noChangeRunsReadOnce(t *testing.T, a *app.App, name string, clock *stepClock, what string, lists func() int64) {
	t.Helper()
	ctx := context.Background()
	first, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" || first.Plan.Counts.CreateB < 500 {
		t.Fatalf("first run: %v %+v; want at least 500 records created", err, first.Plan.Counts)
	}
	clock.step(timecursor.SettleMargin + 2*time.Second) // the writes' second is settled
	if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Created+res.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v", err, res.Summary)
	}
	for i := 1; i <= 2; i++ {
		before := lists()
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Created+res.Summary.Updated != 0 || res.Plan.Counts.ReadB != 0 {
			t.Fatalf("no-change run %d: %v %+v", i, err, res.Plan.Counts)
		}
		if n := lists() - before; n != 1 {
			t.Errorf("no-change run %d made %d %s listings, want 1", i, n, what)
		}
	}
}

// TestZohoNoChangeRunAfterBulkWriteReadsOnce: a first sync creates
// hundreds of Zoho contacts (100 a call) within one second of
// Modified_Time. A read asks If-Modified-Since a second before its cursor,
// and nothing moves the cursor past its second while nothing changes, so
// every later no-change run paged through that second's contacts again
// (200 a page) instead of making one read call. Once the cursor is settled,
// the read asks from the cursor's second itself; an edit made after that
// still arrives.
func TestZohoNoChangeRunAfterBulkWriteReadsOnce(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := steppedSandboxApp(t, 5, 700, "zoho", "zc")
	def := app.DemoZohoSync("zoho", "hs", "zc")
	saveSyncs(t, a, def)
	noChangeRunsReadOnce(t, a, def.Name, clock, "Zoho Contacts", func() int64 { return srv.Stats()["zoho"]["GET /crm/v8/Contacts"] })
	l := syncLinks(t, a, def.Name)[0]
	if _, err := srv.Zoho().Update("Contacts", l.BID, map[string]any{"Title": "Head of Settled"}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the edit: %v %+v", err, res.Summary)
	}
	if h, _ := srv.HubSpot().Get("contacts", l.AID); h.Properties["jobtitle"] != "Head of Settled" {
		t.Fatalf("Zoho contact %s retitled after the cursor settled; HubSpot contact %s has jobtitle %q", l.BID, l.AID, h.Properties["jobtitle"])
	}
}
