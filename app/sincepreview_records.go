package app

import (
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/sync/engine"
)

// What a run did to records, besides fields, that the preview it was
// applied from did not show, or the other way round: a link made (a
// record entered in the other CRM since, so a previewed create became a
// link and an update), a delete, a record held for review. Field lines
// alone said only that the create's fields were "not written".

// linkedInstead is what createsLinkedInstead found: a line per previewed
// create the run made a link instead, the creates' "where"
// (plannedChanges), whose fields are then not listed as not written, and
// the links' A ids, not listed again as links the preview did not show.
type linkedInstead struct {
	lines []string
	where map[string]bool
	links map[string]bool
}

// createsLinkedInstead finds the previewed creates that the run made a
// link instead (the record's twin was entered in the target CRM after
// the preview).
func createsLinkedInstead(previewed, applied *engine.Plan, names SideNames) linkedInstead {
	created := map[[2]string]bool{} // target side, source id
	for _, w := range applied.Creates {
		created[[2]string{w.Side, w.Source}] = true
	}
	newLinks := newLinksBySide(applied)
	out := linkedInstead{where: map[string]bool{}, links: map[string]bool{}}
	for _, w := range previewed.Creates {
		if created[[2]string{w.Side, w.Source}] {
			continue
		}
		from := otherSideOf(w.Side)
		l, ok := newLinks[[2]string{from, w.Source}]
		if !ok {
			continue
		}
		target := l.B
		if w.Side == "a" {
			target = l.A
		}
		out.where[newRecordIn(names, w)] = true
		out.links[l.A] = true
		out.lines = append(out.lines, fmt.Sprintf("%s %s: previewed as a new record in %s, linked with %s there instead (a record with its key was entered there since the preview), so nothing was created",
			names.Of(from), w.Source, names.Of(w.Side), target))
	}
	return out
}

// newLinksBySide indexes a plan's new links by each of their records.
func newLinksBySide(p *engine.Plan) map[[2]string]engine.LinkOp {
	out := map[[2]string]engine.LinkOp{}
	for _, l := range p.Links {
		if l.New {
			out[[2]string{"a", l.A}], out[[2]string{"b", l.B}] = l, l
		}
	}
	return out
}

// linkDifferences lists the new links one plan makes and the other does
// not. With a plan listing only its first links (partial), a link missing
// from one list may be past its end, so none is said missing.
func linkDifferences(previewed, applied *engine.Plan, partial bool, instead linkedInstead, names SideNames) []string {
	if partial {
		return nil
	}
	key := func(l engine.LinkOp) string { return l.A + "\x00" + l.B }
	was, now := map[string]bool{}, map[string]bool{}
	for _, l := range previewed.Links {
		was[key(l)] = was[key(l)] || l.New
	}
	for _, l := range applied.Links {
		now[key(l)] = now[key(l)] || l.New
	}
	var lines []string
	for _, l := range applied.Links {
		if l.New && !was[key(l)] && !instead.links[l.A] {
			lines = append(lines, fmt.Sprintf("%s %s linked with %s %s (%s), which the preview did not show", names.Of("a"), l.A, names.Of("b"), l.B, l.Rule))
		}
	}
	for _, l := range previewed.Links {
		if l.New && !now[key(l)] {
			lines = append(lines, fmt.Sprintf("%s %s: previewed linked with %s %s, not linked by this run", names.Of("a"), l.A, names.Of("b"), l.B))
		}
	}
	return lines
}

// deleteDifferences lists the deletes (approved in review) one plan makes
// and the other does not.
func deleteDifferences(previewed, applied *engine.Plan, names SideNames) []string {
	key := func(d engine.DeleteOp) string { return d.Side + "\x00" + d.ID }
	was, now := map[string]bool{}, map[string]bool{}
	for _, d := range previewed.Deletes {
		was[key(d)] = true
	}
	for _, d := range applied.Deletes {
		now[key(d)] = true
	}
	var lines []string
	for _, d := range applied.Deletes {
		if !was[key(d)] {
			lines = append(lines, fmt.Sprintf("%s %s: deleted, which the preview did not show", names.Of(d.Side), d.ID))
		}
	}
	for _, d := range previewed.Deletes {
		if !now[key(d)] {
			lines = append(lines, fmt.Sprintf("%s %s: previewed deleted, not deleted by this run", names.Of(d.Side), d.ID))
		}
	}
	return lines
}

// reviewDifferences lists the records one plan sends to review (a held
// delete, an ambiguous match, a conflict) and the other does not.
func reviewDifferences(previewed, applied *engine.Plan, names SideNames) []string {
	if reviewListPartial(previewed) || reviewListPartial(applied) {
		// A large undo lists only its first items: an item missing from
		// one list may be past the other's end, so only counts compare.
		if previewed.Counts.Review != applied.Counts.Review {
			return []string{fmt.Sprintf("to review: previewed %d, sent %d", previewed.Counts.Review, applied.Counts.Review)}
		}
		return nil
	}
	key := func(it engine.ReviewItem) string {
		return strings.Join([]string{it.Kind, it.Side, it.RecordID, it.Field}, "\x00")
	}
	was, now := map[string]bool{}, map[string]bool{}
	for _, it := range previewed.Review {
		was[key(it)] = true
	}
	for _, it := range applied.Review {
		now[key(it)] = true
	}
	var lines []string
	for _, it := range applied.Review {
		if !was[key(it)] {
			lines = append(lines, fmt.Sprintf("%s %s%s: sent to review (%s: %s), which the preview did not show",
				names.Of(it.Side), it.RecordID, fieldSuffix(it.Field), it.Kind, it.Reason))
		}
	}
	for _, it := range previewed.Review {
		// An item the preview's plan stored (Opened) is in Review
		// whatever this run did.
		if !now[key(it)] && !it.Opened {
			lines = append(lines, fmt.Sprintf("%s %s%s: previewed going to review (%s), not sent there by this run",
				names.Of(it.Side), it.RecordID, fieldSuffix(it.Field), it.Kind))
		}
	}
	return lines
}

func fieldSuffix(field string) string {
	if field == "" {
		return ""
	}
	return " " + field
}

func otherSideOf(side string) string {
	if side == "a" {
		return "b"
	}
	return "a"
}

// reviewListPartial says whether p lists only its first review items.
func reviewListPartial(p *engine.Plan) bool {
	return p.Omitted != nil && p.Omitted.Review > 0
}
