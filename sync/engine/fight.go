package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/mapping"
)

// FightProblems names the one-way rows of def that write a field another
// sync of others writes one-way too, from another source (Salesforce →
// HubSpot's phone next to Pipedrive → HubSpot's phone). Such a pair never
// settles: a one-way row writes over any drift of its target, so while the
// two sources differ each run writes over what the other sync wrote, on
// every run, forever. Two-way rows settle (each writes the field only
// when its own other side changed), and so do rows on create only, opt-outs
// (which only ever add one) and syncs that keep to different records with
// a linked: filter naming the other sync.
func FightProblems(def Definition, others []Definition) []mapping.Problem {
	var out []mapping.Problem
	for i, f := range def.Fields {
		target, source, side, fields := oneWayTarget(def, f)
		if fields == nil {
			continue
		}
		for _, o := range others {
			if o.Name == def.Name || filtersBy(def, side, o.Name) {
				continue
			}
			for _, g := range o.Fields {
				oTarget, oSource, oSide, oFields := oneWayTarget(o, g)
				if oFields == nil || oTarget != target || oSource == source || filtersBy(o, oSide, def.Name) {
					continue
				}
				for _, name := range fields {
					if slices.Contains(oFields, name) {
						out = append(out, mapping.Problem{Row: i, Field: name, Message: fmt.Sprintf(
							"field %s of %s %s is written one-way both by this sync (from %s %s) and by sync %q (from %s %s): while the two hold different values, each run writes over the other's, forever; make one of the rows two-way, or map the field in one sync only",
							name, target.Connection, target.Object, source.Connection, source.Object, o.Name, oSource.Connection, oSource.Object)})
						break
					}
				}
			}
		}
	}
	return out
}

// oneWayTarget is the side a one-way row of d writes (and its letter), the
// side it reads, and the fields it writes; fields is nil for a row that
// is not one-way, or writes only into created records or opt-outs.
func oneWayTarget(d Definition, f mapping.Field) (target, source SideDef, side string, fields []string) {
	if f.Rule == mapping.OnCreate || f.Rule == mapping.OptOut {
		return SideDef{}, SideDef{}, "", nil
	}
	dir := f.Direction
	if dir == mapping.Inherit {
		dir = d.Direction
	}
	var names string
	switch dir {
	case mapping.AtoB:
		target, source, side, names = d.B, d.A, "b", f.B
	case mapping.BtoA:
		target, source, side, names = d.A, d.B, "a", f.A
	default:
		return SideDef{}, SideDef{}, "", nil
	}
	for _, n := range strings.Split(names, "+") {
		if n = strings.TrimSpace(n); n != "" {
			fields = append(fields, n)
		}
	}
	return target, source, side, fields
}

// filtersBy says whether d filters side by whether sync name links a
// record (a linked:name filter), so the two syncs keep to different records.
func filtersBy(d Definition, side, name string) bool {
	fs := d.Filters.A
	if side == "b" {
		fs = d.Filters.B
	}
	return slices.ContainsFunc(fs, func(f Filter) bool {
		n, ok := f.LinkedBy()
		return ok && n == name
	})
}
