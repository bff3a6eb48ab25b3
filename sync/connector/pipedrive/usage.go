package pipedrive

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/crmsync/crmsync/sync/connector"
)

// Pipedrive reports a day's allowance in one of two ways, and crmsync
// honours whichever it sends:
//   - x-daily-ratelimit-token-limit/-remaining: the company's daily token
//     budget (token-based rate limits, rolled out 2024–2025). Not in the
//     docs, and Pipedrive's staff say it can be missing for a few
//     requests after a long idle time, so it is optional (reserve.go).
//   - x-daily-requests-left: the POST/PUT requests left today (UTC) to an
//     API-token user, the documented fair-usage limit of 10,000 a day
//     ("Rate limiting"; changelog "Daily API limit for POST/PUT
//     endpoints"), past which Pipedrive "may start blocking" writes.

// dailyWriteRequests is the documented daily POST/PUT limit per user.
const dailyWriteRequests = 10_000

// readWritesLeft keeps x-daily-requests-left when sent.
func (c *Connector) readWritesLeft(h http.Header) {
	if left, err := strconv.ParseInt(h.Get("x-daily-requests-left"), 10, 64); err == nil && left >= 0 {
		c.writesLeft.Store(left)
	}
}

// Usage is the day's usage from the last answer: the company's tokens
// used of its budget, or else the write requests used of the daily limit;
// max 0 when Pipedrive sent neither.
func (c *Connector) Usage() (used, max int64) {
	if budget := c.budget.Load(); budget > 0 {
		return budget - c.tokensLeft.Load(), budget
	}
	if left := c.writesLeft.Load(); left >= 0 {
		return dailyWriteRequests - min(left, dailyWriteRequests), dailyWriteRequests
	}
	return 0, 0
}

// UsageUnit names what Usage counts, for the connection's listing.
func (c *Connector) UsageUnit() string {
	if c.budget.Load() > 0 {
		return "daily API tokens"
	}
	return "POST/PUT requests today (UTC)"
}

// admitWrite refuses a POST or PUT once the write requests left today,
// from the last answer, are down to the reserve's share of the daily
// limit (none left, without a reserve).
func (c *Connector) admitWrite(req *http.Request) error {
	left := c.writesLeft.Load()
	if left < 0 || (req.Method != http.MethodPost && req.Method != http.MethodPut) {
		return nil
	}
	keep := dailyWriteRequests * c.reserve / 100
	if left > keep {
		return nil
	}
	e := &connector.Error{Vendor: vendor, Endpoint: req.Method + " " + endpointOf(req.URL.Path), Category: connector.CatBudget,
		Code: "DAILY_WRITE_LIMIT", RetryAfter: reserveWait,
		Message: fmt.Sprintf("Pipedrive allows %s POST/PUT requests a day per user and %s are left today (UTC); crmsync writes again after midnight UTC",
			connector.Thousands(dailyWriteRequests), connector.Thousands(left))}
	if keep > 0 {
		e.Cause = connector.ErrOrgReserve
		e.Message = fmt.Sprintf("Pipedrive allows %s POST/PUT requests a day per user and %s are left today (UTC); crmsync stops at %s to leave the rest to your other integrations",
			connector.Thousands(dailyWriteRequests), connector.Thousands(left), connector.Thousands(keep))
	}
	return e
}
