package mailchimp

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

func TestBatchSubscribeMixed(t *testing.T) {
	e := newEnv(t, Options{})
	e.seed(2, e.clk.now().Add(-time.Hour))
	e.clk.add(time.Minute)
	body := map[string]any{"members": []any{
		map[string]any{"email_address": "fresh1@acme-widgets.com", "status": "subscribed", "merge_fields": map[string]any{"FNAME": "F1"},
			"tags": []string{"batch"}},
		map[string]any{"email_address": "broken-address", "status": "subscribed"},
		map[string]any{"email_address": "a0@acme-widgets.com", "status": "unsubscribed"},
		map[string]any{"email_address": "fresh2@acme-widgets.com", "status": "pending"},
		map[string]any{"email_address": "fresh3@acme-widgets.com", "status": "subscribed", "merge_fields": map[string]any{"BIRTHDAY": "31/31"}},
		map[string]any{"email_address": "fresh4@acme-widgets.com"},
		map[string]any{"email_address": "fresh5@acme-widgets.com", "status": "bogus"},
	}}
	r := e.do("POST", "/3.0/lists/"+e.list, body)
	if r.status != 200 || r.body["total_created"] != float64(2) || r.body["total_updated"] != float64(0) || r.body["error_count"] != float64(5) {
		t.Fatalf("batch: %d %s", r.status, r.raw)
	}
	if got := emails(objects(t, r, "new_members")); got[0] != "fresh1@acme-widgets.com" || got[1] != "fresh2@acme-widgets.com" {
		t.Fatalf("created: %v", got)
	}
	byEmail := map[string]map[string]any{}
	for _, x := range objects(t, r, "errors") {
		byEmail[x["email_address"].(string)] = x
	}
	if x := byEmail["a0@acme-widgets.com"]; x["error_code"] != "ERROR_CONTACT_EXISTS" {
		t.Fatalf("exists: %v", x)
	}
	if x := byEmail["broken-address"]; x["error_code"] != "ERROR_GENERIC" || x["error"] != "broken-address looks fake or invalid, please enter a real email address." {
		t.Fatalf("fake: %v", x)
	}
	if x := byEmail["fresh3@acme-widgets.com"]; x["field"] != "BIRTHDAY" || x["error"] != "Your merge fields were invalid." || x["field_message"] == "" {
		t.Fatalf("merge: %v", x)
	}
	if x := byEmail["fresh4@acme-widgets.com"]; x["error_code"] != "ERROR_GENERIC" || x["field_message"] != "Required fields were not provided: status" {
		t.Fatalf("no status: %v", x)
	}
	if x := byEmail["fresh5@acme-widgets.com"]; x["field"] != "status" {
		t.Fatalf("enum: %v", x)
	}
	if m, ok := e.sim.Member(e.list, "fresh1@acme-widgets.com"); !ok || m.Tags[0] != "batch" || m.MergeFields["FNAME"] != "F1" {
		t.Fatalf("created member: %+v", m)
	}
	if m, _ := e.sim.Member(e.list, "a0@acme-widgets.com"); m.Status != "subscribed" {
		t.Fatalf("a refused member changed: %+v", m)
	}

	// update_existing: existing members are updated; a member sent without status keeps its own.
	r = e.do("POST", "/3.0/lists/"+e.list, map[string]any{"update_existing": true, "sync_tags": true, "members": []any{
		map[string]any{"email_address": "a0@acme-widgets.com", "status": "unsubscribed"},
		map[string]any{"email_address": "fresh1@acme-widgets.com", "merge_fields": map[string]any{"LNAME": "L1"}, "tags": []string{"other"}},
		map[string]any{"email_address": "fresh6@acme-widgets.com", "status": "transactional"},
	}})
	if r.status != 200 || r.body["total_created"] != float64(1) || r.body["total_updated"] != float64(2) || r.body["error_count"] != float64(0) {
		t.Fatalf("update_existing: %s", r.raw)
	}
	if m, _ := e.sim.Member(e.list, "fresh1@acme-widgets.com"); m.Status != "subscribed" || m.MergeFields["LNAME"] != "L1" ||
		len(m.Tags) != 1 || m.Tags[0] != "other" {
		t.Fatalf("synced tags: %+v", m)
	}
	if m, _ := e.sim.Member(e.list, "a0@acme-widgets.com"); m.Status != "unsubscribed" {
		t.Fatalf("unsubscribed: %+v", m)
	}
	// A duplicate in one request counts once.
	r = e.do("POST", "/3.0/lists/"+e.list, map[string]any{"members": []any{
		map[string]any{"email_address": "dup@acme-widgets.com", "status": "subscribed"},
		map[string]any{"email_address": "DUP@acme-widgets.com", "status": "unsubscribed"},
	}})
	if r.body["total_created"] != float64(1) || r.body["error_count"] != float64(1) {
		t.Fatalf("duplicates: %s", r.raw)
	}
}

