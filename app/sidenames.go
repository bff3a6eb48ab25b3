package app

import (
	"fmt"
	"regexp"
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
	return SideNames{def.A.Name(), def.B.Name()}
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

// Calls counts API calls per side for a person: "12 to hubspot-sandbox
// contacts, 3 to salesforce-sandbox Contact".
func (n SideNames) Calls(a, b int64) string {
	return fmt.Sprintf("%d to %s, %d to %s", a, n.Of("a"), b, n.Of("b"))
}

// engineSide finds "side A" and "side B" in a text the engine stored (a
// review item's reason), with the "on" or "in" before it: "on side B"
// reads "in salesforce-sandbox Contact" with a name.
var engineSide = regexp.MustCompile(`\b(?:(?:on|in) )?side ([AB])\b`)

// InText names the sides in s, a text the engine stored with "side A" and
// "side B" (stored before it named them, or by a run that still does), so
// items already in the store read like new texts without a migration. A
// side nothing names keeps its letter.
func (n SideNames) InText(s string) string {
	return engineSide.ReplaceAllStringFunc(s, func(m string) string {
		sub := engineSide.FindStringSubmatch(m)
		i := 0
		if sub[1] == "B" {
			i = 1
		}
		switch {
		case n[i] == "":
			return m
		case strings.HasPrefix(m, "side"):
			return n[i]
		}
		return "in " + n[i]
	})
}
