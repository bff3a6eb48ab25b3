package engine

import (
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// A create whose answer was lost is looked up by its key, and the hits are
// matched to the records sent by that key. A vendor may keep the key in
// another form than sent (a phone sent as "+1 415 555 0177", kept as
// +14155550177): compared as text, the record sent is not recognised and
// is created again. So hits and records are compared as matching compares
// them, through the key's match rule.

// lookupKey is v, a value of field, as a lookup's hits and the records
// sent are compared: normalised by the rule matching on field alone, else
// (an upsert key no rule compares) its lower-cased text.
func (ix indexer) lookupKey(field, v string) string {
	if i := ix.ruleOf(field); i >= 0 {
		if k, err := mapping.Normalize(ix.kinds[i], v); err == nil && k != "" {
			return k
		}
	}
	return strings.ToLower(strings.TrimSpace(v))
}

// lookupValues are the values keys, sent in field, are looked up by: each
// as sent and, where its normal form is other text, that too, since a
// vendor's lookup compares text and it may keep the normal form (E.164).
func (ix indexer) lookupValues(field string, keys []string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
		if n := ix.lookupKey(field, k); n != "" && n != strings.ToLower(strings.TrimSpace(k)) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// createdAmong narrows hits, the records a lookup found by the key of one
// create whose outcome is unknown, to the one the create made. A record
// this sync links to another than source held the key before; of several
// others, the create's is the one holding what it sent. ambiguous: that
// leaves several, or several hold the key and none all it sent (a vendor
// may keep a value in another form): which one the call made cannot be
// told, and creating it again would add one more copy, so hits are then
// the candidates for a person to choose from.
func createdAmong(hits []connector.Record, source string, sent map[string]string, partner func(id string) (string, error)) (_ []connector.Record, ambiguous bool, err error) {
	if len(hits) < 2 {
		return hits, false, nil
	}
	var free, same []connector.Record
	for _, h := range hits {
		other, err := partner(h.ID)
		if err != nil {
			return nil, false, err
		}
		if other != "" && other != source {
			continue
		}
		free = append(free, h)
		if holds(h.Fields, sent) {
			same = append(same, h)
		}
	}
	switch {
	case len(same) == 1:
		return same, false, nil
	case len(same) > 1:
		return same, true, nil
	case len(free) > 1:
		return free, true, nil
	}
	return free, false, nil
}

// foundMany is a create of a failed call whose lookup found its key on
// the records ids, none of them told apart as the one it made.
type foundMany struct {
	p   pending
	ids []string
}

// recordIDs are the ids of recs.
func recordIDs(recs []connector.Record) []string {
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	return ids
}
