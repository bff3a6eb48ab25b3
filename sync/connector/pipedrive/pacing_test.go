package pipedrive

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// statusCount counts the answers with one status.
type statusCount struct {
	next   http.RoundTripper
	status int
	n      atomic.Int64
}

func (s *statusCount) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	if err == nil && resp.StatusCode == s.status {
		s.n.Add(1)
	}
	return resp, err
}

// TestPacingStaysUnderLitePlanBurst: a company on the lowest plan
// (Lite/Essential), connected by its personal API token, may send 20
// requests per 2-second window. The connector's own pace is meant for that
// limit (defaultOptions), so writing a few dozen people one call each
// must not meet a single 429.
func TestPacingStaysUnderLitePlanBurst(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 3, RateLimits: true, Plan: pdsim.PlanLite})
	st := &statusCount{next: http.DefaultTransport, status: http.StatusTooManyRequests}
	client := auth.StaticClient(&http.Client{Transport: st, Timeout: time.Minute}, "x-api-token", "", e.sim.APIToken())
	o := defaultOptions()
	o.maxWait = 30 * time.Second
	c, err := newConnector(client, e.base, o)
	if err != nil {
		t.Fatal(err)
	}
	var ops []connector.Op
	for i := range 45 {
		ops = append(ops, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{
			"name": fmt.Sprintf("Lite %d", i), "email": fmt.Sprintf("lite%d@example.com", i)}})
	}
	for i, op := range ops {
		res, err := c.Write(t.Context(), "persons", []connector.Op{op})
		if err != nil || res[0].Err != nil {
			t.Fatalf("create %d: %v %v", i, err, res)
		}
	}
	if n := st.n.Load(); n != 0 {
		t.Errorf("45 single-record writes on a Lite plan API token got %d 429 answers from Pipedrive's 20 requests per 2 s burst limit", n)
	}
}
