package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestUpgradeFromSchema1 builds a file exactly as schema 1 left it, with a
// sync and a link, and checks Open upgrades it to the newest schema in place
// and keeps the data.
func TestUpgradeFromSchema1(t *testing.T) {
	ctx := context.Background()
	path := oldSchemaFile(t, 1,
		"INSERT INTO syncs(id, name, definition, created_at, updated_at) VALUES(1, 'old', '{}', 1, 1)",
		`INSERT INTO links(sync_id, a_id, b_id, base, updated_at) VALUES(1, 'a1', 'b1', '{"email":"x@y.z"}', 1)`)

	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a schema-1 file: %v", err)
	}
	defer db.Close()
	var version int
	db.SQL().QueryRowContext(ctx, "PRAGMA user_version").Scan(&version)
	if version != store.SchemaVersion() || version < 2 {
		t.Fatalf("user_version after upgrade = %d, want %d", version, store.SchemaVersion())
	}
	ls, err := db.Links(ctx, 1)
	if err != nil || len(ls) != 1 || ls[0].AID != "a1" || ls[0].Base != `{"email":"x@y.z"}` {
		t.Fatalf("links after upgrade: %+v, %v", ls, err)
	}
	id, err := db.NewPlan(ctx, 1, 0)
	if err != nil {
		t.Fatalf("plans table after upgrade: %v", err)
	}
	if err := db.AddPlanItems(ctx, id, []store.PlanItem{{Kind: "link", Item: "{}"}}); err != nil {
		t.Fatalf("plan items after upgrade: %v", err)
	}
}

// TestPlanItemsPageInOrder stores items of two sides interleaved, in two
// calls and several chunks, and pages one side back in insertion order with
// pages that end inside a chunk.
func TestPlanItemsPageInOrder(t *testing.T) {
	db, syncID, ctx := engineSync(t)
	id, err := db.NewPlan(ctx, syncID, 0)
	if err != nil {
		t.Fatal(err)
	}
	const total = 700
	var items []store.PlanItem
	for i := total - 1; i >= 0; i-- {
		items = append(items, store.PlanItem{Kind: "create", Side: "b", Item: fmt.Sprint(i)})
		if i%50 == 0 {
			items = append(items, store.PlanItem{Kind: "create", Side: "a", Item: "other side"})
		}
	}
	half := len(items) / 2
	if err := db.AddPlanItems(ctx, id, items[:half]); err != nil {
		t.Fatal(err)
	}
	if err := db.AddPlanItems(ctx, id, items[half:]); err != nil {
		t.Fatal(err)
	}
	var got []store.PlanItem
	after := int64(0)
	for {
		page, err := db.PlanItems(ctx, id, "create", "b", after, 40)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if len(page) < 40 {
			break
		}
		after = page[len(page)-1].ID
	}
	if len(got) != total {
		t.Fatalf("paged %d items, want %d", len(got), total)
	}
	for i, it := range got {
		if want := fmt.Sprint(total - 1 - i); it.Item != want || it.Side != "b" {
			t.Fatalf("item %d = %+v, want item %s of side b", i, it, want)
		}
	}
	others, err := db.PlanItems(ctx, id, "create", "a", 0, 100)
	if err != nil || len(others) != total/50 {
		t.Fatalf("side a: %d items, %v", len(others), err)
	}
}

// TestStalePlansArePurged checks a plan made before the sync's newest run
// is dropped (with its items) by the next plan, and a dropped plan is gone.
func TestStalePlansArePurged(t *testing.T) {
	db, syncID, ctx := engineSync(t)
	old, _ := db.NewPlan(ctx, syncID, 0)
	db.AddPlanItems(ctx, old, []store.PlanItem{{Kind: "link", Item: "{}"}})
	sameRun, _ := db.NewPlan(ctx, syncID, 0)
	if ok, _ := db.PlanExists(ctx, old); !ok {
		t.Fatal("a plan of the same run was purged")
	}
	newer, err := db.NewPlan(ctx, syncID, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{old, sameRun} {
		if ok, _ := db.PlanExists(ctx, id); ok {
			t.Fatalf("plan %d made before run 5 still stored", id)
		}
	}
	var n int
	db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM plan_chunks").Scan(&n)
	if n != 0 {
		t.Fatalf("%d items of purged plans left", n)
	}
	if newer <= sameRun {
		t.Fatalf("plan id %d reused after a purge (had %d)", newer, sameRun)
	}
	if err := db.DropPlan(ctx, newer); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.PlanExists(ctx, newer); ok {
		t.Fatal("dropped plan still stored")
	}
}

// TestMigration8DropsStoredPlans: a plan stored item by item (schema 7) is
// dropped on upgrade, items and all, so applying it gives ErrStalePlan
// instead of reading a table that is gone.
func TestMigration8DropsStoredPlans(t *testing.T) {
	ctx := context.Background()
	path := oldSchemaFile(t, 7,
		"INSERT INTO syncs(id, name, definition, created_at, updated_at) VALUES (1, 's', '{}', 0, 0)",
		"INSERT INTO plans(id, sync_id, last_run, created_at) VALUES (3, 1, 0, 0)",
		`INSERT INTO plan_items(plan_id, kind, side, sort_key, item) VALUES (3, 'link', '', 'a1', '{}')`)
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if ok, err := db.PlanExists(ctx, 3); ok || err != nil {
		t.Fatalf("plan 3 after upgrade: exists %v, %v", ok, err)
	}
	id, err := db.NewPlan(ctx, 1, 0)
	if err != nil || id <= 3 {
		t.Fatalf("new plan after upgrade: id %d, %v", id, err)
	}
}
