package app_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestEchoRunKeepsIndexRows: the run after a sync's first run reads back
// every record it wrote, and each must match the index row stored with
// its write, so the planner does not merge it again (BENCHMARKS.md, fixes
// 25 and 47). Blank mapped fields are the case this guards: a create
// leaves them out, and the vendor reads them back as blank.
func TestEchoRunKeepsIndexRows(t *testing.T) {
	ctx := context.Background()
	a, _ := connectedSandbox(t, 11, 300)
	if err := a.SaveSync(ctx, app.DemoSync("contacts", "hs", "sf")); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created == 0 {
		t.Fatalf("first run: %v, %+v", err, res.Summary)
	}
	row, err := a.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	links := syncLinks(t, a, "contacts")
	ids := map[string][]string{}
	for _, l := range links {
		ids["a"], ids["b"] = append(ids["a"], l.AID), append(ids["b"], l.BID)
	}
	rows := func() map[string]string {
		out := map[string]string{}
		for side, list := range ids {
			recs, err := a.DB().Records(ctx, row.ID, side, list)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				out[side+":"+r.ID] = r.Fields
			}
		}
		return out
	}
	before := rows()
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created+res.Summary.Updated != 0 {
		t.Fatalf("echo run: %v, %+v; want no writes", err, res.Summary)
	}
	changed := 0
	for k, after := range rows() {
		if before[k] != after {
			if changed++; changed <= 3 {
				t.Errorf("%s re-indexed by the echo run:\n before %s\n after  %s", k, before[k], after)
			}
		}
	}
	if changed > 0 {
		t.Errorf("%d of %d linked records were re-indexed by the echo run; want none", changed, 2*len(links))
	}
}
