package brevo

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	bvsim "github.com/crmsync/crmsync/sync/sandbox/brevo"
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

// TestPacingStaysUnderContactsRateLimit: every endpoint under
// /v3/contacts allows 10 requests a second. The connector's own pace
// (defaultOptions) is meant to keep under it, so looking up a few dozen
// emails, workers at a time, must not meet a single 429.
func TestPacingStaysUnderContactsRateLimit(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 3, RateLimits: true})
	client, _ := e.signIn(t)
	st := &statusCount{next: client.Transport, status: http.StatusTooManyRequests}
	client.Transport = st
	o := defaultOptions()
	o.MaxWait = 30 * time.Second
	c, err := newConnector(client, e.base, o)
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for i := range 40 {
		emails = append(emails, fmt.Sprintf("nobody%d@example.com", i))
	}
	if _, err := c.Lookup(t.Context(), objContacts, "email", emails); err != nil {
		t.Fatal(err)
	}
	if n := st.n.Load(); n != 0 {
		t.Errorf("looking up 40 emails got %d 429 answers from Brevo's 10 requests a second on /v3/contacts", n)
	}
}
