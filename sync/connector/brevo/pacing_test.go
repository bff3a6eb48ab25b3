package brevo

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	bvsim "github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// TestPacingStaysUnderContactsRateLimit: every endpoint under
// /v3/contacts allows 10 requests a second. The connector's own pace
// (defaultOptions) is meant to keep under it, so looking up a few dozen
// emails, workers at a time, must not meet a single 429.
func TestPacingStaysUnderContactsRateLimit(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 3, RateLimits: true})
	client, _ := e.signIn(t)
	st := conformance.NewStatusCount(client.Transport, http.StatusTooManyRequests)
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
	if n := st.N(); n != 0 {
		t.Errorf("looking up 40 emails got %d 429 answers from Brevo's 10 requests a second on /v3/contacts", n)
	}
}
