package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestSameSyncTwiceAtOnce: the window's button and the scheduler
// start the same sync's first run at the same moment. Each person must
// exist once on each side afterwards.
func TestSameSyncTwiceAtOnce(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 61, 40)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	before := emailCounts(srv)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	sums := make([]app.RunResult, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sums[i], errs[i] = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		}()
	}
	wg.Wait()
	for i := range 3 {
		t.Logf("run %d: %v %+v", i, errs[i], sums[i].Summary)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("after: %v %+v", err, res.Summary)
	noNewDuplicates(t, srv, before)
}

// noNewDuplicates fails t for each email more records hold than before
// (emailCounts) when more than one does.
func noNewDuplicates(t *testing.T, srv *sandbox.Server, before map[string]int) {
	t.Helper()
	for e, n := range emailCounts(srv) {
		if n > 1 && n > before[e] {
			t.Errorf("%d records with email %s, %d before", n, e, before[e])
		}
	}
}

// emailCounts counts HubSpot contacts and Salesforce Contacts by email
// ("hs:" or "sf:" and the email in lower case).
func emailCounts(srv *sandbox.Server) map[string]int {
	out := map[string]int{}
	for _, r := range srv.HubSpot().Records("contacts") {
		if e := strings.ToLower(r.Properties["email"]); e != "" {
			out["hs:"+e]++
		}
	}
	for _, r := range srv.Salesforce().Records("Contact") {
		if e := strings.ToLower(r.Fields["Email"]); e != "" {
			out["sf:"+e]++
		}
	}
	return out
}
