package app

import (
	"context"

	"github.com/crmsync/crmsync/store"
)

// streamPage is how many errors, or records' audit, EachRunError and
// EachAuditRow read at a time: a run can fail for, or write, each of 100k
// records, and the command line lists them all without holding them.
const streamPage = 500

// EachRunError calls fn with each error of run id, in the order they
// happened, reading them a page at a time; it stops at fn's first error.
func (a *App) EachRunError(ctx context.Context, id int64, fn func(store.RunErrorRow) error) error {
	var after int64
	for {
		page, err := a.db.RunErrorsPage(ctx, id, after, streamPage)
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < streamPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// EachAuditRow calls fn with each field run id wrote, in write order,
// reading the audit of streamPage records at a time; it stops at fn's
// first error.
func (a *App) EachAuditRow(ctx context.Context, id int64, fn func(store.AuditRow) error) error {
	var after int64
	for {
		page, err := a.db.AuditPage(ctx, id, after, streamPage)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		after = page[len(page)-1].ID
	}
}
