package hubspot

import (
	"net/http"
	"testing"
)

// TestDailyLimitWithoutRetryAfter: SetDailyWithoutRetryAfter answers
// the 429 DAILY with HubSpot's body and no Retry-After ([unverified] which
// HubSpot does), its Date the portal's clock, on which its midnight is
// reckoned; turned off, Retry-After is back.
func TestDailyLimitWithoutRetryAfter(t *testing.T) {
	e := newEnv(t, Options{DailyLimit: 1})
	e.sim.SetDailyWithoutRetryAfter(true)
	list := "/crm/objects/2026-03/contacts"
	if resp, body := e.do(http.MethodGet, list, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("call within the limit: %d %v", resp.StatusCode, body)
	}
	resp, body := e.do(http.MethodGet, list, nil)
	if resp.StatusCode != http.StatusTooManyRequests || body["policyName"] != "DAILY" {
		t.Fatalf("call over the daily limit: %d %v; want 429 policyName DAILY", resp.StatusCode, body)
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		t.Errorf("Retry-After %q with the option on; want none", ra)
	}
	if d, err := http.ParseTime(resp.Header.Get("Date")); err != nil || !d.Equal(e.clk.now().Truncate(1e9)) {
		t.Errorf("Date %q (%v); want the portal's clock %s", resp.Header.Get("Date"), err, e.clk.now())
	}
	e.sim.SetDailyWithoutRetryAfter(false)
	if resp, _ := e.do(http.MethodGet, list, nil); resp.Header.Get("Retry-After") == "" {
		t.Errorf("no Retry-After with the option off")
	}
}
