package app

import (
	"context"

	"github.com/crmsync/crmsync/store"
)

// AuditMatching is AuditPage over the records of run id whose record id
// or field changes (names, old and new values) hold text, case ignored;
// "" is every record. It finds one contact's changes in a big run.
func (a *App) AuditMatching(ctx context.Context, id int64, text string, afterID int64, records int) ([]store.AuditRow, error) {
	return a.db.AuditPageMatching(ctx, id, text, afterID, records)
}

// AuditMatchingCount is how many field changes the records AuditMatching
// finds hold in all.
func (a *App) AuditMatchingCount(ctx context.Context, id int64, text string) (int, error) {
	return a.db.AuditCountMatching(ctx, id, text)
}
