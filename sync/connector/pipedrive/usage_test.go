package pipedrive

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// withoutTokenHeaders is w without the x-daily-ratelimit-token-* headers,
// which Pipedrive's docs do not list and its staff say may be missing.
type withoutTokenHeaders struct {
	http.ResponseWriter
	wrote bool
}

func (w *withoutTokenHeaders) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	w.Header().Del("x-daily-ratelimit-token-limit")
	w.Header().Del("x-daily-ratelimit-token-remaining")
	w.ResponseWriter.WriteHeader(code)
}

func (w *withoutTokenHeaders) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.ResponseWriter.Write(b)
}

// TestPipedriveDailyRequestsLeftHonoured: an API-token request is
// told the POST/PUT requests left today (x-daily-requests-left, the
// documented header); with the token headers absent, crmsync stops
// writing when none are left instead of writing past Pipedrive's daily
// write limit, and reports that usage.
func TestPipedriveDailyRequestsLeftHonoured(t *testing.T) {
	sim := pdsim.New(pdsim.Options{Seed: 7, RateLimits: true, Plan: pdsim.PlanUltimate, PathPrefix: "/pipedrive"})
	mux := http.NewServeMux()
	mux.Handle("/pipedrive/", http.StripPrefix("/pipedrive", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sim.ServeHTTP(&withoutTokenHeaders{ResponseWriter: w}, r)
	})))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	sim.SetWriteRequestsLeft(3)
	client := auth.StaticClient(&http.Client{Timeout: time.Minute}, "x-api-token", "", sim.APIToken())
	c, err := newConnector(client, srv.URL+"/pipedrive", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	before := sim.CountPersons()
	var stop error
	written := 0
	for i := range 5 {
		res, err := c.Write(t.Context(), "persons", []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{
			"name": fmt.Sprintf("Left %d", i), "email": fmt.Sprintf("left%d@example.com", i)}}})
		if err == nil {
			err = res[0].Err
		}
		if err != nil {
			stop = err
			break
		}
		written++
	}
	if stop == nil || !errors.Is(stop, connector.ErrBudget) {
		t.Fatalf("5 creates with 3 write requests left today: stop %v; want a budget stop", stop)
	}
	if n := sim.CountPersons() - before; n != 3 || written != 3 {
		t.Errorf("created %d persons (%d reported); want the 3 Pipedrive had requests left for", n, written)
	}
	if used, mx := c.Usage(); mx != 10000 || used != 10000 {
		t.Errorf("usage %d of %d; want 10,000 of 10,000 write requests", used, mx)
	}
}
