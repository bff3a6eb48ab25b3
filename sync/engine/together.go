package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/mapping"
)

// Rows of one together group (mapping.Field.Together) are written all or
// none, and may write one field between them: the ready-made HubSpot ↔
// Dynamics 365 deals sync writes HubSpot's deal stage from the
// opportunity's sales phase and from its state (Won, Lost).

// holdTogether takes out of a pair's writes the rows of a group
// (mapping.Row.Together) one of whose rows waits in review, and says so
// in that review item: 900 JPY refused a currency must not arrive as an
// amount of 900 in the old one. Their bases stay, so they are written
// with the rest once the review is settled.
func holdTogether(out *pairOut, rows []mapping.Row) {
	if len(out.reviews) == 0 {
		return
	}
	group := map[string]string{} // row key -> group
	for _, r := range rows {
		if r.Together != "" {
			group[r.Key] = r.Together
		}
	}
	if len(group) == 0 {
		return
	}
	for i := range out.reviews {
		g, ok := group[out.reviews[i].Field]
		if !ok {
			continue
		}
		var held []string
		for _, r := range rows {
			if r.Together != g || r.Key == out.reviews[i].Field {
				continue
			}
			a, b := dropRow(out.toA, r.Key, r.AFields), dropRow(out.toB, r.Key, r.BFields)
			if a || b {
				held = append(held, r.Key)
			}
		}
		if len(held) > 0 {
			out.reviews[i].Reason += fmt.Sprintf(" (%s waits with it)", strings.Join(held, ", "))
		}
	}
	for _, w := range []**Write{&out.toA, &out.toB} {
		if *w != nil && len((*w).Changes) == 0 {
			*w = nil
		}
	}
}

// dropRow removes row key's changes to fields and its base from w, and
// says whether it wrote any.
func dropRow(w *Write, key string, fields []string) bool {
	if w == nil {
		return false
	}
	n := len(w.Changes)
	w.Changes = slices.DeleteFunc(w.Changes, func(c Change) bool { return slices.Contains(fields, c.Field) })
	w.Base = slices.DeleteFunc(w.Base, func(b BaseValue) bool { return b.Row == key })
	return len(w.Changes) < n
}

// settleShared makes the rows of a together group that write one field
// agree on it in this run, the later row's value winning, as it does
// where both write it: an earlier row that agreed as read carries a later
// row's write to the other side (a deal lost in Dynamics reaches HubSpot
// as closedlost, and the stage row writes that stage's phase to Dynamics
// now, not as an echo next run); an earlier row's write that would change
// what a later row, agreeing as read, reads is dropped (an opportunity's
// Close phase alone does not make the HubSpot deal won, which would then
// win the opportunity). At a first link, or where both sides moved to
// it since the last run, a row both sides agree on as read stands as if
// agreed before: a deal won on both sides is not reopened by the phase
// its opportunity was won at. A person's decision (override) such a drop
// keeps from a side is said in a note naming the item (reviewID), so the
// item is not closed in silence.
func (m merger) settleShared(out *pairOut, a, b recView, base, override map[string]string, reviewID int64) {
	if out.toA == nil && out.toB == nil {
		return
	}
	for i, r := range m.rows {
		if r.Together == "" || r.Dir != mapping.TwoWay || r.OnCreate || r.OptOut {
			continue
		}
		if _, ok := override[r.Key]; ok {
			continue
		}
		bv, hasBase := base[r.Key]
		ca, err := r.CanonA(a.fields)
		if err != nil || !agreesAsRead(r, a, b) {
			continue
		}
		// Both sides moved to ca since the base: it is what they agree
		// on now, but carrying a later row's write is left to the merge.
		movedBoth := hasBase && ca != bv
		bv = ca
		pa, pb := withPending(a, out.toA), withPending(b, out.toB)
		if ca, err := r.CanonA(pa.fields); err == nil && ca == bv {
			if cb, err := r.CanonB(pb.fields); err == nil && cb == bv {
				continue // the writes leave it as it was
			}
		}
		j, w, fields := m.sharedWriter(out, i)
		switch {
		case j < 0:
		case j > i:
			if hasBase && !movedBoth {
				m.mergeRow(out, r, pa, pb, base, override)
			}
		default:
			if v, ok := override[m.rows[j].Key]; ok {
				side, id := "a", a.id
				if w == &out.toB {
					side, id = "b", b.id
				}
				out.notes = append(out.notes, fmt.Sprintf("review item %d: %s %s keeps its %s: the decision on %s, %s, would change %s, which both sides hold as %s and which wins where both write it, so the decision is not written there",
					reviewID, id, m.inSide(side), strings.Join(fields, ", "), m.rows[j].Key, m.rows[j].Shown(v), r.Key, r.Shown(ca)))
			}
			dropRow(*w, m.rows[j].Key, fields)
			if len((*w).Changes) == 0 {
				*w = nil
			}
			// A conflict that write settled is settled no more.
			out.conflicts = slices.DeleteFunc(out.conflicts, func(c Conflict) bool { return c.Row == m.rows[j].Key && c.Winner != "review" })
			out.kept++
		}
	}
}

