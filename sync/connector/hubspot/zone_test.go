package hubspot

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestTimeZoneReadsAccountDetails: the portal's time zone is the
// timeZone of GET /account-info/2026-03/details, a legacy name
// (US/Eastern) passed on as HubSpot says it; a portal left alone answers
// UTC.
func TestTimeZoneReadsAccountDetails(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 5})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	conformance.CheckTimeZone(t, c, e.sim.SetTimeZone, "US/Eastern")
}

// TestTimeZoneMissingIsAnError: a 200 without "timeZone" is a clear
// error naming the field, not UTC.
func TestTimeZoneMissingIsAnError(t *testing.T) {
	sim := hssim.New(hssim.Options{PathPrefix: "/hubspot", Seed: 5})
	e := &env{sim: sim}
	e.base = conformance.Serve(t, "/hubspot", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/account-info/") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"portalId":62515,"accountType":"STANDARD"}`))
			return
		}
		sim.ServeHTTP(w, r)
	}))
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.TimeZone(context.Background()); err == nil || !strings.Contains(err.Error(), "timeZone") {
		t.Fatalf("TimeZone() error = %v; want one naming timeZone", err)
	}
}
