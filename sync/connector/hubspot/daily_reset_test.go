package hubspot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"golang.org/x/oauth2"
)

// auditClock is the sandbox portal's clock, moved by the test.
type auditClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *auditClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *auditClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestDailyLimitWaitsForPortalMidnight: a Tokyo portal whose daily
// limit is spent ("The daily limits reset at midnight based on the time
// zone setting of the HubSpot account", developers.hubspot.com/apisbytier).
// The connector stops as a spent budget saying the wait until Tokyo's
// midnight, not UTC's, so a scheduled run is not held 9 hours too long;
// after that midnight the same connector reads the portal again.
func TestDailyLimitWaitsForPortalMidnight(t *testing.T) {
	const zone = "Asia/Tokyo"
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Skipf("no tz data: %v", err)
	}
	clk := &auditClock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	const limit = 10 // enough for a Schema once the day is new
	e := newEnv(t, hssim.Options{DailyLimit: limit, Now: clk.now})
	e.sim.SetTimeZone(zone)
	token := e.sim.Auth().IssueLongLived()
	client := oauth2.NewClient(context.Background(), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}))
	c, err := newConnector(client, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	// Another integration spends the day's calls.
	for range limit {
		req, _ := http.NewRequest(http.MethodGet, e.base+"/crm/objects/2026-03/contacts", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}

	_, err = c.Schema(t.Context(), "contacts")
	var ce *connector.Error
	if !errors.Is(err, connector.ErrBudget) || !errors.As(err, &ce) {
		t.Fatalf("Schema with the daily limit spent: %v; want a spent budget", err)
	}
	local := clk.now().In(loc)
	reset := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	want := reset.Sub(clk.now())
	if ce.RetryAfter != want || !strings.Contains(ce.Message, "in "+want.Round(time.Minute).String()) {
		t.Errorf("stopped with %q, wait %s; want the wait until midnight in %s (%s, %s)", ce.Message, ce.RetryAfter, zone, reset, want)
	}

	clk.add(want + time.Minute)
	if _, err := c.Schema(t.Context(), "contacts"); err != nil {
		t.Errorf("Schema after the portal's midnight: %v; want the limit reset", err)
	}
}
