package engine

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/mapping"
)

// rekeyOldIndex brings the match keys an older build stored up to this
// build's normalization (mapping.KeyVersion), once per sync, before any
// record is matched: an old key of a record not read again since would
// otherwise miss the same email written another way, and the record would
// be created a second time.
func (p *planner) rekeyOldIndex(ctx context.Context) error {
	keysOf := func(side string, fields map[string]string) []store.RecordKey {
		return p.ix[side].keys(fields)
	}
	if _, err := p.e.st.RekeyRecords(ctx, p.syncID, mapping.KeyVersion, keysOf); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	return nil
}
