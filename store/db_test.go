package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/store"
	_ "modernc.org/sqlite"
)

func openTemp(t testing.TB) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "home", store.FileName)
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func TestMigrateFromZero(t *testing.T) {
	db, path := openTemp(t)
	ctx := context.Background()
	var version, appID int
	db.SQL().QueryRowContext(ctx, "PRAGMA user_version").Scan(&version)
	db.SQL().QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID)
	if version != store.SchemaVersion() || version < 1 {
		t.Fatalf("user_version = %d, want %d", version, store.SchemaVersion())
	}
	if appID != store.ApplicationID {
		t.Fatalf("application_id = %#x, want %#x", appID, store.ApplicationID)
	}
	for _, table := range []string{"connections", "syncs", "links", "records", "record_keys", "key_log", "cursors", "runs", "audit_records", "review", "retry_queue", "journal"} {
		var strict int
		err := db.SQL().QueryRowContext(ctx, "SELECT strict FROM pragma_table_list WHERE name = ?", table).Scan(&strict)
		if err != nil {
			t.Fatalf("table %s missing: %v", table, err)
		}
		if strict != 1 {
			t.Errorf("table %s is not STRICT", table)
		}
	}
	var fk, busy int
	var mode string
	// Every pooled connection must carry the pragmas: pin a second connection.
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
	conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy)
	conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
	if fk != 1 || busy < 1000 || mode != "wal" {
		t.Fatalf("pragmas: foreign_keys=%d busy_timeout=%d journal_mode=%s", fk, busy, mode)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("data file mode = %v, want 0600", fi.Mode().Perm())
	}
	// Reopening an up-to-date file is a no-op.
	db.Close()
	db2, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	db2.Close()
}

func TestRefusesForeignFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES('keep me')"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = store.Open(context.Background(), path)
	if !errors.Is(err, store.ErrForeignFile) {
		t.Fatalf("err = %v, want ErrForeignFile", err)
	}
	if !strings.Contains(err.Error(), "--home") {
		t.Errorf("message should name the fix: %v", err)
	}
	// Nothing touched.
	raw, _ = sql.Open("sqlite", path)
	defer raw.Close()
	var v string
	if err := raw.QueryRow("SELECT x FROM notes").Scan(&v); err != nil || v != "keep me" {
		t.Fatalf("foreign data changed: %q %v", v, err)
	}
}

func TestRefusesGarbageFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	if err := os.WriteFile(path, []byte(strings.Repeat("this is not sqlite ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(context.Background(), path)
	if !errors.Is(err, store.ErrNotDatabase) {
		t.Fatalf("err = %v, want ErrNotDatabase", err)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	db, path := openTemp(t)
	if _, err := db.SQL().Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := store.Open(context.Background(), path)
	if !errors.Is(err, store.ErrTooNew) {
		t.Fatalf("err = %v, want ErrTooNew", err)
	}
}

func TestTransactionRollsBackOnError(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO settings(key, value) VALUES('a', '1')"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if v, _ := db.Setting(ctx, "a", "unset"); v != "unset" {
		t.Fatalf("half a transaction was committed: %q", v)
	}
}

// TestCancelBetweenStatements: a cancelled context stops the next store
// call with its error and writes nothing; a transaction that has begun when
// the cancel comes runs to its end (store.quiet).
func TestCancelBetweenStatements(t *testing.T) {
	db, _ := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO settings(key, value) VALUES('begun', '1')"); err != nil {
			return err
		}
		cancel()
		_, err := tx.ExecContext(ctx, "INSERT INTO settings(key, value) VALUES('after', '1')")
		return err
	})
	if err != nil {
		t.Fatalf("a transaction that had begun stopped at the cancel: %v", err)
	}
	bg := context.Background()
	for _, k := range []string{"begun", "after"} {
		if v, _ := db.Setting(bg, k, "unset"); v != "1" {
			t.Fatalf("setting %s = %q, want the whole transaction committed", k, v)
		}
	}
	err = db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO settings(key, value) VALUES('late', '1')")
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Tx after the cancel: %v, want context.Canceled", err)
	}
	if v, _ := db.Setting(bg, "late", "unset"); v != "unset" {
		t.Fatalf("a transaction begun after the cancel wrote %q", v)
	}
	if _, err := db.PairsAfter(ctx, 1, "a", 0, 0, "", -1, 10); !errors.Is(err, context.Canceled) {
		t.Fatalf("PairsAfter after the cancel: %v, want context.Canceled", err)
	}
	if _, err := db.KeyHits(ctx, 1, 0, []string{"x"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("KeyHits after the cancel: %v, want context.Canceled", err)
	}
}