func TestBatchLimitsAndShape(t *testing.T) {
	e := newEnv(t, Options{})
	members := make([]any, 501)
	for i := range members {
		members[i] = map[string]any{"email_address": fmt.Sprintf("b%d@acme-widgets.com", i), "status": "subscribed"}
	}
	errs := wantProblem(t, e.do("POST", "/3.0/lists/"+e.list, map[string]any{"members": members}), 400, "Invalid Resource")
	if fieldErrors(errs)["members"] == "" || e.sim.Count(e.list) != 0 {
		t.Fatalf("501 members: %v, %d added", errs, e.sim.Count(e.list))
	}
	r := e.do("POST", "/3.0/lists/"+e.list, map[string]any{"members": members[:500]})
	if r.status != 200 || r.body["total_created"] != float64(500) || e.sim.Count(e.list) != 500 {
		t.Fatalf("500 members: %d %v", r.status, r.body["total_created"])
	}
	wantProblem(t, e.do("POST", "/3.0/lists/"+e.list, map[string]any{"update_existing": true}), 400, "Invalid Resource")
	wantProblem(t, e.do("POST", "/3.0/lists/"+e.list, map[string]any{"members": "nope"}), 400, "Invalid Resource")
	wantProblem(t, e.do("POST", "/3.0/lists/aaaaaaaaaa", map[string]any{"members": []any{}}), 404, "Resource Not Found")
	if st := e.sim.Stats(); st["POST /3.0/lists/{list_id}"] != 5 {
		t.Fatalf("stats %v", st)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Faults: simkit.Faults{Latency: 300 * time.Millisecond}})
	run := func(n int) map[int]int {
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := make(chan struct{})
		counts := map[int]int{}
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r := e.do("GET", "/3.0/ping", nil)
				mu.Lock()
				defer mu.Unlock()
				counts[r.status]++
				if r.status == 429 && r.body["title"] != "Too Many Requests" {
					counts[-1]++
				}
			}()
		}
		close(start)
		wg.Wait()
		return counts
	}
	if c := run(14); c[200] < 10 || c[429] < 1 || c[200]+c[429] != 14 || c[-1] != 0 {
		t.Fatalf("14 at once with a limit of 10: %v", c)
	}
	e.sim.SetRateLimits(false)
	if c := run(14); c[200] != 14 {
		t.Fatalf("limits off: %v", c)
	}
}

func TestInjectedFaults(t *testing.T) {
	e := newEnv(t, Options{Faults: simkit.Faults{P5xx: 1}})
	wantProblem(t, e.do("GET", "/3.0/ping", nil), 500, "Internal Server Error")
	e.sim.Faults().Set(simkit.Faults{P429: 1})
	wantProblem(t, e.do("GET", "/3.0/ping", nil), 429, "Too Many Requests")
	// Authentication comes first.
	wantProblem(t, e.request("GET", "/3.0/ping", nil, nil), 401, "API Key Missing")
}
