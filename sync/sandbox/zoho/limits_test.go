package zoho

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

func TestEditionBudgets(t *testing.T) {
	cases := []struct {
		o            Options
		budget, conc int
	}{
		{Options{}, 51_250, 10}, // Standard, 5 users
		{Options{Edition: EditionFree, Users: 3}, 5000, 5},
		{Options{Edition: EditionStandard, Users: 400}, 100_000, 10},
		{Options{Edition: EditionEnterprise, Users: 100}, 150_000, 20},
		{Options{Edition: EditionUltimate, Users: 10_000}, 20_050_000, 25},
		{Options{Edition: EditionProfessional, DailyCredits: 7, Concurrency: 3}, 7, 3},
	}
	for _, c := range cases {
		s := New(c.o)
		if _, b := s.CreditUsage(); b != c.budget || s.limits.concurrency != c.conc {
			t.Fatalf("%+v: budget %d conc %d, want %d %d", c.o, b, s.limits.concurrency, c.budget, c.conc)
		}
	}
}

func TestCreditsRollingWindow(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, DailyCredits: 10})
	list := func() reply { return e.do("GET", "/crm/v8/Contacts?fields=Last_Name", nil) }
	if r := list(); r.status != 204 || r.header.Get("X-API-CREDITS-REMAINING") != "" {
		t.Fatalf("first call: %d %v", r.status, r.header)
	}
	// 25 records cost 3 credits (1 per 10 records).
	recs := make([]any, 25)
	for i := range recs {
		recs[i] = map[string]any{"Last_Name": fmt.Sprint("C", i)}
	}
	if r := e.do("POST", "/crm/v8/Contacts", map[string]any{"data": recs}); r.status != 201 {
		t.Fatalf("insert: %d %s", r.status, r.raw)
	}
	if used, _ := e.sim.CreditUsage(); used != 4 {
		t.Fatalf("used %d, want 4", used)
	}
	e.clk.add(12 * time.Hour)
	r := list()
	if r.header.Get("X-API-CREDITS-REMAINING") != "5" {
		t.Fatalf("remaining header at half the budget: %v", r.header)
	}
	for i := 0; i < 5; i++ {
		list()
	}
	r = list()
	if r.status != 429 {
		t.Fatalf("over budget: %d", r.status)
	}
	assertErr(t, r.body, "TOO_MANY_REQUESTS")
	if used, _ := e.sim.CreditUsage(); used != 10 {
		t.Fatalf("a refused call was charged: %d", used)
	}
	// The window rolls: the first 4 credits free up 24 h after they were spent.
	e.clk.add(12 * time.Hour)
	if r := list(); r.status != 200 {
		t.Fatalf("after 24 h: %d %s", r.status, r.raw)
	}
	if used, _ := e.sim.CreditUsage(); used != 7 {
		t.Fatalf("rolled usage %d, want 7", used)
	}
	e.sim.SetCreditsUsed(10)
	if r := list(); r.status != 429 {
		t.Fatalf("SetCreditsUsed: %d", r.status)
	}
	e.sim.SetRateLimits(false)
	if r := list(); r.status != 200 {
		t.Fatalf("rate limits off: %d", r.status)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Concurrency: 2, Faults: simkit.Faults{Latency: 300 * time.Millisecond}})
	run := func(n int) map[int]int {
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := make(chan struct{})
		counts := map[int]int{}
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r := e.do("GET", "/crm/v8/Contacts?fields=Last_Name", nil)
				mu.Lock()
				counts[r.status]++
				if r.status == 429 && r.body["code"] != "TOO_MANY_REQUESTS" {
					counts[-1]++ // a 429 without Zoho's code
				}
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		return counts
	}
	if c := run(6); c[204] < 2 || c[429] < 1 || c[204]+c[429] != 6 || c[-1] != 0 {
		t.Fatalf("with a limit of 2: %v", c)
	}
	e.sim.SetRateLimits(false)
	if c := run(6); c[204] != 6 {
		t.Fatalf("rate limits off: %v", c)
	}
}
