package brevo

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	bvsim "github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// TestReadWaitsForSecondReset: the account's other integrations have
// used 8 of the contacts endpoints' 10 requests this second. Brevo's
// x-sib-ratelimit-remaining says 0 after two calls; the read, at its own
// pace, waits for x-sib-ratelimit-reset instead of drawing a 429.
func TestReadWaitsForSecondReset(t *testing.T) {
	e := newEnv(t, bvsim.Options{})
	rows := make([]bvsim.ContactSeed, 6)
	for i := range rows {
		rows[i] = bvsim.ContactSeed{Email: fmt.Sprintf("second%d@example.com", i)}
	}
	seed(t, e, rows...)
	client, _ := e.signIn(t)
	cnt := conformance.NewStatusCount(client.Transport, http.StatusTooManyRequests)
	client.Transport = cnt
	c := e.connectWith(t, client, func(o *options) {
		o.Rate, o.Burst = defaultOptions().Rate, defaultOptions().Burst
		o.pageSize = 2
	})
	e.sim.SpendContactsSecond(2)
	n := 0
	for p, err := range c.Read(t.Context(), objContacts, "") {
		if err != nil {
			t.Fatalf("read after %d contacts: %v", n, err)
		}
		n += len(p.Records)
	}
	if n < len(rows) {
		t.Fatalf("read %d contacts, want %d", n, len(rows))
	}
	if got := cnt.N(); got != 0 {
		t.Errorf("the sandbox answered %d of %d calls with 429; want none: x-sib-ratelimit-remaining 0 says to wait for x-sib-ratelimit-reset", got, cnt.Calls())
	}
}
