package engine

import (
	"slices"
	"strings"

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
