package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// TestMalformedPage: a vendor answers a read with a page of
// malformed JSON. The run must end with an error naming the vendor,
// record nothing, and the next run must complete with no duplicates.
func TestMalformedPage(t *testing.T) {
	cases := []struct {
		name, vendor, conn string
		sync               func() []string
		match              func(*http.Request) bool
	}{
		{"hubspot", "salesforce", "sf", nil, func(r *http.Request) bool {
			return strings.Contains(r.URL.Path, "/hubspot/") && strings.HasSuffix(r.URL.Path, "/contacts/search")
		}},
		{"salesforce", "salesforce", "sf", nil, func(r *http.Request) bool {
			return strings.Contains(r.URL.Path, "/salesforce/") && strings.Contains(r.URL.Path, "/query")
		}},
		{"pipedrive", "pipedrive", "pd", nil, func(r *http.Request) bool {
			return r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/api/v2/persons")
		}},
		{"zoho", "zoho", "zh", nil, func(r *http.Request) bool {
			return r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/crm/v8/Contacts")
		}},
		{"dynamics", "dynamics", "dv", nil, func(r *http.Request) bool { return r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/contacts") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			vendors := [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}}
			if tc.vendor != "salesforce" {
				vendors = append(vendors, [2]string{tc.vendor, tc.conn})
			}
			a, srv, tr := lossyApp(t, 67, 20, vendors...)
			def := app.DemoSync("contacts", "hs", "sf")
			switch tc.vendor {
			case "pipedrive":
				def = app.DemoPipedriveSync("contacts", "hs", "pd", "")
			case "zoho":
				def = app.DemoZohoSync("contacts", "hs", "zh")
			case "dynamics":
				def = app.DemoDynamicsSync("contacts", "hs", "dv", "")
			}
			saveSyncs(t, a, def)
			tr.corrupt = true
			tr.arm(1, tc.match)
			res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
			t.Logf("run 1: err=%v summary=%+v lost=%v", err, res.Summary, tr.lostCalls())
			if len(tr.lostCalls()) != 1 {
				t.Fatalf("no page was corrupted: %v", tr.lostCalls())
			}
			msg := ""
			if err != nil {
				msg = err.Error()
			} else if res.Summary != nil {
				msg = res.Summary.Message
			}
			if err == nil && res.Summary != nil && res.Summary.Status == "success" {
				t.Errorf("a malformed page from %s ended in success: %+v", tc.name, res.Summary)
			}
			if !strings.Contains(strings.ToLower(msg), tc.name) {
				t.Errorf("the failure does not name %s: %q", tc.name, msg)
			}
			if res.Summary != nil && res.Summary.Created+res.Summary.Updated+res.Summary.Linked != 0 {
				t.Errorf("the run wrote despite a malformed page: %+v", res.Summary)
			}
			tr.corrupt = false
			before := emailCounts(srv)
			res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
			t.Logf("run 2: %v %+v", err, res.Summary)
			if err != nil || res.Summary == nil || res.Summary.Status != "success" {
				t.Errorf("the next run: %v %+v", err, res.Summary)
			}
			noNewDuplicates(t, srv, before)
		})
	}
}

// TestTokenExpiresMidRun: every Salesforce access token expires
// between the reads and the first write. The run must refresh and finish,
// and the runs after must settle without duplicates.
func TestTokenExpiresMidRun(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 71, 20, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	before := emailCounts(srv)
	var once atomic.Bool
	tr.setHook(func(r *http.Request) {
		if r.Method != "GET" && strings.Contains(r.URL.Path, "/composite/sobjects") && once.CompareAndSwap(false, true) {
			srv.Salesforce().Auth().ExpireAllAccess()
		}
	})
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("run 1: %v %+v", err, res.Summary)
	if !once.Load() {
		t.Fatal("the run wrote nothing to Salesforce")
	}
	if err != nil || res.Summary.Status != "success" {
		t.Errorf("an expired access token with a good refresh token failed the run: %v %+v", err, res.Summary)
	}
	runsSettle(t, a, srv, before, 2)
}

// TestRateLimitStorm: HubSpot answers every call with 429 from its
// first write on. The run must stop saying so (HubSpot, its message), and
// once the storm is over the next runs must finish and settle with no
// duplicates.
func TestRateLimitStorm(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 73, 20, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	before := emailCounts(srv)
	var once atomic.Bool
	tr.setHook(func(r *http.Request) {
		if r.Method == "POST" && strings.Contains(r.URL.Path, "/hubspot/") && strings.Contains(r.URL.Path, "/batch/") && once.CompareAndSwap(false, true) {
			srv.HubSpot().Faults().Set(simkit.Faults{P429: 1})
		}
	})
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	srv.HubSpot().Faults().Set(simkit.Faults{})
	msg := ""
	if err != nil {
		msg = err.Error()
	} else if res.Summary != nil {
		msg = res.Summary.Message + " " + fmt.Sprint(res.Failures)
	}
	t.Logf("storm run: %v %+v", err, res.Summary)
	if !once.Load() {
		t.Fatal("the run wrote nothing to HubSpot")
	}
	if err == nil && res.Summary.Status == "success" {
		t.Errorf("a 429 storm ended in success")
	}
	if !strings.Contains(strings.ToLower(msg), "hubspot") && !strings.Contains(msg, "hs ") {
		t.Errorf("the storm's failure does not name HubSpot: %q", msg)
	}
	runsSettle(t, a, srv, before, 3)
}

// runsSettle runs the contacts sync n more times: the last must succeed
// writing nothing, and no email may have gained a duplicate since before.
func runsSettle(t *testing.T, a *app.App, srv *sandbox.Server, before map[string]int, n int) {
	t.Helper()
	var res app.RunResult
	var err error
	for i := range n {
		res, err = a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true})
		t.Logf("run %d after: %v %+v", i+1, err, res.Summary)
	}
	if err != nil || res.Summary.Status != "success" || res.Summary.Created+res.Summary.Updated != 0 {
		t.Errorf("the runs after did not settle: %v %+v", err, res.Summary)
	}
	noNewDuplicates(t, srv, before)
}
