package pipedrive

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestSessionsShareTheBurstLimit: Pipedrive's burst limit is per
// token (Lite API token: 20 per 2 s, and a 429 blocks the token for
// seconds), so two sessions of one connection writing at once (a
// scheduled run beside a button press) must share one pace through the
// connection's Limiters.
func TestSessionsShareTheBurstLimit(t *testing.T) {
	e, st, client := litePlanClient(t, 5)
	lims := &connector.Limiters{}
	var wg sync.WaitGroup
	for w := range 2 {
		o := defaultOptions()
		o.maxWait = 30 * time.Second
		o.limiters = lims
		c, err := newConnector(client, e.base, o)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				op := connector.Op{Kind: connector.OpCreate, Fields: map[string]string{
					"name": fmt.Sprintf("Shared %d-%d", w, i), "email": fmt.Sprintf("shared%d-%d@example.com", w, i)}}
				res, err := c.Write(t.Context(), "persons", []connector.Op{op})
				if err != nil || res[0].Err != nil {
					t.Errorf("session %d create %d: %v %v", w, i, err, res)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := st.N(); n != 0 {
		t.Errorf("two sessions of one Lite plan API token connection got %d 429 answers from Pipedrive's 20 requests per 2 s burst limit", n)
	}
}
