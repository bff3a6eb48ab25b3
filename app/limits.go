package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// A connection's limits: the calls crmsync may spend a day, and the
// org-wide daily allocation (Salesforce's; Pipedrive's company token
// budget) shared by every integration of the org, of which crmsync leaves
// a reserve and shows the last seen usage (Salesforce's).

// OrgUsageLine says the org's usage in the user's terms, its time in loc.
func OrgUsageLine(c ConnectionView, loc *time.Location) string {
	at := c.OrgUsageAt.In(loc).Format("15:04")
	if c.OrgUnit != "" {
		return fmt.Sprintf("%s account: %s of %s %s used (as of %s)",
			c.Title, connector.Thousands(c.OrgUsed), connector.Thousands(c.OrgMax), c.OrgUnit, at)
	}
	return fmt.Sprintf("%s org: %s of %s API calls in the last 24 hours (as of %s)",
		c.Title, connector.Thousands(c.OrgUsed), connector.Thousands(c.OrgMax), at)
}

// usageUnitNamer is an orgUsager whose figures are not calls of the last
// 24 hours (Pipedrive's daily tokens, or its write requests of the day).
type usageUnitNamer interface{ UsageUnit() string }

// orgUsageValue is the cached form of a usage: "used/max", then the unit
// after a space when the connector names one.
func orgUsageValue(client any, used, mx int64) []byte {
	v := fmt.Appendf(nil, "%d/%d", used, mx)
	if n, ok := client.(usageUnitNamer); ok && n.UsageUnit() != "" {
		v = fmt.Appendf(v, " %s", n.UsageUnit())
	}
	return v
}

// parseOrgUsage reads orgUsageValue's form (a figure cached before units
// has none).
func parseOrgUsage(raw []byte) (used, mx int64, unit string, err error) {
	nums, unit, _ := strings.Cut(string(raw), " ")
	if _, err := fmt.Sscanf(nums, "%d/%d", &used, &mx); err != nil {
		return 0, 0, "", fmt.Errorf("cached org usage %q: %w", raw, err)
	}
	return used, mx, unit, nil
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
