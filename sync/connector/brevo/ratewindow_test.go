package brevo

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	bvsim "github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// count429 counts the answers the sandbox gives with a 429.
type count429 struct {
	next    http.RoundTripper
	calls   atomic.Int64
	limited atomic.Int64
}

func (c *count429) RoundTrip(r *http.Request) (*http.Response, error) {
	c.calls.Add(1)
	resp, err := c.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		c.limited.Add(1)
	}
	return resp, err
}

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
	cnt := &count429{next: client.Transport}
	if cnt.next == nil {
		cnt.next = http.DefaultTransport
	}
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
	if got := cnt.limited.Load(); got != 0 {
		t.Errorf("the sandbox answered %d of %d calls with 429; want none: x-sib-ratelimit-remaining 0 says to wait for x-sib-ratelimit-reset", got, cnt.calls.Load())
	}
}
