package mailchimp

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// TestMailchimpOlderConnectionKeepsItsCachedAudience: a connection
// from before the default audience was pinned has only the day-long cache
// of the audience its runs used (here not the oldest). Its first session
// keeps that one for good rather than choose the oldest, and once it is
// deleted, later sessions fail naming it instead of taking the oldest.
func TestMailchimpOlderConnectionKeepsItsCachedAudience(t *testing.T) {
	e, used, cache := legacyAudienceEnv(t)
	ctx := context.Background()
	client, m := e.signIn(t)
	connect := func() *Connector {
		o := testOptions()
		o.meta = cache
		c, err := newConnector(client, m.APIBase(), o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if a, err := connect().audienceOf(ctx, objMembers); err != nil || a.ID != used {
		t.Fatalf("members of the older connection: %+v %v, want the cached audience %s", a, err, used)
	}
	if _, _, ok, _ := cache.Get(ctx, connector.PinnedPrefix+defaultAudienceKey); !ok {
		t.Fatal("the audience used was not pinned")
	}
	if err := e.sim.DeleteList(used); err != nil {
		t.Fatal(err)
	}
	if err := cache.Drop(ctx, "mailchimp/"); err != nil { // the day-long cache is gone too
		t.Fatal(err)
	}
	_, err := connect().Schema(ctx, objMembers)
	if err == nil || !strings.Contains(err.Error(), used) || !strings.Contains(err.Error(), "Newsletter") {
		t.Fatalf("schema of the deleted audience: %v, want the failure naming it", err)
	}
	if connector.CategoryOf(err) != connector.CatTarget {
		t.Errorf("schema of the deleted audience: category %s, want %s", connector.CategoryOf(err), connector.CatTarget)
	}
}

// legacyAudienceEnv is a Mailchimp sandbox whose audience "Newsletter"
// (used, not the oldest) is kept as a connection from before pinning kept
// it: in the day-long cache row of the audience its runs used.
func legacyAudienceEnv(t *testing.T) (e *env, used string, cache *store.MetaCache) {
	t.Helper()
	e = newEnv(t, mcsim.Options{Seed: 5})
	used = e.sim.CreateList("Newsletter")
	_, cache = storetest.MetaCache(t, "mc", vendor)
	legacy, _ := json.Marshal(audience{ID: used, Name: "Newsletter"})
	if err := cache.Put(context.Background(), defaultAudienceKey, legacy); err != nil {
		t.Fatal(err)
	}
	return e, used, cache
}
