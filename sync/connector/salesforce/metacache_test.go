package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// metaStore opens a real SQLite store with one connection and returns its
// metadata cache.
func metaStore(t *testing.T) (*store.DB, *store.MetaCache) {
	return storetest.MetaCache(t, "sf", "salesforce")
}

// connectCached builds a Conn as the app does for each run: fresh, with
// the connection's metadata cache.
func (o *org) connectCached(t *testing.T, meta connector.MetaCache) *Conn {
	t.Helper()
	ts := auth.NewTokenSource(context.Background(), o.ep, o.store, tokenKey, nil)
	c, err := newConn(auth.Client(nil, ts), connector.Account{APIBase: o.acct.APIBase, Meta: meta},
		transport.Options{MinWait: time.Millisecond, MaxWait: 50 * time.Millisecond, MaxRetries: 10})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// metaCalls counts the sandbox's version-discovery and describe requests.
func (o *org) metaCalls() (versions, describes int64) {
	for k, v := range o.sim.Stats() {
		switch {
		case k == "GET /services/data/{$}":
			versions += v
		case strings.HasSuffix(k, "/describe"):
			describes += v
		}
	}
	return versions, describes
}

func (o *org) queryCalls() int64 {
	var n int64
	for k, v := range o.sim.Stats() {
		if strings.Contains(k, "/query") {
			n += v
		}
	}
	return n
}

// schemaAndRead is what a sync run asks of one side: the schema, then a
// full read. It returns the number of records read.
func schemaAndRead(t *testing.T, ctx context.Context, c *Conn) int {
	t.Helper()
	sc, err := c.Schema(ctx, "Contact")
	if err != nil {
		t.Fatalf("Schema: %v", err)
	}
	if _, ok := sc.Field("Email"); !ok {
		t.Fatalf("schema without Email: %+v", sc.Fields)
	}
	n := 0
	for p, err := range c.Read(ctx, "Contact", "") {
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		n += len(p.Records)
	}
	return n
}

func seedContacts(t *testing.T, o *org, n int) {
	t.Helper()
	for i := range n {
		if _, err := o.sim.Create("Contact", map[string]string{"LastName": "Cache", "Email": "c" + string(rune('a'+i)) + "@example.com"}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWarmCacheMakesNoMetadataCalls(t *testing.T) {
	o := newOrg(t)
	seedContacts(t, o, 3)
	_, meta := metaStore(t)
	ctx := t.Context()

	if n := schemaAndRead(t, ctx, o.connectCached(t, meta)); n != o.sim.Count("Contact") {
		t.Fatalf("cold run read %d records, sandbox has %d", n, o.sim.Count("Contact"))
	}
	v, d := o.metaCalls()
	if v != 1 || d != 1 {
		t.Fatalf("cold run: %d version and %d describe calls, want 1 and 1", v, d)
	}

	// The next run builds a new connector over the same cache.
	q0 := o.queryCalls()
	if n := schemaAndRead(t, ctx, o.connectCached(t, meta)); n != o.sim.Count("Contact") {
		t.Fatalf("warm run read %d records, sandbox has %d", n, o.sim.Count("Contact"))
	}
	if v2, d2 := o.metaCalls(); v2 != v || d2 != d {
		t.Fatalf("warm run made %d version and %d describe calls, want 0", v2-v, d2-d)
	}
	if o.queryCalls() == q0 {
		t.Fatal("warm run made no query: the read did not reach the org")
	}
	// Upsert keys and writes use the cached describe too.
	if k, err := o.connectCached(t, meta).UpsertKey(ctx, "Contact"); err != nil {
		t.Fatal(err)
	} else if _, d3 := o.metaCalls(); d3 != d {
		t.Fatalf("UpsertKey (%q) described again", k)
	}
}

func TestExpiredCacheRefetches(t *testing.T) {
	o := newOrg(t)
	db, meta := metaStore(t)
	ctx := t.Context()
	db.SetClock(func() time.Time { return time.Now().Add(-connector.MetaTTL - time.Minute) })
	schemaAndRead(t, ctx, o.connectCached(t, meta))
	db.SetClock(time.Now)
	v, d := o.metaCalls()

	schemaAndRead(t, ctx, o.connectCached(t, meta))
	v2, d2 := o.metaCalls()
	if v2-v != 1 || d2-d != 1 {
		t.Fatalf("expired entries: %d version and %d describe calls, want 1 and 1", v2-v, d2-d)
	}
	// Refetching restamped them: the run after that is free again.
	schemaAndRead(t, ctx, o.connectCached(t, meta))
	if v3, d3 := o.metaCalls(); v3 != v2 || d3 != d2 {
		t.Fatalf("after the refetch: %d version and %d describe calls, want 0", v3-v2, d3-d2)
	}
}

func TestFreshSchemaFlagBypassesCache(t *testing.T) {
	o := newOrg(t)
	_, meta := metaStore(t)
	ctx := t.Context()
	c := o.connectCached(t, meta)
	schemaAndRead(t, ctx, c)
	_, d := o.metaCalls()

	// Even a connector holding the describe asks again when told to.
	if _, err := c.Schema(connector.WithFreshSchema(ctx), "Contact"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.connectCached(t, meta).Schema(connector.WithFreshSchema(ctx), "Contact"); err != nil {
		t.Fatal(err)
	}
	_, d2 := o.metaCalls()
	if d2-d != 2 {
		t.Fatalf("fresh Schema made %d describe calls, want 2", d2-d)
	}
	schemaAndRead(t, ctx, o.connectCached(t, meta))
	if _, d3 := o.metaCalls(); d3 != d2 {
		t.Fatalf("plain Schema after a fresh one described again (%d calls)", d3-d2)
	}
}

// TestServerInvalidFieldDropsDescribe caches a describe with a field the
// org no longer has: the write is rejected with INVALID_FIELD by the org,
// the entry is dropped, and the next run describes again.
func TestServerInvalidFieldDropsDescribe(t *testing.T) {
	o := newOrg(t)
	_, meta := metaStore(t)
	ctx := t.Context()
	schemaAndRead(t, ctx, o.connectCached(t, meta))
	key := cacheGhostField(t, meta)

	c := o.connectCached(t, meta)
	sc, err := c.Schema(ctx, "Contact")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sc.Field("Ghost__c"); !ok {
		t.Fatal("the doctored describe was not used")
	}
	before := o.sim.Count("Contact")
	res, err := c.Write(ctx, "Contact", []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "Ghostly", "Ghost__c": "boo"}}})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Code != "INVALID_FIELD" {
		t.Fatalf("write result %+v, want an INVALID_FIELD record error from the org", res[0])
	}
	if o.sim.Count("Contact") != before {
		t.Fatal("the org created the record")
	}
	if _, _, ok, _ := meta.Get(ctx, key); ok {
		t.Fatal("describe entry survived INVALID_FIELD")
	}
	_, d0 := o.metaCalls()
	sc, err = o.connectCached(t, meta).Schema(ctx, "Contact")
	if err != nil {
		t.Fatal(err)
	}
	if _, d1 := o.metaCalls(); d1-d0 != 1 {
		t.Fatalf("next run made %d describe calls, want 1", d1-d0)
	}
	if _, ok := sc.Field("Ghost__c"); ok {
		t.Fatal("the refetched schema still has the ghost field")
	}
}

// TestQueryInvalidFieldDropsDescribe: a read selecting a field the org no
// longer has fails with INVALID_FIELD and drops the entry.
func TestQueryInvalidFieldDropsDescribe(t *testing.T) {
	o := newOrg(t)
	_, meta := metaStore(t)
	ctx := t.Context()
	schemaAndRead(t, ctx, o.connectCached(t, meta))
	key := cacheGhostField(t, meta)
	var readErr error
	for _, err := range o.connectCached(t, meta).Read(ctx, "Contact", "") {
		if err != nil {
			readErr = err
			break
		}
	}
	var ce *connector.Error
	if !errors.As(readErr, &ce) || ce.Code != "INVALID_FIELD" {
		t.Fatalf("read error %v, want INVALID_FIELD", readErr)
	}
	if _, _, ok, _ := meta.Get(ctx, key); ok {
		t.Fatal("describe entry survived INVALID_FIELD")
	}
}

// TestLocalUnknownFieldDropsCachedDescribe: a write naming a field missing
// from a cached describe fails locally and drops the entry, since the org
// may have gained the field since.
func TestLocalUnknownFieldDropsCachedDescribe(t *testing.T) {
	o := newOrg(t)
	_, meta := metaStore(t)
	ctx := t.Context()
	schemaAndRead(t, ctx, o.connectCached(t, meta))
	key := describeKey("v"+MaxVersion, "Contact")
	res, err := o.connectCached(t, meta).Write(ctx, "Contact", []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "New", "Brand_New__c": "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Code != "INVALID_FIELD" || re.Field != "Brand_New__c" {
		t.Fatalf("write result %+v, want INVALID_FIELD on Brand_New__c", res[0])
	}
	if _, _, ok, _ := meta.Get(ctx, key); ok {
		t.Fatal("cached describe survived an unknown field")
	}
}

// TestRetiredVersionDropsVersion: a cached version the org no longer serves
// answers 404; the version is dropped and rediscovered.
func TestRetiredVersionDropsVersion(t *testing.T) {
	o := newOrg(t)
	_, meta := metaStore(t)
	ctx := t.Context()
	c := o.connectCached(t, meta)
	if err := meta.Put(ctx, c.versionKey(), []byte("v19.0")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Schema(ctx, "Contact"); !errors.Is(err, connector.ErrNotFound) {
		t.Fatalf("Schema on a retired version: %v, want not found", err)
	}
	if _, _, ok, _ := meta.Get(ctx, c.versionKey()); ok {
		t.Fatal("retired version still cached")
	}
	v0, _ := o.metaCalls()
	// The same connector recovers at once; the cache holds the new version.
	if _, err := c.Schema(ctx, "Contact"); err != nil {
		t.Fatal(err)
	}
	if v1, _ := o.metaCalls(); v1-v0 != 1 {
		t.Fatalf("%d version calls after the drop, want 1", v1-v0)
	}
	if b, _, ok, _ := meta.Get(ctx, c.versionKey()); !ok || string(b) != "v"+MaxVersion {
		t.Fatalf("cached version %q %v, want v%s", b, ok, MaxVersion)
	}
}

// TestBrokenCacheFallsBack: a cache that fails never fails a run; its
// error shows only when the fetch fails too.
func TestBrokenCacheFallsBack(t *testing.T) {
	o := newOrg(t)
	db, meta := metaStore(t)
	ctx := t.Context()
	schemaAndRead(t, ctx, o.connectCached(t, meta))
	db.Close() // every cache call now fails
	if n := schemaAndRead(t, ctx, o.connectCached(t, meta)); n != o.sim.Count("Contact") {
		t.Fatalf("read %d records with a broken cache, want %d", n, o.sim.Count("Contact"))
	}
	o.sim.Faults().SetDailyExhausted(true)
	_, err := o.connectCached(t, meta).Schema(ctx, "Contact")
	if !errors.Is(err, connector.ErrBudget) || !strings.Contains(err.Error(), "metadata cache") {
		t.Fatalf("Schema with a broken cache and a failing org: %v; want the budget error plus the cache error", err)
	}
}

// cacheGhostField adds Ghost__c, a field the org does not have, to the
// cached Contact describe, and returns the entry's key.
func cacheGhostField(t *testing.T, meta connector.MetaCache) string {
	t.Helper()
	ctx := t.Context()
	key := describeKey("v"+MaxVersion, "Contact")
	b, _, ok, err := meta.Get(ctx, key)
	if err != nil || !ok {
		t.Fatalf("describe not cached under %s: %v", key, err)
	}
	var d describeResult
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	d.Fields = append(d.Fields, describeField{Name: "Ghost__c", Label: "Ghost", Type: "string", Length: 80, Nillable: true, Createable: true, Updateable: true})
	b, _ = json.Marshal(&d)
	if err := meta.Put(ctx, key, b); err != nil {
		t.Fatal(err)
	}
	return key
}
