package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// MetaCache is one connection's vendor-metadata cache (schemas, API
// version). It satisfies sync/connector.MetaCache; rows go away with the
// connection (ON DELETE CASCADE).
type MetaCache struct {
	db   *DB
	conn int64
}

// MetaCache returns the metadata cache of the connection with id connID.
func (s *DB) MetaCache(connID int64) *MetaCache { return &MetaCache{db: s, conn: connID} }

// Get returns the value under key and when it was stored.
func (m *MetaCache) Get(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	var v []byte
	var at int64
	err := m.db.sql.QueryRowContext(ctx, "SELECT value, fetched_at FROM metadata_cache WHERE connection_id = ? AND key = ?",
		m.conn, key).Scan(&v, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, false, nil
	}
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("store: metadata cache get %s: %w", key, err)
	}
	return v, time.UnixMilli(at), true, nil
}

// Put stores value under key, stamped with the store's clock.
func (m *MetaCache) Put(ctx context.Context, key string, value []byte) error {
	if value == nil {
		value = []byte{} // NOT NULL; an empty value is still a value
	}
	_, err := m.db.sql.ExecContext(ctx, `INSERT INTO metadata_cache(connection_id, key, value, fetched_at) VALUES(?,?,?,?)
		ON CONFLICT(connection_id, key) DO UPDATE SET value = excluded.value, fetched_at = excluded.fetched_at`,
		m.conn, key, value, m.db.nowMS())
	if err != nil {
		return fmt.Errorf("store: metadata cache put %s: %w", key, err)
	}
	return nil
}

// Drop deletes every key starting with prefix; "" empties the cache.
func (m *MetaCache) Drop(ctx context.Context, prefix string) error {
	// substr rather than LIKE: keys may hold '%' or '_'.
	_, err := m.db.sql.ExecContext(ctx, "DELETE FROM metadata_cache WHERE connection_id = ? AND substr(key, 1, ?) = ?",
		m.conn, utf8.RuneCountInString(prefix), prefix)
	if err != nil {
		return fmt.Errorf("store: metadata cache drop %q: %w", prefix, err)
	}
	return nil
}

// DropExcept deletes every key that does not start with keep.
func (m *MetaCache) DropExcept(ctx context.Context, keep string) error {
	_, err := m.db.sql.ExecContext(ctx, "DELETE FROM metadata_cache WHERE connection_id = ? AND substr(key, 1, ?) != ?",
		m.conn, utf8.RuneCountInString(keep), keep)
	if err != nil {
		return fmt.Errorf("store: metadata cache drop all but %q: %w", keep, err)
	}
	return nil
}
