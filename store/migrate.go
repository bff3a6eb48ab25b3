package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrations embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration %q is not named NNNN_name.sql", e.Name())
		}
		b, err := migrations.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations must be numbered 1..n without gaps; found %s", m.name)
		}
	}
	return ms, nil
}

// SchemaVersion is the newest schema this build knows.
func SchemaVersion() int {
	ms, _ := loadMigrations()
	return len(ms)
}

func (s *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	var appID, version int
	if err := s.sql.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		if strings.Contains(err.Error(), "not a database") || strings.Contains(err.Error(), "malformed") {
			return fmt.Errorf("store: %s: %w; move it away (with its -wal and -shm files) and start again, or restore a backup", s.path, ErrNotDatabase)
		}
		return fmt.Errorf("store: read application_id of %s: %w", s.path, err)
	}
	if err := s.sql.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("store: read user_version: %w", err)
	}
	if appID != ApplicationID {
		var tables int
		if err := s.sql.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
			return fmt.Errorf("store: inspect %s: %w", s.path, err)
		}
		if appID != 0 || tables > 0 {
			return fmt.Errorf("store: %s: %w (application_id %#x); choose another data folder with --home", s.path, ErrForeignFile, appID)
		}
	}
	if version > len(ms) {
		return fmt.Errorf("store: %s has schema %d but this crmsync knows up to %d: %w; update crmsync", s.path, version, len(ms), ErrTooNew)
	}
	for _, m := range ms[version:] {
		if err := s.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// apply runs one migration and its user_version bump in one transaction, so
// a crash leaves the file at the previous version, never half-migrated.
func (s *DB) apply(ctx context.Context, m migration) error {
	conn, err := s.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("store: migration %s: begin: %w", m.name, err)
	}
	stmt := m.sql + fmt.Sprintf("\nPRAGMA application_id = %d;\nPRAGMA user_version = %d;\n", ApplicationID, m.version)
	if _, err := conn.ExecContext(ctx, stmt); err != nil {
		_, _ = conn.ExecContext(ctx, "ROLLBACK")
		return fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		_, _ = conn.ExecContext(ctx, "ROLLBACK")
		return fmt.Errorf("store: migration %s: commit: %w", m.name, err)
	}
	return nil
}
