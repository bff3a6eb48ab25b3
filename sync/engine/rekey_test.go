package engine_test

import (
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
)

// seedOldEmailKeys makes the A side's stored match keys look as an older
// build wrote them: an email with a Unicode domain keyed as written (not
// as its punycode), and the sync not yet re-keyed by this build.
func seedOldEmailKeys(t *testing.T, f *fixture, aID, oldKey string) {
	t.Helper()
	db := f.db.SQL()
	stmts := []struct {
		q    string
		args []any
	}{
		{"UPDATE records SET keys = json_array(?) WHERE sync_id = ? AND side = 'a' AND id = ?", []any{oldKey, f.syncID, aID}},
		{"DELETE FROM key_log WHERE sync_id = ?", []any{f.syncID}},
		{"DELETE FROM record_keys WHERE sync_id = ? AND side = 'a' AND id = ?", []any{f.syncID, aID}},
		{"INSERT INTO record_keys(sync_id, rule, key, side, id) VALUES(?, 0, ?, 'a', ?)", []any{f.syncID, oldKey, aID}},
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(f.ctx, s.q, s.args...); err != nil {
			t.Fatalf("seed old keys: %s: %v", s.q, err)
		}
	}
	var hasVersion int
	_ = db.QueryRowContext(f.ctx, "SELECT count(*) FROM pragma_table_info('syncs') WHERE name = 'key_version'").Scan(&hasVersion)
	if hasVersion == 1 {
		if _, err := db.ExecContext(f.ctx, "UPDATE syncs SET key_version = 0 WHERE id = ?", f.syncID); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOldUnicodeEmailKeysRekeyed: a contact indexed by an older build
// under its Unicode-domain email as written keeps that key until it is read
// again. After the upgrade, the same person added on the other side with
// the punycode form of the address must match it (a link), not be created
// a second time, without a resync.
func TestOldUnicodeEmailKeysRekeyed(t *testing.T) {
	def := baseDefinition()
	def.Unmatched = engine.UnmatchedCreateInA
	f := newFixture(t, def, fixtureOpts{})
	// HubSpot's address as written -> the key an older build stored.
	old := map[string]string{"Ann@Bücher.example": "ann@bücher.example", "mailto:Bob@Example.com": "mailto:bob@example.com"}
	same := map[string]string{"Ann@Bücher.example": "ann@xn--bcher-kva.example", "mailto:Bob@Example.com": "bob@example.com"}
	ids := map[string]string{}
	for email := range old {
		ids[email] = f.a.Put(objA, person(email, "Old", "Key"))
	}
	f.run()
	for email, key := range old {
		seedOldEmailKeys(t, f, ids[email], key)
	}
	f.open() // the upgraded app opens the old file

	bIDs := map[string]string{}
	for email, other := range same {
		bIDs[email] = f.b.Put(objB, personB(other, "Old", "Key"))
	}
	p, _ := f.run()
	for email, bID := range bIDs {
		if got := f.linkedA(bID); got != ids[email] {
			t.Errorf("Salesforce contact %s (%s) linked to %q, want HubSpot's %s (%s, old key)\n%s", bID, same[email], got, ids[email], email, p.Summary())
		}
	}
	if n := f.a.Count(objA); n != len(old) {
		t.Errorf("HubSpot holds %d contacts, want %d: an old-keyed contact was created again", n, len(old))
	}
}
