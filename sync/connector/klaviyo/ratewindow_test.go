package klaviyo

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	kvsim "github.com/crmsync/crmsync/sync/sandbox/klaviyo"
)

// TestReadWaitsForSteadyReset: the account's other integrations have
// left two requests in GET /api/profiles' steady window, which resets in
// under two seconds. Klaviyo's RateLimit-Remaining says 0 after two pages;
// the read waits for RateLimit-Reset instead of sending the third page's
// request into a 429.
func TestReadWaitsForSteadyReset(t *testing.T) {
	const profiles = 5
	e, client, cnt := steadyWindowNearlySpent(t, profiles, "steady", "Steady")
	c := e.connectWith(t, client, func(o *options) { o.pageSize = 1 })
	n := 0
	for p, err := range c.Read(t.Context(), objProfiles, "") {
		if err != nil {
			t.Fatalf("read after %d profiles: %v", n, err)
		}
		n += len(p.Records)
	}
	if n != profiles {
		t.Fatalf("read %d profiles, want %d", n, profiles)
	}
	if got := cnt.N(); got != 0 {
		t.Errorf("the sandbox answered %d of %d calls with 429; want none: RateLimit-Remaining 0 says to wait for RateLimit-Reset", got, cnt.Calls())
	}
}

// steadyWindowNearlySpent starts a sandbox holding n profiles (emails
// prefix0@example.com onwards, first name first) whose GET /api/profiles
// steady window has two requests left and resets in 1.5 s. It returns the
// sandbox with a private-key client whose calls cnt counts, 429s apart.
func steadyWindowNearlySpent(t *testing.T, n int, prefix, first string) (e *env, client *http.Client, cnt *conformance.StatusCount) {
	t.Helper()
	var offset atomic.Int64 // the sandbox's clock runs ahead by this
	e = newEnv(t, kvsim.Options{Now: func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }})
	rows := make([]kvsim.ProfileSeed, n)
	for i := range rows {
		rows[i] = kvsim.ProfileSeed{Email: fmt.Sprintf("%s%d@example.com", prefix, i), FirstName: first}
	}
	seed(t, e, rows...)
	e.sim.SpendSteady("GET /api/profiles", 2)
	offset.Store(int64(58500 * time.Millisecond)) // the window resets in 1.5 s
	cnt = conformance.NewStatusCount(nil, http.StatusTooManyRequests)
	client = auth.StaticClient(&http.Client{Transport: cnt}, "Authorization", Info().OAuth.TokenScheme+" ", e.sim.MintAPIKey())
	return e, client, cnt
}
