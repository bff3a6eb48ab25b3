package klaviyo

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	kvsim "github.com/crmsync/crmsync/sync/sandbox/klaviyo"
)

// TestSessionsShareSteadyWindow: two sessions of one connection (Sync
// all) read GET /api/profiles, whose steady window the account's other
// integrations have all but spent. The first session's answer says
// RateLimit-Remaining 0; the second, starting then, must wait for the
// reset too rather than learn it alone from a 429.
func TestSessionsShareSteadyWindow(t *testing.T) {
	var offset atomic.Int64 // the sandbox's clock runs ahead by this
	e := newEnv(t, kvsim.Options{Now: func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }})
	rows := make([]kvsim.ProfileSeed, 4)
	for i := range rows {
		rows[i] = kvsim.ProfileSeed{Email: fmt.Sprintf("shared%d@example.com", i), FirstName: "Shared"}
	}
	if _, err := e.sim.SeedProfiles(rows); err != nil {
		t.Fatal(err)
	}
	e.sim.SpendSteady("GET /api/profiles", 2)
	offset.Store(int64(58500 * time.Millisecond)) // the window resets in 1.5 s
	cnt := conformance.NewStatusCount(nil, http.StatusTooManyRequests)
	client := auth.StaticClient(&http.Client{Transport: cnt}, "Authorization", Info().OAuth.TokenScheme+" ", e.sim.MintAPIKey())
	lims := &connector.Limiters{}
	share := func(o *options) { o.pageSize, o.Limiters = 1, lims }
	a, b := e.connectWith(t, client, share), e.connectWith(t, client, share)
	read := func(c *Connector, during func()) int {
		n := 0
		for p, err := range c.Read(t.Context(), objProfiles, "") {
			if err != nil {
				t.Fatalf("read after %d profiles: %v", n, err)
			}
			n += len(p.Records)
			if n == 2 && during != nil {
				during() // a's answer has just said none are left
			}
		}
		return n
	}
	nb := 0
	na := read(a, func() { nb = read(b, nil) })
	if na != len(rows) || nb != len(rows) {
		t.Fatalf("sessions read %d and %d profiles, want %d each", na, nb, len(rows))
	}
	if got := cnt.N(); got != 0 {
		t.Errorf("the sandbox answered %d of %d calls with 429; want none: one session's RateLimit-Remaining 0 holds the connection's other session too", got, cnt.Calls())
	}
}
