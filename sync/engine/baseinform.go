package engine

import (
	"maps"

	"github.com/crmsync/crmsync/sync/mapping"
)

// basesInForm is base with each row's value in the form the row compares
// now (mapping.Row.BaseInForm): a base an earlier crmsync stored as read
// ("Ada@Example.com" where HubSpot keeps "ada@example.com", 1234.5678 where
// Dataverse keeps 1234.57) must not make the side holding it unchanged
// look edited. base is not changed; a copy is made only when a value needs
// it.
func basesInForm(rows []mapping.Row, base map[string]string) map[string]string {
	var out map[string]string
	for _, r := range rows {
		v, ok := base[r.Key]
		if !ok {
			continue
		}
		now := r.BaseInForm(v)
		if ua, ub, undone := undoneValues(v); undone {
			now = undoneBase(r.BaseInForm(ua), r.BaseInForm(ub))
		}
		if now == v {
			continue
		}
		if out == nil {
			out = maps.Clone(base)
		}
		out[r.Key] = now
	}
	if out == nil {
		return base
	}
	return out
}
