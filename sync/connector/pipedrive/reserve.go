package pipedrive

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// The daily token budget is the company's, drawn on by every user and
// integration (Rate limiting): crmsync leaves the reserve percent of it to
// the others rather than spend it to zero.

// reserveWait is how long the scheduler waits after a reserve stop: the
// budget resets at the server's midnight, unknown here, and an hour saves
// a call every few minutes until then.
const reserveWait = time.Hour

// classify reads the daily budget headers of every answer, then decides.
func (c *Connector) classify(resp *http.Response, err error) transport.Verdict {
	if resp != nil {
		c.readDaily(resp.Header)
		c.readWritesLeft(resp.Header)
	}
	return classify(resp, err)
}

// readDaily keeps x-daily-ratelimit-token-limit/-remaining when sent.
func (c *Connector) readDaily(h http.Header) {
	lim, err1 := strconv.ParseInt(h.Get("x-daily-ratelimit-token-limit"), 10, 64)
	left, err2 := strconv.ParseInt(h.Get("x-daily-ratelimit-token-remaining"), 10, 64)
	if err1 != nil || err2 != nil || lim <= 0 || left < 0 {
		return
	}
	c.budget.Store(lim)
	c.tokensLeft.Store(left)
}

// admit refuses a call once the company's tokens left, from the last
// answer, are down to the reserve.
func (c *Connector) admit(req *http.Request) error {
	if err := c.admitWrite(req); err != nil {
		return err
	}
	budget, left := c.budget.Load(), c.tokensLeft.Load()
	if c.reserve == 0 || budget == 0 {
		return nil // no reserve, or no header seen yet
	}
	stopAt := budget - budget*c.reserve/100
	if used := budget - left; used < stopAt {
		return nil
	}
	return &connector.Error{Vendor: vendor, Endpoint: req.Method + " " + endpointOf(req.URL.Path), Category: connector.CatBudget,
		RetryAfter: reserveWait, Cause: connector.ErrOrgReserve,
		Message: fmt.Sprintf("Pipedrive company has used %s of its %s daily API tokens; crmsync stops at %s to leave the rest to your other integrations",
			connector.Thousands(budget-left), connector.Thousands(budget), connector.Thousands(stopAt))}
}