// TestCrashMidTransaction kills a real process while it holds an open write
// transaction and checks that the file is intact and the write is gone.
func TestCrashMidTransaction(t *testing.T) {
	if os.Getenv("CRMSYNC_CRASH_CHILD") != "" {
		crashChild()
		return
	}
	db, path := openTemp(t)
	ctx := context.Background()
	if err := db.SetSetting(ctx, "kept", "yes"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCrashMidTransaction$")
	cmd.Env = append(os.Environ(), "CRMSYNC_CRASH_CHILD="+path)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "ready" {
		t.Fatalf("child did not reach the transaction: %q %v", buf, err)
	}
	cmd.Process.Kill()
	cmd.Wait()

	db2, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer db2.Close()
	if v, _ := db2.Setting(ctx, "kept", ""); v != "yes" {
		t.Fatalf("committed data lost: %q", v)
	}
	if v, _ := db2.Setting(ctx, "half", "absent"); v != "absent" {
		t.Fatalf("uncommitted write survived the crash: %q", v)
	}
	var ok string
	db2.SQL().QueryRow("PRAGMA integrity_check").Scan(&ok)
	if ok != "ok" {
		t.Fatalf("integrity_check = %s", ok)
	}
}

func crashChild() {
	path := os.Getenv("CRMSYNC_CRASH_CHILD")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		os.Exit(2)
	}
	_ = db.Tx(context.Background(), func(_ context.Context, tx *sql.Tx) error {
		for i := 0; i < 200; i++ {
			tx.Exec("INSERT INTO settings(key, value) VALUES(?, 'x')", "half"+string(rune('a'+i%26))+string(rune('a'+i/26)))
		}
		tx.Exec("INSERT INTO settings(key, value) VALUES('half', 'x')")
		os.Stdout.WriteString("ready")
		select {} // killed here, mid-transaction
	})
}

func TestConnectionsAndSyncsRoundTrip(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	id, err := db.SaveConnection(ctx, store.Connection{Name: "hs", Vendor: "hubspot", AccountName: "Acme", APIBase: "http://x"})
	if err != nil || id == 0 {
		t.Fatalf("save: %d %v", id, err)
	}
	if err := db.SetConnectionStatus(ctx, "hs", "reconnect", "refresh token revoked"); err != nil {
		t.Fatal(err)
	}
	c, err := db.Connection(ctx, "hs")
	if err != nil || c.Status != "reconnect" || c.AccountName != "Acme" {
		t.Fatalf("got %+v %v", c, err)
	}
	if _, err := db.Connection(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing connection: %v", err)
	}
	if n, _ := db.AddAPICalls(ctx, id, 3); n != 3 {
		t.Fatalf("api calls after the first 3 = %d", n)
	}
	n, _ := db.AddAPICalls(ctx, id, 4)
	if got, _ := db.APICallsToday(ctx, id); got != 7 || n != 7 {
		t.Fatalf("api calls = %d/%d, want 7", got, n)
	}
	sid, err := db.SaveSync(ctx, "contacts", `{"name":"contacts"}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSyncPaused(ctx, "contacts", true); err != nil {
		t.Fatal(err)
	}
	s, err := db.SyncByID(ctx, sid)
	if err != nil || !s.Paused || s.Name != "contacts" {
		t.Fatalf("sync %+v %v", s, err)
	}
	if err := db.DeleteSync(ctx, "contacts"); err != nil {
		t.Fatal(err)
	}
	if list, _ := db.Syncs(ctx); len(list) != 0 {
		t.Fatalf("sync not deleted: %v", list)
	}
}
