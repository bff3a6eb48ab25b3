package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ReviewRow is one item of the review queue.
type ReviewRow struct {
	ID        int64
	SyncID    int64
	Kind      string // unmatched | ambiguous | conflict | delete | rejected | duplicate
	Status    string // open | decided | done
	Side      string // the side the subject record lives on
	RecordID  string
	OtherID   string
	Field     string
	Detail    string // JSON
	Decision  string // JSON
	CreatedAt time.Time
	DecidedAt time.Time
	// Uncounted: stored by a plan while it was made, not by a run, so the
	// first run recorded after it counts it (CountHeldReviews). Written
	// only; not read back.
	Uncounted bool
}

const reviewCols = "id, sync_id, kind, status, side, record_id, other_id, field, detail, decision, created_at, decided_at"

func scanReview(row interface{ Scan(...any) error }) (ReviewRow, error) {
	var r ReviewRow
	var created, decided int64
	err := row.Scan(&r.ID, &r.SyncID, &r.Kind, &r.Status, &r.Side, &r.RecordID, &r.OtherID, &r.Field, &r.Detail, &r.Decision, &created, &decided)
	r.CreatedAt = time.UnixMilli(created)
	if decided != 0 {
		r.DecidedAt = time.UnixMilli(decided)
	}
	return r, err
}

// answeredReview is true of a stored item whose subject addReviews adds
// no item about: a decision waits, or a person skipped it (the answer
// sticks). AnsweredReviews asks the same of a plan's items.
const answeredReview = `(status = 'decided' OR (status = 'done' AND kind IN ('unmatched', 'ambiguous', 'delete', 'duplicate')
		  AND json_extract(decision, '$.action') = 'skip'))`

// addReviews adds items, refreshing an open item about the same subject
// instead of duplicating it. An item is not reopened while a decision about
// the same subject waits, nor after a person chose "skip" for an unmatched,
// ambiguous, delete or duplicate item (the answer sticks).
func addReviews(ctx context.Context, tx *sql.Tx, syncID int64, rows []ReviewRow, now int64) error {
	if len(rows) == 0 {
		return nil
	}
	// A refresh by a plan marks the item uncounted, as a run's refresh
	// counts it in that run: one run counts it either way.
	st, err := tx.PrepareContext(ctx, `INSERT INTO review(sync_id, kind, side, record_id, other_id, field, detail, created_at, uncounted)
		SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE NOT EXISTS (SELECT 1 FROM review WHERE sync_id = ?1 AND kind = ?2 AND side = ?3
		  AND record_id = ?4 AND field = ?6 AND `+answeredReview+`)
		ON CONFLICT (sync_id, kind, side, record_id, field) WHERE status = 'open' DO UPDATE SET detail = excluded.detail, other_id = excluded.other_id,
		  uncounted = excluded.uncounted`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, r := range rows {
		detail := r.Detail
		if detail == "" {
			detail = "{}"
		}
		if _, err := st.ExecContext(ctx, syncID, r.Kind, r.Side, r.RecordID, r.OtherID, r.Field, detail, now, r.Uncounted); err != nil {
			return err
		}
	}
	return nil
}

// Reviews lists a sync's review items; kind and status filter when not "".
func (s *DB) Reviews(ctx context.Context, syncID int64, kind, status string) ([]ReviewRow, error) {
	rows, err := s.sql.QueryContext(ctx, "SELECT "+reviewCols+` FROM review WHERE sync_id = ? AND (? = '' OR kind = ?) AND (? = '' OR status = ?)
		ORDER BY id`, syncID, kind, kind, status, status)
	if err != nil {
		return nil, fmt.Errorf("store: review of sync %d: %w", syncID, err)
	}
	defer rows.Close()
	var out []ReviewRow
	for rows.Next() {
		r, err := scanReview(rows)
		if err != nil {
			return nil, fmt.Errorf("store: review of sync %d: %w", syncID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Review returns one review item.
func (s *DB) Review(ctx context.Context, id int64) (ReviewRow, error) {
	r, err := scanReview(s.sql.QueryRowContext(ctx, "SELECT "+reviewCols+" FROM review WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: review item %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: review item %d: %w", id, err)
	}
	return r, nil
}

// DecideReview stores a person's decision (JSON) on an open or decided item;
// the next plan applies it.
func (s *DB) DecideReview(ctx context.Context, id int64, decision string) error {
	res, err := s.sql.ExecContext(ctx, "UPDATE review SET status = 'decided', decision = ?, decided_at = ? WHERE id = ? AND status IN ('open', 'decided')",
		decision, s.nowMS(), id)
	if err != nil {
		return fmt.Errorf("store: decide review item %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: review item %d is not open: %w", id, ErrNotFound)
	}
	return nil
}

// CloseReviews closes every open or decided item of a sync, as done: what
// they are about is gone from the sync (its sides changed).
func (s *DB) CloseReviews(ctx context.Context, syncID int64) error {
	if _, err := s.sql.ExecContext(ctx, "UPDATE review SET status = 'done' WHERE sync_id = ? AND status IN ('open', 'decided')", syncID); err != nil {
		return fmt.Errorf("store: close the review items of sync %d: %w", syncID, err)
	}
	return nil
}

// ReviewCount counts a sync's review items of one status ("" for all)
// without reading them: the Syncs screen shows the count on every
// scheduler event, and a first sync can queue thousands of items.
func (s *DB) ReviewCount(ctx context.Context, syncID int64, status string) (int, error) {
	var n int
	err := s.sql.QueryRowContext(ctx, `SELECT count(*) FROM review WHERE sync_id = ? AND (? = '' OR status = ?)`, syncID, status, status).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count the review items of sync %d: %w", syncID, err)
	}
	return n, nil
}

// CountHeldReviews credits run runID with the open items of its sync that
// a plan stored and no run has counted (ReviewRow.Uncounted): a preview's,
// or the run's own plan's. In one transaction it clears their mark and
// adds them to the run's review count, so a kill between the two neither
// loses nor doubles them; it returns how many it added.
func (s *DB) CountHeldReviews(ctx context.Context, syncID, runID int64) (int, error) {
	var n int
	err := s.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE review SET uncounted = 0 WHERE sync_id = ? AND uncounted = 1 AND status = 'open'", syncID)
		if err != nil {
			return err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return err
		}
		// Items answered before any run counted them needed no one: none
		// is counted later either.
		if _, err := tx.ExecContext(ctx, "UPDATE review SET uncounted = 0 WHERE sync_id = ? AND uncounted = 1", syncID); err != nil {
			return err
		}
		if k > 0 {
			if _, err := tx.ExecContext(ctx, "UPDATE runs SET review = review + ? WHERE id = ? AND sync_id = ?", k, runID, syncID); err != nil {
				return err
			}
		}
		n = int(k)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: count the held review items of sync %d in run %d: %w", syncID, runID, err)
	}
	return n, nil
}
