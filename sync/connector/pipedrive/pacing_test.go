package pipedrive

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// TestPacingStaysUnderLitePlanBurst: a company on the lowest plan
// (Lite/Essential), connected by its personal API token, may send 20
// requests per 2-second window. The connector's own pace is meant for that
// limit (defaultOptions), so writing a few dozen people one call each
// must not meet a single 429.
func TestPacingStaysUnderLitePlanBurst(t *testing.T) {
	e, st, client := litePlanClient(t, 3)
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
	if n := st.N(); n != 0 {
		t.Errorf("45 single-record writes on a Lite plan API token got %d 429 answers from Pipedrive's 20 requests per 2 s burst limit", n)
	}
}

// litePlanClient is a Pipedrive sandbox on the Lite plan with its rate
// limits on, and a client sending its API token through st, which counts
// the 429s.
func litePlanClient(t *testing.T, seed int64) (*env, *conformance.StatusCount, *http.Client) {
	e := newEnv(t, pdsim.Options{Seed: seed, RateLimits: true, Plan: pdsim.PlanLite})
	st := conformance.NewStatusCount(nil, http.StatusTooManyRequests)
	return e, st, auth.StaticClient(&http.Client{Transport: st, Timeout: time.Minute}, "x-api-token", "", e.sim.APIToken())
}
