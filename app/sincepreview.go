package app

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/engine"
)

// plannedChange is one field a plan writes, keyed by where it lands.
type plannedChange struct {
	where string // "side A 1001", or "new record in side B from 0038…"
	field string
	value string // the new value
}

// plannedChanges lists every field change of a plan's creates and updates
// by side, record and field.
func plannedChanges(p *engine.Plan) map[[2]string]plannedChange {
	out := map[[2]string]plannedChange{}
	for _, ws := range [][]engine.Write{p.Creates, p.Updates} {
		for _, w := range ws {
			where := fmt.Sprintf("side %s %s", strings.ToUpper(w.Side), w.ID)
			if w.ID == "" {
				where = fmt.Sprintf("new record in side %s from %s", strings.ToUpper(w.Side), w.Source)
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
// sorted so the list reads the same every time.
//
// A large plan lists only its first writes (Plan.Omitted): a write missing
// from one list may be past the other's end, so then only the values of
// writes both list are compared, and the counts.
func differencesFromPreview(previewed, applied *engine.Plan) []string {
	before, after := plannedChanges(previewed), plannedChanges(applied)
	partial := previewed.Omitted != nil || applied.Omitted != nil
	instead := createsLinkedInstead(previewed, applied)
	lines := instead.lines
	if partial {
		lines = append(lines, countDifferences(previewed.Counts, applied.Counts)...)
	}
	lines = append(lines, linkDifferences(previewed, applied, partial, instead)...)
	lines = append(lines, deleteDifferences(previewed, applied)...)
	lines = append(lines, reviewDifferences(previewed, applied)...)
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
func countDifferences(previewed, applied engine.Counts) []string {
	var lines []string
	for _, c := range []struct {
		what      string
		was, that int
	}{
		{"creates in side A", previewed.CreateA, applied.CreateA},
		{"creates in side B", previewed.CreateB, applied.CreateB},
		{"updates in side A", previewed.UpdateA, applied.UpdateA},
		{"updates in side B", previewed.UpdateB, applied.UpdateB},
	} {
		if c.was != c.that {
			lines = append(lines, fmt.Sprintf("%s: previewed %d, planned by this run %d", c.what, c.was, c.that))
		}
	}
	return lines
}
