package hubspot

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// oneSearch429 has the sandbox answer the first search with a 429 (its
// fault injector, on for that one request) and counts the searches.
type oneSearch429 struct {
	next     http.RoundTripper
	sim      *hssim.Sim
	searches atomic.Int64
	limited  atomic.Int64
}

func (o *oneSearch429) RoundTrip(r *http.Request) (*http.Response, error) {
	search := strings.HasSuffix(r.URL.Path, "/search")
	first := search && o.searches.Add(1) == 1
	if first {
		o.sim.Faults().Set(simkit.Faults{P429: 1})
		defer o.sim.Faults().Set(simkit.Faults{})
	}
	resp, err := o.next.RoundTrip(r)
	if search && err == nil && resp.StatusCode == http.StatusTooManyRequests {
		o.limited.Add(1)
	}
	return resp, err
}

// TestSearchPaceRecovers: one search 429 slows the connection's
// search pace; later runs of the same connection (new sessions sharing its
// limiters, as the app's scheduled runs do) that search without a 429 win
// the pace back instead of staying slow until the app restarts.
func TestSearchPaceRecovers(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 7})
	e.seed(t, "contacts", []map[string]string{{"email": "pace@example.com", "firstname": "Pace"}})
	client := e.oauthClient(t)
	inj := &oneSearch429{next: client.Transport, sim: e.sim}
	if inj.next == nil {
		inj.next = http.DefaultTransport
	}
	client.Transport = inj
	lims := &connector.Limiters{}
	o := testOptions()
	o.limiters = lims
	o.searchRate = 50 // the test's pace; the rule is the same at 4.75
	clock := &fakeClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	o.now = clock.Now
	run := func() *Connector {
		t.Helper()
		c, err := newConnector(client, e.base, o)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for p, err := range c.Read(t.Context(), "contacts", "") {
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			n += len(p.Records)
		}
		if n != 1 {
			t.Fatalf("read %d contacts, want 1", n)
		}
		return c
	}
	c := run()
	if inj.limited.Load() != 1 {
		t.Fatalf("%d searches answered 429; want the one injected", inj.limited.Load())
	}
	slowed := c.search.Limit()
	if slowed >= o.searchRate {
		t.Fatalf("search pace %v after a 429; want below %v", slowed, o.searchRate)
	}
	// Runs within the minute keep the slower pace: a 429 is not
	// answered by speeding straight back up.
	c = run()
	if got := c.search.Limit(); got != slowed {
		t.Errorf("search pace %v on the next run within the minute; want still %v", got, slowed)
	}
	// A later run, over a minute on, searches at the full pace again.
	clock.Add(61 * time.Second)
	c = run()
	if inj.limited.Load() != 1 {
		t.Fatalf("%d searches answered 429; want only the injected one", inj.limited.Load())
	}
	if got := c.search.Limit(); got != o.searchRate {
		t.Errorf("search pace %v a minute after the only 429 (slowed to %v); want back at %v", got, slowed, o.searchRate)
	}
}

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }

func (f *fakeClock) Add(d time.Duration) { f.mu.Lock(); f.t = f.t.Add(d); f.mu.Unlock() }
