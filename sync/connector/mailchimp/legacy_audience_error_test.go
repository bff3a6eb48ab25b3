package mailchimp

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// unreadableKey is a real store's metadata cache whose one key cannot be
// read (a disk error): the table is STRICT, so no row of it can be made
// unreadable from SQL, and the failure is injected here instead.
type unreadableKey struct {
	*store.MetaCache
	key string
}

var errDisk = errors.New("disk I/O error")

func (u unreadableKey) Get(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	if key == u.key {
		return nil, time.Time{}, false, errDisk
	}
	return u.MetaCache.Get(ctx, key)
}

// TestLegacyAudienceUnreadableNotReplaced: a connection from before
// pinning keeps the audience its runs used only in the old cache row.
// When that row cannot be read, "members" must not fall back to the
// account's oldest audience (and pin it for good): the sync would read and
// create members in another list. It fails naming what could not be read.
func TestLegacyAudienceUnreadableNotReplaced(t *testing.T) {
	e, _, cache := legacyAudienceEnv(t)
	ctx := context.Background()
	client, m := e.signIn(t)
	o := testOptions()
	o.meta = unreadableKey{MetaCache: cache, key: defaultAudienceKey}
	c, err := newConnector(client, m.APIBase(), o)
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.audienceOf(ctx, objMembers)
	if err == nil {
		t.Fatalf("members with the old audience unreadable: %s, want a failure", a)
	}
	if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), "mailchimp:") || !strings.Contains(err.Error(), "audience") {
		t.Errorf("the failure %q does not say what could not be read, with the store's error", err)
	}
	if _, _, ok, _ := cache.Get(ctx, connector.PinnedPrefix+defaultAudienceKey); ok {
		t.Error("another audience was pinned for the connection")
	}
	if n := e.sim.Stats()["GET /3.0/lists"]; n != 0 {
		t.Errorf("%d calls to list the audiences: the connector went to choose another", n)
	}
}
