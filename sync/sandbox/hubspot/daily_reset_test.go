package hubspot

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestDailyLimitResetsAtPortalMidnight: "The daily limits reset at
// midnight based on the time zone setting of the HubSpot account"
// (developers.hubspot.com/apisbytier; API usage guidelines). A Tokyo
// portal's spent limit comes back at midnight in Tokyo, not in UTC, and the
// 429 DAILY's Retry-After says that moment [unverified: that HubSpot sends a
// Retry-After with the DAILY policy; the sandbox always has].
func TestDailyLimitResetsAtPortalMidnight(t *testing.T) {
	e := newEnv(t, Options{DailyLimit: 2})
	const zone = "Asia/Tokyo"
	e.sim.SetTimeZone(zone)
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Skipf("no tz data: %v", err)
	}
	list := "/crm/objects/2026-03/contacts"
	for i := range 2 {
		if resp, body := e.do(http.MethodGet, list, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("call %d within the limit: %d %v", i+1, resp.StatusCode, body)
		}
	}
	resp, body := e.do(http.MethodGet, list, nil)
	if resp.StatusCode != http.StatusTooManyRequests || body["policyName"] != "DAILY" {
		t.Fatalf("call over the daily limit: %d %v; want 429 policyName DAILY", resp.StatusCode, body)
	}
	local := e.clk.now().In(loc)
	reset := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	want := reset.Sub(e.clk.now())
	got, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || time.Duration(got)*time.Second != want {
		t.Errorf("Retry-After %q; want %d s, until midnight in %s (%s)", resp.Header.Get("Retry-After"), int(want.Seconds()), zone, reset)
	}

	e.clk.add(want - time.Minute)
	if resp, body := e.do(http.MethodGet, list, nil); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a minute before the portal's midnight: %d %v; want still 429 DAILY", resp.StatusCode, body)
	}
	e.clk.add(2 * time.Minute)
	if resp, body := e.do(http.MethodGet, list, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("a minute after the portal's midnight (%s): %d %v; want the limit reset", reset, resp.StatusCode, body)
	}
}
