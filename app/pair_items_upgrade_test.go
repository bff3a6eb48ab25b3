package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestOlderStorePairItemsCloseToOne: a build from before "a held
// pair is one Review item" stored one open item from each side of a pair
// (Ann's naming Bob, Bob's naming Ann). After the upgrade the sync's next
// run, with nothing changed in either CRM, must close the duplicate so
// Review counts one decision, keeping side A's item.
func TestOlderStorePairItemsCloseToOne(t *testing.T) {
	ctx := context.Background()
	a, _, ann, bob := bergsSharingAnEmail(t, 524)
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	kept := reviewsAboutPair(t, a, "contacts", ann.ID, bob.ID)
	if len(kept) != 1 || kept[0].Side != "a" {
		t.Fatalf("want one open item on side A for the pair, got %+v", kept)
	}
	// What the older build also stored: side B's item of the same pair.
	row, err := a.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	detail := fmt.Sprintf(`{"reason":"1 record on side A shares email/Email","candidates":[{"side":"a","id":%q,"rule":1,"key":"home@berg.example"}]}`, ann.ID)
	if err := a.DB().Commit(ctx, store.Commit{SyncID: row.ID, Reviews: []store.ReviewRow{{Kind: "ambiguous", Side: "b", RecordID: bob.ID, Detail: detail}}}); err != nil {
		t.Fatal(err)
	}
	if n := len(reviewsAboutPair(t, a, "contacts", ann.ID, bob.ID)); n != 2 {
		t.Fatalf("the older build's store state: want 2 open items, got %d", n)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
	if err != nil {
		t.Fatalf("run after the upgrade: %s", line)
	}
	left := reviewsAboutPair(t, a, "contacts", ann.ID, bob.ID)
	if len(left) != 1 || left[0].ID != kept[0].ID {
		t.Errorf("after the run: want only item %d (side A) open for the pair, got %+v; %s", kept[0].ID, left, line)
	}
}
