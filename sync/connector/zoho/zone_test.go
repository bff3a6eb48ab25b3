package zoho

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestTimeZoneReadsOrg: the org's time_zone (GET /crm/v8/org) is read
// with the scopes the connector asks for at sign-in.
func TestTimeZoneReadsOrg(t *testing.T) {
	e := newEnv(t, zsim.Options{})
	c := e.connect(t)
	conformance.CheckTimeZone(t, c, e.sim.SetTimeZone, "America/Los_Angeles")
}

// TestTimeZoneMissingIsAnError: a 200 without org[0].time_zone is a
// clear error.
func TestTimeZoneMissingIsAnError(t *testing.T) {
	sim := zsim.New(zsim.Options{PathPrefix: "/zoho"})
	e := &env{sim: sim}
	e.base = conformance.Serve(t, "/zoho", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/crm/v8/org") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"org":[{"id":"1","company_name":"Acme"}]}`))
			return
		}
		sim.ServeHTTP(w, r)
	}))
	_, err := e.connect(t).TimeZone(context.Background())
	if err == nil || !strings.Contains(err.Error(), "time_zone") {
		t.Fatalf("TimeZone() error = %v; want one naming time_zone", err)
	}
}
