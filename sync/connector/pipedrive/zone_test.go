package pipedrive

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// TestTimeZoneReadsMe: the connected user's timezone_name (GET
// /api/v1/users/me) is the connection's time zone.
func TestTimeZoneReadsMe(t *testing.T) {
	e := newEnv(t, pdsim.Options{})
	c := e.connect(t)
	conformance.CheckTimeZone(t, c, e.sim.SetTimeZone, "Europe/Tallinn")
}

// TestTimeZoneMissingIsAnError: a 200 without data.timezone_name is a
// clear error.
func TestTimeZoneMissingIsAnError(t *testing.T) {
	sim := pdsim.New(pdsim.Options{PathPrefix: "/pipedrive"})
	e := &env{sim: sim}
	e.base = conformance.Serve(t, "/pipedrive", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/users/me") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"success":true,"data":{"id":1,"name":"Ann"}}`))
			return
		}
		sim.ServeHTTP(w, r)
	}))
	_, err := e.connect(t).TimeZone(context.Background())
	if err == nil || !strings.Contains(err.Error(), "timezone_name") {
		t.Fatalf("TimeZone() error = %v; want one naming timezone_name", err)
	}
}
