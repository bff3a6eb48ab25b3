package app

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/crmsync/crmsync/sync/engine"
)

// plannedChange is one field a plan writes, keyed by where it lands.
type plannedChange struct {
	where string // "hs contacts 1001", or "new record in sf Contact from 1001"
	field string
	value string // the new value
}

// plannedChanges lists every field change of a plan's creates and updates
// by side, record and field.
func plannedChanges(p *engine.Plan, names SideNames) map[[2]string]plannedChange {
	out := map[[2]string]plannedChange{}
	for _, ws := range [][]engine.Write{p.Creates, p.Updates} {
		for _, w := range ws {
			where := names.Of(w.Side) + " " + w.ID
			if w.ID == "" {
				where = newRecordIn(names, w)
			}
			for _, ch := range w.Changes {
				out[[2]string{where, ch.Field}] = plannedChange{where: where, field: ch.Field, value: ch.New}
			}
		}
	}
	return out
}

// differencesFromPreview says, one line per field or record, where the
// plan Apply made differs from the preview the person approved: Apply
// plans again, so a record edited in a CRM in between is written with its
// newer value, or is written though the preview did not show it, or is no
// longer written; a previewed create may have become a link (its twin
// entered since), and records may be linked, deleted or sent to review
// that the preview did not show (sincepreview_records.go). Lines are
// sorted so the list reads the same every time. names names the sides, as
// "Run finished" around the lines does.
//
// A large plan lists only its first writes (Plan.Omitted): a write missing
// from one list may be past the other's end, so then only the values of
// writes both list are compared, and the counts.
func differencesFromPreview(previewed, applied *engine.Plan, names SideNames) []string {
	before, after := plannedChanges(previewed, names), plannedChanges(applied, names)
	partial := previewed.Omitted != nil || applied.Omitted != nil
	instead := createsLinkedInstead(previewed, applied, names)
	lines := instead.lines
	if partial {
		lines = append(lines, countDifferences(previewed.Counts, applied.Counts, names)...)
	}
	lines = append(lines, linkDifferences(previewed, applied, partial, instead, names)...)
	lines = append(lines, deleteDifferences(previewed, applied, names)...)
	lines = append(lines, reviewDifferences(previewed, applied, names)...)
	for k, now := range after {
		was, ok := before[k]
		switch {
		case !ok && partial:
		case !ok:
			lines = append(lines, fmt.Sprintf("%s %s: wrote %q, which the preview did not show", now.where, now.field, now.value))
		case was.value != now.value:
			lines = append(lines, fmt.Sprintf("%s %s: previewed %q, wrote %q", now.where, now.field, was.value, now.value))
		}
	}
	for k, was := range before {
		if _, ok := after[k]; !ok && !partial && !instead.where[was.where] {
			lines = append(lines, fmt.Sprintf("%s %s: previewed %q, not written by this run", was.where, was.field, was.value))
		}
	}
	slices.SortFunc(lines, cmp.Compare[string])
	return lines
}

// countDifferences says which counts of creates and updates differ.
func countDifferences(previewed, applied engine.Counts, names SideNames) []string {
	var lines []string
	for _, c := range []struct {
		what      string
		was, that int
	}{
		{"creates in " + names.Of("a"), previewed.CreateA, applied.CreateA},
		{"creates in " + names.Of("b"), previewed.CreateB, applied.CreateB},
		{"updates in " + names.Of("a"), previewed.UpdateA, applied.UpdateA},
		{"updates in " + names.Of("b"), previewed.UpdateB, applied.UpdateB},
	} {
		if c.was != c.that {
			lines = append(lines, fmt.Sprintf("%s: previewed %d, planned by this run %d", c.what, c.was, c.that))
		}
	}
	return lines
}

// newRecordIn is where a create's fields land, the record having no id yet.
func newRecordIn(names SideNames, w engine.Write) string {
	return fmt.Sprintf("new record in %s from %s", names.Of(w.Side), w.Source)
}
