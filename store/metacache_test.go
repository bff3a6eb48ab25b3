package store_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/crmsync/crmsync/store"
)

func TestMetaCacheRoundTripAndCascade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), store.FileName)
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.UnixMilli(1_760_000_000_123)
	db.SetClock(func() time.Time { return t0 })
	a, err := db.SaveConnection(ctx, store.Connection{Name: "sf", Vendor: "salesforce"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.SaveConnection(ctx, store.Connection{Name: "hs", Vendor: "hubspot"})
	if err != nil {
		t.Fatal(err)
	}
	ma, mb := db.MetaCache(a), db.MetaCache(b)
	if _, _, ok, err := ma.Get(ctx, "salesforce/version"); ok || err != nil {
		t.Fatalf("empty cache Get: ok=%v err=%v", ok, err)
	}
	for k, v := range map[string]string{"salesforce/version/67.0": "v67.0", "salesforce/describe/v67.0/Contact": `{"name":"Contact"}`,
		"salesforce/describe/v67.0/Account": `{"name":"Account"}`, "salesforce/describe_%/x": "odd"} {
		if err := ma.Put(ctx, k, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	if err := mb.Put(ctx, "hubspot/properties/contacts", []byte(`[{"name":"email"}]`)); err != nil {
		t.Fatal(err)
	}
	// Overwrite with a later clock: value and stamp both change.
	t1 := t0.Add(time.Hour)
	db.SetClock(func() time.Time { return t1 })
	if err := ma.Put(ctx, "salesforce/version/67.0", []byte("v66.0")); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Reopen the file: the cache is persistent.
	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ma, mb = db.MetaCache(a), db.MetaCache(b)
	v, at, ok, err := ma.Get(ctx, "salesforce/version/67.0")
	if err != nil || !ok || string(v) != "v66.0" || !at.Equal(t1) {
		t.Fatalf("Get version = %q %v %v %v; want v66.0 at %v", v, at, ok, err, t1)
	}
	v, at, ok, _ = ma.Get(ctx, "salesforce/describe/v67.0/Contact")
	if !ok || string(v) != `{"name":"Contact"}` || !at.Equal(t0) {
		t.Fatalf("Get describe = %q %v %v", v, at, ok)
	}
	if _, _, ok, _ := mb.Get(ctx, "salesforce/describe/v67.0/Contact"); ok {
		t.Fatal("a connection sees another connection's entry")
	}

	// Drop by prefix: only matching keys of this connection go; '_' and
	// '%' are not wildcards.
	if err := ma.Drop(ctx, "salesforce/describe/"); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]bool{"salesforce/describe/v67.0/Contact": false, "salesforce/describe/v67.0/Account": false,
		"salesforce/describe_%/x": true, "salesforce/version/67.0": true} {
		if _, _, ok, _ := ma.Get(ctx, k); ok != want {
			t.Errorf("after Drop, %s present = %v, want %v", k, ok, want)
		}
	}
	if v, _, ok, _ := mb.Get(ctx, "hubspot/properties/contacts"); !ok || !bytes.Equal(v, []byte(`[{"name":"email"}]`)) {
		t.Fatalf("other connection's entry lost: %q %v", v, ok)
	}

	// Deleting the connection deletes its cache rows.
	if err := db.DeleteConnection(ctx, "sf"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM metadata_cache WHERE connection_id = ?", a).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d cache rows survived the connection's delete", n)
	}
	if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM metadata_cache").Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows left = %d (%v), want the other connection's 1", n, err)
	}
	// Writing for a connection that no longer exists fails loudly.
	if err := ma.Put(ctx, "salesforce/version/67.0", []byte("v67.0")); err == nil {
		t.Fatal("Put for a deleted connection succeeded")
	}
	if err := mb.Drop(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := mb.Get(ctx, "hubspot/properties/contacts"); ok {
		t.Fatal(`Drop("") left an entry`)
	}
	var strict int
	if err := db.SQL().QueryRowContext(ctx, "SELECT strict FROM pragma_table_list WHERE name = 'metadata_cache'").Scan(&strict); err != nil || strict != 1 {
		t.Fatalf("metadata_cache STRICT = %d (%v)", strict, err)
	}
}
