package klaviyo

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestSessionsShareSteadyWindow: two sessions of one connection (Sync
// all) read GET /api/profiles, whose steady window the account's other
// integrations have all but spent. The first session's answer says
// RateLimit-Remaining 0; the second, starting then, must wait for the
// reset too rather than learn it alone from a 429.
func TestSessionsShareSteadyWindow(t *testing.T) {
	const profiles = 4
	e, client, cnt := steadyWindowNearlySpent(t, profiles, "shared", "Shared")
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
	if na != profiles || nb != profiles {
		t.Fatalf("sessions read %d and %d profiles, want %d each", na, nb, profiles)
	}
	if got := cnt.N(); got != 0 {
		t.Errorf("the sandbox answered %d of %d calls with 429; want none: one session's RateLimit-Remaining 0 holds the connection's other session too", got, cnt.Calls())
	}
}
