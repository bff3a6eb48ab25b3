package pipedrive

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// TestPipedriveCompanyReserve: Pipedrive's daily token budget is the
// company's, shared by every integration; with the reserve setting (10 %)
// crmsync stops where the rest is left to the others, from the
// x-daily-ratelimit-token-* headers, instead of spending it to zero.
func TestPipedriveCompanyReserve(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 7, RateLimits: true, Plan: pdsim.PlanGrowth, DailyTokenBudget: 1000})
	client := auth.StaticClient(&http.Client{Timeout: time.Minute}, "x-api-token", "", e.sim.APIToken())
	e.sim.SetTokensUsed(850)
	c, err := New(client, connector.Account{APIBase: e.base, ReservePercent: 10})
	if err != nil {
		t.Fatal(err)
	}
	var stop error
	for i := range 40 {
		op := connector.Op{Kind: connector.OpCreate, Fields: map[string]string{
			"name": fmt.Sprintf("Reserve %d", i), "email": fmt.Sprintf("reserve%d@example.com", i)}}
		res, err := c.Write(t.Context(), "persons", []connector.Op{op})
		if err == nil && len(res) > 0 {
			err = res[0].Err
		}
		if err != nil {
			stop = err
			break
		}
	}
	used, budget := e.sim.TokenUsage()
	t.Logf("stop: %v; tokens %d of %d", stop, used, budget)
	if stop == nil || !errors.Is(stop, connector.ErrOrgReserve) || !errors.Is(stop, connector.ErrBudget) {
		t.Fatalf("40 creates with the company at 850 of 1,000 tokens: %v; want a budget stop for the reserve", stop)
	}
	if msg := stop.Error(); !strings.Contains(msg, "1,000") || !strings.Contains(msg, "900") || !strings.Contains(msg, "other integrations") {
		t.Errorf("stopped for %q; want the company's budget and where crmsync stops", msg)
	}
	// One call past the stop at most (the one whose answer showed it).
	if used > 900+10 {
		t.Errorf("company used %d of %d tokens; crmsync spent past its stop at 900", used, budget)
	}
}
