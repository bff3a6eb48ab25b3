package salesforce

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	sfsim "github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// TestTimeZoneReadsOrganization: a Los Angeles org's time zone is its
// Organization's TimeZoneSidKey, read over the sandbox's SOQL; an org left
// alone answers UTC.
func TestTimeZoneReadsOrganization(t *testing.T) {
	o := newOrg(t)
	c := o.connect(t, 0)
	conformance.CheckTimeZone(t, c, o.sim.SetTimeZone, "America/Los_Angeles")
}

// TestTimeZoneMissingIsAnError: a 200 whose record has no
// TimeZoneSidKey is a clear error, not UTC.
func TestTimeZoneMissingIsAnError(t *testing.T) {
	o := newOrgWrapped(t, sfsim.Options{PathPrefix: mount, Seed: 7}, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.RawQuery, "Organization") {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Organization"},"Id":"00D8d0000000001EAA"}]}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	_, err := o.connect(t, 0).TimeZone(context.Background())
	if err == nil || !strings.Contains(err.Error(), "TimeZoneSidKey") {
		t.Fatalf("TimeZone() error = %v; want one naming TimeZoneSidKey", err)
	}
}
