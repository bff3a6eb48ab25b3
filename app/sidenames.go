package app

import (
	"strings"

	"github.com/crmsync/crmsync/sync/engine"
)

// SideNames names a sync's two sides for a person, each by its connection
// and object ("hubspot-sandbox contacts"): nobody thinks of their CRMs as
// "A" and "B". An empty name is a side nothing names (a run from before
// the sync's sides changed, a result from before names were kept).
type SideNames [2]string

// SideNamesOf names def's sides.
func SideNamesOf(def engine.Definition) SideNames {
	name := func(s engine.SideDef) string { return strings.TrimSpace(s.Connection + " " + s.Object) }
	return SideNames{name(def.A), name(def.B)}
}

// Of names side "a" or "b", "side A" or "side B" where nothing names it.
func (n SideNames) Of(side string) string {
	i := 0
	if side == "b" {
		i = 1
	}
	if n[i] != "" {
		return n[i]
	}
	return "side " + strings.ToUpper(side)
}
