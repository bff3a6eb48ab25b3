package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Setting returns a setting's value, or def when it is unset.
func (s *DB) Setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := s.sql.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	if err != nil {
		return "", fmt.Errorf("store: setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting stores a setting.
func (s *DB) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.sql.ExecContext(ctx, "INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value)
	if err != nil {
		return fmt.Errorf("store: set setting %s: %w", key, err)
	}
	return nil
}
