package app

import (
	"context"
	"fmt"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// A connection's limits: the calls crmsync may spend a day, and the
// org-wide daily allocation (Salesforce's; Pipedrive's company token
// budget) shared by every integration of the org, of which crmsync leaves
// a reserve and shows the last seen usage (Salesforce's).

// OrgUsageLine says the org's usage in the user's terms, its time in loc.
func OrgUsageLine(c ConnectionView, loc *time.Location) string {
	return fmt.Sprintf("%s org: %s of %s API calls in the last 24 hours (as of %s)",
		c.Title, connector.Thousands(c.OrgUsed), connector.Thousands(c.OrgMax), c.OrgUsageAt.In(loc).Format("15:04"))
}

// orgUsageKey is the meta-cache key of the org's last seen usage.
const orgUsageKey = "org-api-usage"

// orgUsager is a connector that reads the org's allocation from answers.
type orgUsager interface{ Usage() (used, max int64) }

// defaultOrgReserve is the percent of an org-wide daily allocation
// (Salesforce's) a run leaves to the org's other integrations: an ERP or
// marketing sync that finds the allocation spent stops for the rest of the
// rolling day, and 10 % (1,500 calls of a Developer Edition's 15,000) is a
// day's share for a typical one.
const defaultOrgReserve = 10

// orgReserve is the setting org_api_reserve_percent (0 to 100; 0 = none),
// or defaultOrgReserve.
func (a *App) orgReserve(ctx context.Context) int {
	v, _ := a.db.Setting(ctx, "org_api_reserve_percent", "")
	var n int
	if _, err := fmt.Sscan(v, &n); err == nil && n >= 0 && n <= 100 {
		return n
	}
	return defaultOrgReserve
}

// defaultDailyBudget is the calls a connection may spend a day unless the
// setting default_daily_budget or the connection says otherwise.
const defaultDailyBudget = 10000

func (a *App) defaultBudget(ctx context.Context) int {
	v, _ := a.db.Setting(ctx, "default_daily_budget", "")
	var n int
	if _, err := fmt.Sscan(v, &n); err == nil && n > 0 {
		return n
	}
	return defaultDailyBudget
}
