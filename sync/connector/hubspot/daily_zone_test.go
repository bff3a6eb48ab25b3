package hubspot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"golang.org/x/oauth2"
)

// auditDailyEnv is a sandbox portal in zone whose 429 DAILY comes
// without Retry-After, on a clock the test moves.
func auditDailyEnv(t *testing.T, zone string, limit int) (*env, *auditClock, *time.Location, *http.Client, func()) {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Skipf("no tz data: %v", err)
	}
	clk := &auditClock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	e := newEnv(t, hssim.Options{DailyLimit: limit, DailyWithoutRetryAfter: true, Now: clk.now})
	e.sim.SetTimeZone(zone)
	token := e.sim.Auth().IssueLongLived()
	client := oauth2.NewClient(context.Background(), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}))
	// Another integration spends the rest of the day's calls.
	spend := func() {
		for range limit {
			req, _ := http.NewRequest(http.MethodGet, e.base+"/crm/objects/2026-03/contacts", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	}
	return e, clk, loc, client, spend
}

const auditAccountEndpoint = "GET /account-info/2026-03/details"

// TestDailyLimitWithoutRetryAfterWaitsForPortalMidnight: HubSpot's
// 429 DAILY may come without Retry-After ([unverified] whether it does);
// its limit "reset[s] at midnight based on the time zone setting of the
// HubSpot account" (developers.hubspot.com/apisbytier). A connector that
// knows the portal's zone, from its own read this session or from the
// connection's metadata cache where the app keeps it, says that midnight
// and waits until it, with no further call; one that knows no zone keeps
// the unknown wait.
func TestDailyLimitWithoutRetryAfterWaitsForPortalMidnight(t *testing.T) {
	const zone = "America/Los_Angeles"
	const limit = 10
	e, clk, loc, client, spend := auditDailyEnv(t, zone, limit)
	_, meta := metaStore(t)
	ctx := t.Context()

	// The app reads the zone once (ready-made syncs, the editor) and keeps
	// it in the connection's cache; this session has it from its read.
	first, err := newConnector(client, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	got, err := first.TimeZone(ctx)
	if err != nil || got != zone {
		t.Fatalf("TimeZone: %q %v; want %s", got, err, zone)
	}
	if err := meta.Put(ctx, connector.AccountZoneKey, []byte(got)); err != nil {
		t.Fatal(err)
	}
	spend()
	reads := e.sim.Stats()[auditAccountEndpoint]

	local := clk.now().In(loc)
	reset := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	want := reset.Sub(clk.now())
	check := func(name string, c *Connector) {
		t.Helper()
		_, err := c.Schema(ctx, "contacts")
		var ce *connector.Error
		if !errors.Is(err, connector.ErrBudget) || !errors.As(err, &ce) {
			t.Fatalf("%s: Schema with the daily limit spent: %v; want a spent budget", name, err)
		}
		if ce.RetryAfter != want {
			t.Errorf("%s: stopped with wait %s; want %s, until midnight in %s (%s)", name, ce.RetryAfter, want, zone, reset)
		}
		if at := reset.Format("2006-01-02 15:04 MST"); !strings.Contains(ce.Message, at) || !strings.Contains(ce.Message, zone) {
			t.Errorf("%s: stopped with %q; want it to say the limit resets at %s (%s)", name, ce.Message, at, zone)
		}
	}
	// The session that read the zone, and a later one (a scheduled run)
	// that has only the connection's cache.
	check("session that read the zone", first)
	o := testOptions()
	o.meta = meta
	later, err := newConnector(client, e.base, o)
	if err != nil {
		t.Fatal(err)
	}
	check("later session", later)
	if n := e.sim.Stats()[auditAccountEndpoint] - reads; n != 0 {
		t.Errorf("%d account-details calls after the limit was spent; each is refused", n)
	}

	// No zone known: the wait stays unknown, as before.
	bare, err := newConnector(client, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, err = bare.Schema(ctx, "contacts")
	var ce *connector.Error
	if !errors.As(err, &ce) || !errors.Is(err, connector.ErrBudget) {
		t.Fatalf("Schema without a known zone: %v; want a spent budget", err)
	}
	if ce.RetryAfter != 0 || !strings.Contains(ce.Message, "midnight in the HubSpot account's time zone") {
		t.Errorf("without a known zone: wait %s, %q; want no wait and the reset in words", ce.RetryAfter, ce.Message)
	}
}
