package hubspot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

const propsEndpoint = "GET /crm/properties/2026-03/contacts"

// metaStore opens a real SQLite store with one connection and returns its
// metadata cache.
func metaStore(t *testing.T) (*store.DB, *store.MetaCache) {
	return storetest.MetaCache(t, "hs", "hubspot")
}

// cachedEnv is a sandbox portal plus one OAuth client shared by the
// connectors built for successive "runs".
type cachedEnv struct {
	*env
	client func() *Connector
}

func newCachedEnv(t *testing.T, meta connector.MetaCache) *cachedEnv {
	t.Helper()
	e := newEnv(t, hssim.Options{Seed: 11})
	e.seed(t, "contacts", []map[string]string{{"email": "a@example.com", "firstname": "A"}, {"email": "b@example.com", "firstname": "B"}})
	hc := e.oauthClient(t)
	return &cachedEnv{env: e, client: func() *Connector {
		o := testOptions()
		o.meta = meta
		c, err := newConnector(hc, e.base, o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}}
}

func (e *cachedEnv) propsCalls() int64 { return e.sim.Stats()[propsEndpoint] }

// schemaAndRead is what a sync run asks of one side; it returns the number
// of records read.
func schemaAndRead(t *testing.T, ctx context.Context, c *Connector) int {
	t.Helper()
	sc, err := c.Schema(ctx, "contacts")
	if err != nil {
		t.Fatalf("Schema: %v", err)
	}
	if _, ok := sc.Field("email"); !ok {
		t.Fatal("schema without email")
	}
	n := 0
	for p, err := range c.Read(ctx, "contacts", "") {
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		n += len(p.Records)
	}
	return n
}

func TestWarmCacheMakesNoPropertiesCalls(t *testing.T) {
	_, meta := metaStore(t)
	e := newCachedEnv(t, meta)
	ctx := t.Context()
	if n := schemaAndRead(t, ctx, e.client()); n != 2 {
		t.Fatalf("cold run read %d records, want 2", n)
	}
	if got := e.propsCalls(); got != 1 {
		t.Fatalf("cold run: %d properties calls, want 1", got)
	}
	searches := e.sim.Stats()["POST /crm/objects/2026-03/contacts/search"]
	if n := schemaAndRead(t, ctx, e.client()); n != 2 {
		t.Fatalf("warm run read %d records, want 2", n)
	}
	if got := e.propsCalls(); got != 1 {
		t.Fatalf("warm run made %d properties calls, want 0", got-1)
	}
	if e.sim.Stats()["POST /crm/objects/2026-03/contacts/search"] == searches {
		t.Fatal("warm run made no search: the read did not reach the portal")
	}
}

func TestExpiredPropertiesRefetch(t *testing.T) {
	db, meta := metaStore(t)
	e := newCachedEnv(t, meta)
	ctx := t.Context()
	db.SetClock(func() time.Time { return time.Now().Add(-connector.MetaTTL - time.Minute) })
	schemaAndRead(t, ctx, e.client())
	db.SetClock(time.Now)
	schemaAndRead(t, ctx, e.client())
	if got := e.propsCalls(); got != 2 {
		t.Fatalf("%d properties calls, want 2 (the expired entry refetched)", got)
	}
	schemaAndRead(t, ctx, e.client())
	if got := e.propsCalls(); got != 2 {
		t.Fatalf("the refetched entry was not restamped: %d calls", got)
	}
}

func TestFreshSchemaFlagRefetchesProperties(t *testing.T) {
	_, meta := metaStore(t)
	e := newCachedEnv(t, meta)
	ctx := t.Context()
	c := e.client()
	schemaAndRead(t, ctx, c)
	if _, err := c.Schema(connector.WithFreshSchema(ctx), "contacts"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client().Schema(connector.WithFreshSchema(ctx), "contacts"); err != nil {
		t.Fatal(err)
	}
	if got := e.propsCalls(); got != 3 {
		t.Fatalf("%d properties calls, want 3 (1 cold + 2 fresh)", got)
	}
	schemaAndRead(t, ctx, e.client())
	if got := e.propsCalls(); got != 3 {
		t.Fatalf("plain Schema after a fresh one fetched again (%d calls)", got)
	}
}

// TestPropertyDoesntExistDropsEntry caches a property the portal no longer
// has: HubSpot rejects the write with PROPERTY_DOESNT_EXIST, the entry is
// dropped and the next run fetches the properties again.
func TestPropertyDoesntExistDropsEntry(t *testing.T) {
	_, meta := metaStore(t)
	e := newCachedEnv(t, meta)
	ctx := t.Context()
	schemaAndRead(t, ctx, e.client())
	key := propertiesKey("contacts")
	b, _, ok, err := meta.Get(ctx, key)
	if err != nil || !ok {
		t.Fatalf("properties not cached under %s: %v", key, err)
	}
	var props []property
	if err := json.Unmarshal(b, &props); err != nil {
		t.Fatal(err)
	}
	props = append(props, property{Name: "ghost_prop", Label: "Ghost", Type: "string", FieldType: "text"})
	b, _ = json.Marshal(props)
	if err := meta.Put(ctx, key, b); err != nil {
		t.Fatal(err)
	}

	c := e.client()
	sc, err := c.Schema(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sc.Field("ghost_prop"); !ok {
		t.Fatal("the doctored entry was not used")
	}
	before := e.sim.Count("contacts")
	res, err := c.Write(ctx, "contacts", []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{"email": "ghost@example.com", "ghost_prop": "boo"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "does not exist") {
		t.Fatalf("write result %+v, want the portal's PROPERTY_DOESNT_EXIST", res[0])
	}
	if e.sim.Count("contacts") != before {
		t.Fatal("the portal created the record")
	}
	if _, _, ok, _ := meta.Get(ctx, key); ok {
		t.Fatal("properties entry survived PROPERTY_DOESNT_EXIST")
	}
	calls := e.propsCalls()
	sc, err = e.client().Schema(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.propsCalls(); got-calls != 1 {
		t.Fatalf("next run made %d properties calls, want 1", got-calls)
	}
	if _, ok := sc.Field("ghost_prop"); ok {
		t.Fatal("the refetched schema still has the ghost property")
	}
	// A plain data error (a bad email) keeps the entry.
	if _, err := e.client().Write(ctx, "contacts", []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{"email": "not-an-email"}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := meta.Get(ctx, key); !ok {
		t.Fatal("a data error dropped the properties entry")
	}
}

// TestBrokenCacheFallsBack: a cache that fails never fails a run; its
// error shows only when the fetch fails too.
func TestBrokenCacheFallsBack(t *testing.T) {
	db, meta := metaStore(t)
	e := newCachedEnv(t, meta)
	ctx := t.Context()
	db.Close() // every cache call now fails
	if n := schemaAndRead(t, ctx, e.client()); n != 2 {
		t.Fatalf("read %d records with a broken cache, want 2", n)
	}
	e.sim.Faults().SetDailyExhausted(true)
	_, err := e.client().Schema(ctx, "contacts")
	if !errors.Is(err, connector.ErrBudget) || !strings.Contains(err.Error(), "metadata cache") {
		t.Fatalf("Schema with a broken cache and a failing portal: %v; want the budget error plus the cache error", err)
	}
}
