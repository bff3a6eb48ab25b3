package engine

import (
	"context"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// fieldTimes holds when a record's fields last changed, where a side's
// connector knows (connector.FieldTimer: HubSpot's property history), for
// the "newer" conflict rule: a record's modified time moves with an edit
// of any of its fields, so a title changed in HubSpot an hour before
// Salesforce's, on a contact whose first name was edited since, would
// otherwise win over the newer Salesforce title.
//
// It never calls the vendor during a merge. A merge that needs a time it
// does not hold uses the record's time and notes the record (missed); the
// pass then defers that pair, fetches the times of every such record of
// its chunk in the vendor's batches (fetch), and merges it again, so a
// run with many conflicts costs one call per batch, not one per record.
type fieldTimes struct {
	timers map[string]connector.FieldTimer // side -> its connector, where it has one
	object map[string]string
	fields map[string][]string // side -> every field its rows read
	cache  map[string]map[string]int64
	wanted map[string][]string // side -> record ids to fetch
	miss   bool                // the last merge (since reset) needed a time not held
}

func newFieldTimes(rows []mapping.Row, sides map[string]Side) *fieldTimes {
	ft := &fieldTimes{timers: map[string]connector.FieldTimer{}, object: map[string]string{},
		fields: map[string][]string{}, cache: map[string]map[string]int64{}, wanted: map[string][]string{}}
	for side, s := range sides {
		t, ok := s.Conn.(connector.FieldTimer)
		if !ok {
			continue
		}
		ft.timers[side], ft.object[side] = t, s.Object
		for _, r := range rows {
			fs := r.AFields
			if side == "b" {
				fs = r.BFields
			}
			for _, f := range fs {
				if !slices.Contains(ft.fields[side], f) {
					ft.fields[side] = append(ft.fields[side], f)
				}
			}
		}
	}
	if len(ft.timers) == 0 {
		return nil
	}
	return ft
}

// modified is when row r last changed on side's record v, in unix ms: the
// newest time its fields have there, or the record's time where the
// connector knows none of them or they are not fetched yet.
func (ft *fieldTimes) modified(side string, v recView, r mapping.Row) int64 {
	if ft == nil || ft.timers[side] == nil {
		return v.modified
	}
	times, ok := ft.cache[side+":"+v.id]
	if !ok {
		ft.miss = true
		if !slices.Contains(ft.wanted[side], v.id) {
			ft.wanted[side] = append(ft.wanted[side], v.id)
		}
		return v.modified
	}
	fs := r.AFields
	if side == "b" {
		fs = r.BFields
	}
	newest, known := int64(0), false
	for _, f := range fs {
		if t, ok := times[f]; ok {
			newest, known = max(newest, t), true
		}
	}
	if !known {
		return v.modified
	}
	return newest
}

// reset starts watching for a merge that needs times not held.
func (ft *fieldTimes) reset() {
	if ft != nil {
		ft.miss = false
	}
}

// missed says whether a merge since reset needed times not held.
func (ft *fieldTimes) missed() bool { return ft != nil && ft.miss }

// fetch reads the times of every record noted since the last fetch. A
// failure is warned about and leaves those records at their own times.
func (ft *fieldTimes) fetch(ctx context.Context, warn func(string, ...any)) {
	if ft == nil {
		return
	}
	for side, ids := range ft.wanted {
		got, err := ft.timers[side].FieldTimes(ctx, ft.object[side], ids, ft.fields[side])
		if err != nil {
			warn("side %s: the times of %d records' fields could not be read, so \"newer\" compares the records' own: %v",
				strings.ToUpper(side), len(ids), err)
		}
		for _, id := range ids {
			times := map[string]int64{}
			for f, t := range got[id] {
				times[f] = t.UnixMilli()
			}
			ft.cache[side+":"+id] = times
		}
	}
	clear(ft.wanted)
}