// sharedWriter finds the row of row i's group whose write this run
// changes a field row i reads: its index (-1 for none), the write and the
// fields they share.
func (m merger) sharedWriter(out *pairOut, i int) (int, **Write, []string) {
	r := m.rows[i]
	for j, o := range m.rows {
		if j == i || o.Together != r.Together {
			continue
		}
		for _, s := range []struct {
			w    **Write
			mine []string
			its  []string
		}{{&out.toA, r.AFields, o.AFields}, {&out.toB, r.BFields, o.BFields}} {
			w := *s.w
			if w == nil || !slices.ContainsFunc(w.Base, func(b BaseValue) bool { return b.Row == o.Key }) {
				continue
			}
			var shared []string
			for _, f := range s.mine {
				if slices.Contains(s.its, f) && writesField(w.Changes, f) {
					shared = append(shared, f)
				}
			}
			if len(shared) > 0 {
				return j, s.w, shared
			}
		}
	}
	return -1, nil, nil
}

// heldFirstLink sends a first merge's disagreement on a row to review,
// whatever the conflict policy, when one side's value is one the row's
// reverse value map names nothing for (an opportunity's Open state): it
// stands for several values of the other side, so which side is stale
// cannot be told, and deciding by the records' last touches would reopen
// a won opportunity because its HubSpot deal was edited last, or close
// one nobody closed.
func (m merger) heldFirstLink(out *pairOut, r mapping.Row, a, b recView, ca, cb string) {
	out.conflicts = append(out.conflicts, Conflict{A: a.id, B: b.id, Row: r.Key, AValue: ca, BValue: cb, Winner: "review"})
	out.reviews = append(out.reviews, ReviewItem{Kind: "conflict", Side: "a", RecordID: a.id, OtherID: b.id, Field: r.Key,
		Reason: fmt.Sprintf("first sync: the sides differ on %s (%s %s, %s %s) and one of the values stands for several on the other side, so neither is taken without a person",
			r.Key, r.Shown(ca), m.inSide("a"), r.Shown(cb), m.inSide("b")),
		Values: &Values{A: ca, B: cb}})
}

// keptNote is the plan's warning for a value written to a side (in, as
// merger.inSide names it) that the row's reverse value map names nothing
// for: the side keeps its value, and the person is told (a Dynamics opportunity reopened leaves its
// HubSpot deal at closedwon).
func keptNote(out *pairOut, in, id string, err error) {
	var un *mapping.UnnamedError
	if errors.As(err, &un) {
		out.notes = append(out.notes, fmt.Sprintf("%s %s kept: %v", id, in, un))
	}
}
