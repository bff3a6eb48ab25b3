package mailchimp

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// TestSessionsShareTheSimultaneousConnections: three syncs of one
// Mailchimp connection write at once (the scheduler starts them
// together), each with its workers, while Mailchimp answers slowly.
// Mailchimp allows a user 10 simultaneous connections; the sessions
// together must not open more, so no call is refused with a 429.
func TestSessionsShareTheSimultaneousConnections(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 17, RateLimits: true})
	limited := conformance.NewStatusCount(nil, http.StatusTooManyRequests)
	key := e.sim.MintAPIKey()
	shared := &connector.Limiters{} // the connection's, as the app hands every session
	list := e.sim.DefaultListID()
	var sessions []*Connector
	var ops [][]connector.Op
	for s := range 3 {
		o := testOptions()
		o.Limiters = shared
		c, err := newConnector(auth.StaticClient(&http.Client{Transport: limited}, "Authorization", "", apiKeyAuthorization(key)), e.base, o)
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, c)
		rows := make([]mcsim.MemberSeed, 12)
		for i := range rows {
			rows[i] = mcsim.MemberSeed{Email: fmt.Sprintf("s%d-%02d@example.com", s, i)}
		}
		var sops []connector.Op
		for _, id := range seed(t, e, list, rows...) {
			sops = append(sops, connector.Op{Kind: connector.OpUpdate, ID: id, Fields: map[string]string{"FNAME": "Busy"}})
		}
		ops = append(ops, sops)
	}
	e.sim.Faults().Set(simkit.Faults{Latency: 150 * time.Millisecond})
	var wg sync.WaitGroup
	for s, c := range sessions {
		wg.Go(func() {
			for i, r := range write(t, c, ops[s]...) {
				if r.Err != nil {
					t.Errorf("session %d update %d: %v", s, i, r.Err)
				}
			}
		})
	}
	wg.Wait()
	if n := limited.N(); n != 0 {
		t.Errorf("three sessions of one connection got %d answers 429 Too Many Requests: more than Mailchimp's 10 simultaneous connections were open", n)
	}
}
