package app

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/store"
)

// IndexedRecord is a record as crmsync last saw it, with its linked record.
type IndexedRecord struct {
	Found       bool
	Fields      map[string]string
	LinkedID    string // "" when unlinked
	LinkedFound bool
	Linked      map[string]string
}

// Record returns a record of a sync's side from the local index (no API
// call), for the review screen's side-by-side comparison.
func (a *App) Record(ctx context.Context, syncID int64, side, id string) (IndexedRecord, error) {
	p, ok, err := a.db.Pair(ctx, syncID, side, id)
	if err != nil || !ok {
		return IndexedRecord{}, err
	}
	r := IndexedRecord{Found: true, Fields: store.DecodeFields(p.Rec.Fields)}
	if p.Linked {
		r.LinkedID, r.LinkedFound = p.OtherID, p.OtherSeen
		r.Linked = store.DecodeFields(p.Other.Fields)
	}
	return r, nil
}

// Sample reads the first record of an object, for the editor's live
// preview of a mapping. Its API calls count against today's budget.
func (a *App) Sample(ctx context.Context, conn, object string) (map[string]string, error) {
	s, err := a.OpenConnection(ctx, conn)
	if err != nil {
		return nil, err
	}
	defer a.closeSession(ctx, s)
	for page, err := range s.Client.Read(ctx, object, "") {
		if err != nil {
			return nil, fmt.Errorf("sample of %s %s: %w", conn, object, err)
		}
		if len(page.Records) > 0 {
			return page.Records[0].Fields, nil
		}
	}
	return nil, nil
}

// Setting reads an app setting stored in the data file.
func (a *App) Setting(ctx context.Context, key, def string) (string, error) {
	return a.db.Setting(ctx, key, def)
}

// SetSetting stores an app setting in the data file.
func (a *App) SetSetting(ctx context.Context, key, value string) error {
	return a.db.SetSetting(ctx, key, value)
}
