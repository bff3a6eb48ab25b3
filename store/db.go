// Package store keeps crmsync's state in one SQLite file: connections (never
// secrets), sync definitions, links, base snapshots, the key index, cursors,
// runs, the audit log, the review and retry queues and the write journal.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// ApplicationID marks a SQLite file as crmsync's ("CRMS" in ASCII), so we
// never migrate somebody else's database.
const ApplicationID = 0x43524d53

// FileName is the data file inside the home folder.
const FileName = "crmsync.db"

var (
	// ErrForeignFile means the file is a SQLite database of another program.
	ErrForeignFile = errors.New("the data file belongs to another program")
	// ErrTooNew means the file was written by a newer crmsync.
	ErrTooNew = errors.New("the data file was written by a newer version of crmsync")
	// ErrNotDatabase means the file is not a SQLite database (or is corrupt).
	ErrNotDatabase = errors.New("the data file is not a crmsync database or is damaged")
)

// DB is the concrete store. It is safe for concurrent use.
type DB struct {
	sql  *sql.DB
	path string
	now  func() time.Time

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // see stmt

	lockMu sync.Mutex
	locks  runLocks // see runlock.go
}

// Open opens (creating if needed, mode 0600) the database at path and
// migrates it to the newest schema.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: cannot create the data folder %s: %w", filepath.Dir(path), err)
	}
	// MkdirAll keeps a folder made before (an older build, by hand) at 0755:
	// narrow it, or others list the log, the -wal and the locks. Best
	// effort: a --home owned by someone else stays as it is (files are 0600).
	if fi, err := os.Stat(filepath.Dir(path)); err == nil && fi.Mode().Perm()&0o077 != 0 {
		_ = os.Chmod(filepath.Dir(path), fi.Mode().Perm()&0o700)
	}
	// A -wal without its data file is the newest data of a file moved away
	// (after a kill): a new file here would take that log in and delete it.
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if fi, werr := os.Stat(path + "-wal"); werr == nil && fi.Size() > 0 {
			return nil, fmt.Errorf("store: the data file %s is missing but its log %s-wal is there: put the data file back beside it, or move %s-wal and %s-shm away too to start again", path, path, path, path)
		}
	}
	// Create the file ourselves so it is 0600 from its first byte; SQLite
	// would create it with the umask's default.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: cannot open the data file %s: %w", path, err)
	}
	f.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		return nil, fmt.Errorf("store: cannot restrict the data file %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &DB{sql: db, path: path, now: time.Now, stmts: map[string]*sql.Stmt{},
		locks: runLocks{dir: filepath.Join(filepath.Dir(path), "locks"), held: map[int64]*os.File{}}}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	for _, side := range []string{"-wal", "-shm"} {
		_ = os.Chmod(path+side, 0o600) // WAL files hold the same data
	}
	return s, nil
}

// cacheSize is each connection's page cache, in KiB when negative (see dsn).
const cacheSize = "-16384"

// dsn puts the pragmas in the DSN so every pooled connection gets them, not
// just the first one.
func dsn(path string) string {
	q := url.Values{}
	// cache_size: 16 MB per connection instead of 2 MB. At 100k records
	// per side every insert lands on a random leaf of the key indexes; a
	// small cache re-reads those pages and spills dirty ones to the WAL in
	// the middle of a transaction. wal_autocheckpoint: 8192 pages (32 MB)
	// instead of 1000, so a page rewritten by many transactions is copied
	// back to the database file fewer times. Both measured in
	// BENCHMARKS.md; no mmap, whose touched pages would count as RSS.
	// temp_store stays FILE: keeping the statement journals of multi-row
	// upserts in memory saved about 2 s of CPU at 100k records but pushed
	// peak RSS past 150 MB (BENCHMARKS.md, tried and dropped).
	pragmas := []string{"foreign_keys(1)", "journal_mode(WAL)", "busy_timeout(10000)", "synchronous(NORMAL)",
		"cache_size(" + cacheSize + ")", "wal_autocheckpoint(8192)"}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Path returns the file's path.
func (s *DB) Path() string { return s.path }

// SQL exposes the handle to this package's tests and to store files.
func (s *DB) SQL() *sql.DB { return s.sql }

// Close closes the database.
func (s *DB) Close() error {
	s.stmtMu.Lock()
	for q, st := range s.stmts {
		_ = st.Close()
		delete(s.stmts, q)
	}
	s.stmtMu.Unlock()
	s.releaseAllRunLocks()
	return s.sql.Close()
}

// stmt returns q prepared once for the life of the DB. Queries run once per
// record (Pair, while matching 100k records) otherwise spend about half
// their time re-parsing the SQL.
func (s *DB) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if st, ok := s.stmts[q]; ok {
		return st, nil
	}
	st, err := s.sql.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.stmts[q] = st
	return st, nil
}

// SetClock replaces the clock (tests and deterministic simulation).
func (s *DB) SetClock(now func() time.Time) { s.now = now }

func (s *DB) nowMS() int64 { return s.now().UnixMilli() }

// quiet returns ctx without its cancellation, or ctx's error if it is
// already done. Given a context that can be cancelled, database/sql starts
// a goroutine per transaction and per query to watch it, and the SQLite
// driver one per statement, each started, parked and woken for nothing
// when the context is never cancelled (BENCHMARKS.md, fix 34). Store calls
// are short and bounded, so a cancel is taken between them instead: the
// caller's next store call returns its error, and a transaction that has
// begun runs to its end.
func quiet(ctx context.Context) (context.Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}

// Tx runs fn in one immediate transaction, committing when fn returns nil.
// fn gets ctx without its cancellation (see quiet).
func (s *DB) Tx(ctx context.Context, fn func(context.Context, *sql.Tx) error) error {
	ctx, err := quiet(ctx)
	if err != nil {
		return err
	}
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(ctx, tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}
