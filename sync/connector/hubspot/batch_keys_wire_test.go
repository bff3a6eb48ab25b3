package hubspot

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// HubSpot refuses a whole batch update or upsert in which two inputs name
// one record (400 "Duplicate IDs found in batch input", the sandbox's
// TestBatchDuplicateIDsRefuseTheWholeBatch). Two source records with
// one email, or two updates of one contact, in a write must still all be
// written, each op with its own result, without a call per record.
func TestWriteWithDuplicateKeysInOneBatch(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 41})
	c := oauthConnector(t, e)
	const n = 100
	ops := make([]connector.Op, n)
	for i := range ops {
		ops[i] = connector.Op{Kind: connector.OpUpsert, Fields: map[string]string{
			"email": fmt.Sprintf("u%03d@example.com", i), "firstname": fmt.Sprintf("U%d", i)}}
	}
	ops[1].Fields["email"] = "u000@example.com" // a second source record with u000's email
	before := e.sim.Stats()["POST /crm/objects/2026-03/contacts/batch/upsert"]
	res, err := c.Upsert(t.Context(), "contacts", "email", ops)
	if err != nil {
		t.Fatalf("upsert: %v", err)
	}
	for i, r := range res {
		if r.Err != nil || r.ID == "" {
			t.Fatalf("upsert op %d: id %q, %v", i, r.ID, r.Err)
		}
	}
	if res[0].ID != res[1].ID {
		t.Fatalf("two ops with one email got ids %s and %s; want one contact", res[0].ID, res[1].ID)
	}
	if got := e.sim.Count("contacts"); got != n-1 {
		t.Fatalf("%d contacts; want %d", got, n-1)
	}
	if calls := e.sim.Stats()["POST /crm/objects/2026-03/contacts/batch/upsert"] - before; calls > 2 {
		t.Errorf("%d upsert calls for %d ops with one repeated key; want at most 2", calls, n)
	}

	upd := make([]connector.Op, n)
	for i := range upd {
		upd[i] = connector.Op{Kind: connector.OpUpdate, ID: res[i].ID, Fields: map[string]string{"lastname": fmt.Sprintf("L%d", i)}}
	}
	upd[1].Fields["lastname"] = "Last" // the repeated record (res[1] is res[0]): its later op wins
	before = e.sim.Stats()["POST /crm/objects/2026-03/contacts/batch/update"]
	out, err := c.Write(t.Context(), "contacts", upd)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	for i, r := range out {
		if r.Err != nil {
			t.Fatalf("update op %d: %v", i, r.Err)
		}
	}
	if got, _ := e.sim.Get("contacts", res[0].ID); got.Properties["lastname"] != "Last" {
		t.Fatalf("lastname %q; want the later op's Last", got.Properties["lastname"])
	}
	if calls := e.sim.Stats()["POST /crm/objects/2026-03/contacts/batch/update"] - before; calls > 2 {
		t.Errorf("%d update calls for %d ops with one repeated id; want at most 2", calls, n)
	}
}

// searchGaps counts search 429s and records, for each, how long the next
// search waited after it.
type searchGaps struct {
	next    http.RoundTripper
	mu      sync.Mutex
	limited int
	last429 time.Time
	gaps    []time.Duration
}

func (g *searchGaps) RoundTrip(r *http.Request) (*http.Response, error) {
	search := strings.HasSuffix(r.URL.Path, "/search")
	if search {
		g.mu.Lock()
		if !g.last429.IsZero() {
			g.gaps = append(g.gaps, time.Since(g.last429))
			g.last429 = time.Time{}
		}
		g.mu.Unlock()
	}
	resp, err := g.next.RoundTrip(r)
	if search && err == nil && resp.StatusCode == http.StatusTooManyRequests {
		g.mu.Lock()
		g.limited++
		g.last429 = time.Now()
		g.mu.Unlock()
	}
	return resp, err
}

// HubSpot's search 429 has no Retry-After and names no policy
// (hssim TestSearch429IsTheSecondlyBody); its limit is five searches
// in any second. A search the limit refused is retried once that second
// has passed, not after the general back-off's first step (250 to 500 ms),
// which lands inside the same second and is refused again, each refusal
// costing a call. Here the searches go out faster than the limit, as they
// do when another app on the account searches too.
func TestSearch429WaitsOutTheSecond(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 12 pages at HubSpot's search rate")
	}
	e := newEnv(t, hssim.Options{Seed: 43})
	const n = 12 * pageSize
	recs := make([]map[string]string, n)
	for i := range recs {
		recs[i] = map[string]string{"email": fmt.Sprintf("win%05d@example.com", i), "firstname": "Win"}
	}
	e.seed(t, "contacts", recs)
	e.sim.SetRateLimits(true)
	client := e.oauthClient(t)
	g := &searchGaps{next: client.Transport}
	if g.next == nil {
		g.next = http.DefaultTransport
	}
	client.Transport = g
	o := testOptions()
	o.minWait = 500 * time.Millisecond // the transport's default first step
	o.searchRate = 50                  // faster than HubSpot allows
	c, err := newConnector(client, e.base, o)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for p, err := range c.Read(t.Context(), "contacts", "") {
		if err != nil {
			t.Fatalf("read after %d records: %v", seen, err)
		}
		seen += len(p.Records)
	}
	if seen != n {
		t.Fatalf("read %d records, want %d", seen, n)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	t.Logf("%d search 429s; waits after them %v", g.limited, g.gaps)
	for _, d := range g.gaps {
		if d < 900*time.Millisecond {
			t.Errorf("a search refused by the per-second limit was retried after %v; want the second waited out", d)
		}
	}
}
