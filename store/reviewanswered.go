package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// ReviewSubject is what a review item is about; the store keeps one open
// item per subject.
type ReviewSubject struct {
	Kind, Side, RecordID, Field string
}

// AnsweredReviews returns, of subjects, those a person answered so that
// adding an item about them adds none (answeredReview), with the id of the
// item that holds the answer. A plan asks once for the items it lists, so
// that it does not count as sent to review what the store will refuse.
func (s *DB) AnsweredReviews(ctx context.Context, syncID int64, subjects []ReviewSubject) (map[ReviewSubject]int64, error) {
	out := map[ReviewSubject]int64{}
	if len(subjects) == 0 {
		return out, nil
	}
	list := make([][4]string, len(subjects))
	for i, sub := range subjects {
		list[i] = [4]string{sub.Kind, sub.Side, sub.RecordID, sub.Field}
	}
	js, err := json.Marshal(list)
	if err != nil {
		return nil, fmt.Errorf("store: answered review items of sync %d: %w", syncID, err)
	}
	rows, err := s.sql.QueryContext(ctx, `SELECT kind, side, record_id, field, max(id) FROM review
		WHERE sync_id = ?1 AND `+answeredReview+` AND (side, record_id) IN
		  (SELECT json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?2))
		GROUP BY kind, side, record_id, field`, syncID, string(js))
	if err != nil {
		return nil, fmt.Errorf("store: answered review items of sync %d: %w", syncID, err)
	}
	defer rows.Close()
	asked := make(map[ReviewSubject]bool, len(subjects))
	for _, sub := range subjects {
		asked[sub] = true
	}
	for rows.Next() {
		var sub ReviewSubject
		var id int64
		if err := rows.Scan(&sub.Kind, &sub.Side, &sub.RecordID, &sub.Field, &id); err != nil {
			return nil, fmt.Errorf("store: answered review items of sync %d: %w", syncID, err)
		}
		if asked[sub] {
			out[sub] = id
		}
	}
	return out, rows.Err()
}
