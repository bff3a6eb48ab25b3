package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/sync/connector/jsonscan"
)

// auditMatch is the WHERE clause an audit search adds: the record's id, or
// its changes' text (field names, old and new values, rules), holds the
// text, ASCII case ignored as SQLite's lower() does.
const auditMatch = " AND (instr(lower(record_id), ?) > 0 OR instr(lower(changes), ?) > 0)"

// auditNeedle is text as it reads inside a stored changes array: JSON
// escaped as AuditBuilder writes it, so a quote or backslash matches too.
func auditNeedle(text string) string {
	q := jsonscan.AppendJSONString(nil, asciiLower(text))
	return string(q[1 : len(q)-1])
}

// AuditPageMatching is AuditPage over the records of run runID whose id or
// field changes hold text (case ignored); "" is every record. It lets a
// person find one record's changes among a big run's hundreds of
// thousands without reading them all.
func (s *DB) AuditPageMatching(ctx context.Context, runID int64, text string, afterID int64, limit int) ([]AuditRow, error) {
	if text == "" {
		return s.AuditPage(ctx, runID, afterID, limit)
	}
	rows, err := s.sql.QueryContext(ctx, "SELECT id, side, record_id, changes, at FROM audit_records WHERE run_id = ? AND id > ?"+auditMatch+" ORDER BY id LIMIT ?",
		runID, afterID, asciiLower(text), auditNeedle(text), limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit of run %d matching %q: %w", runID, text, err)
	}
	return scanAuditRows(rows, runID)
}

// AuditCountMatching is how many field changes the records
// AuditPageMatching finds hold in all.
func (s *DB) AuditCountMatching(ctx context.Context, runID int64, text string) (int, error) {
	if text == "" {
		return s.AuditCount(ctx, runID)
	}
	var n int
	err := s.sql.QueryRowContext(ctx, "SELECT coalesce(sum(json_array_length(changes)), 0) FROM audit_records WHERE run_id = ?"+auditMatch,
		runID, asciiLower(text), auditNeedle(text)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: audit of run %d matching %q: %w", runID, text, err)
	}
	return n, nil
}

// asciiLower lowers A-Z only, as SQLite's lower() does, so the text and
// the stored values it is compared with are lowered alike.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
