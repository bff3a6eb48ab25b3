package engine_test

// The simulation's invariants, checked after every run and at quiescence.

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/crmsync/crmsync/sync/mapping"
)

// checkAlways holds after every run: 1:1 links, no record we created
// without a link (no duplicates), and nothing deleted but by a user.
func (s *sim) checkAlways() {
	s.t.Helper()
	links := s.f.links()
	seenA, seenB := map[string]bool{}, map[string]bool{}
	linked := map[string]bool{}
	for _, l := range links {
		if seenA[l.AID] || seenB[l.BID] {
			s.t.Fatalf("run %d: link not 1:1: %+v", s.runs, l)
		}
		seenA[l.AID], seenB[l.BID] = true, true
		linked["a:"+l.AID], linked["b:"+l.BID] = true, true
	}
	for _, side := range []string{"a", "b"} {
		for _, id := range s.conn(side).Tombstones(obj(side)) {
			if !s.deleted[side+":"+id] {
				s.t.Fatalf("run %d: %s record %s was deleted, deletes are never automatic", s.runs, side, id)
			}
		}
	}
	// A record crmsync created but never linked is a duplicate in the
	// making; the next plan reconciles a killed run's journal first, so
	// check orphans only once a plan has run after the kill.
	if len(s.pendingJournals()) > 0 {
		return
	}
	for _, side := range []string{"a", "b"} {
		for _, r := range s.conn(side).Live(obj(side)) {
			k := side + ":" + r.ID
			if !s.owned[k] && !linked[k] {
				s.t.Fatalf("run %d: %s record %s was created by crmsync but is not linked (duplicate): %v", s.runs, side, r.ID, r.Fields)
			}
		}
	}
}

func (s *sim) pendingJournals() []string {
	rows, err := s.f.db.SQL().Query("SELECT id FROM journal WHERE state = 'pending'")
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		out = append(out, id)
	}
	return out
}

// checkConverged: every live linked pair agrees on every mapped field (an
// unless-blank field may keep a value the other side blanked), every
// conflict ended with the policy's winner, and every live unlinked record
// waits in review.
func (s *sim) checkConverged() {
	open := map[string]bool{}
	items, _ := s.f.db.Reviews(s.f.ctx, s.f.syncID, "", "open")
	for _, it := range items {
		open[it.Side+":"+it.RecordID] = true
		if it.OtherID != "" {
			open[otherSideOf(it.Side)+":"+it.OtherID] = true
		}
	}
	linked := map[string]bool{}
	for _, l := range s.f.links() {
		linked["a:"+l.AID], linked["b:"+l.BID] = true, true
		ra, rb := s.f.a.Get(objA, l.AID), s.f.b.Get(objB, l.BID)
		if ra == nil || rb == nil || open["a:"+l.AID] || open["b:"+l.BID] {
			continue
		}
		if outA, outB := ra[optOutA] == "true", rb[optOutB] == optedOut; outA != outB && !s.optedIn["a:"+l.AID] && !s.optedIn["b:"+l.BID] {
			s.dump(l.AID, l.BID)
			s.t.Fatalf("opt-out not carried: A %s %s=%q, B %s %s=%q", l.AID, optOutA, ra[optOutA], l.BID, optOutB, rb[optOutB])
		}
		for _, f := range append(simFields, simField{"email", "Email"}, simField{rolesA, rolesB}) {
			va, vb := ra[f.a], rb[f.b]
			if f.a == rolesA && mapping.SameSet(va, vb) {
				continue
			}
			if va != vb && !(f.a == "phone" && (va == "" || vb == "")) {
				s.dump(l.AID, l.BID)
				s.t.Fatalf("not converged: A %s %s=%q, B %s %s=%q", l.AID, f.a, va, l.BID, f.b, vb)
			}
		}
	}
	for _, e := range s.expect {
		ra, rb := s.f.a.Get(objA, e.a), s.f.b.Get(objB, e.b)
		if ra == nil || rb == nil || open["a:"+e.a] || open["b:"+e.b] {
			continue
		}
		s.stat(func() { simStats.conflictsChecked++ })
		if ra[e.field.a] != e.want || rb[e.field.b] != e.want {
			s.t.Fatalf("conflict on %s (%s): A=%q B=%q, policy %s wants %q", e.a, e.field.a, ra[e.field.a], rb[e.field.b], s.f.def.Conflict, e.want)
		}
	}
	// One record per match key created by us: never more copies of a key
	// on a side than the other side has records with that key.
	keys := map[string]map[string]int{"a": {}, "b": {}}
	for _, side := range []string{"a", "b"} {
		for _, r := range s.conn(side).Live(obj(side)) {
			keys[side][strings.ToLower(r.Fields[emailField(side)])]++
		}
	}
	created := map[string]map[string]int{"a": {}, "b": {}}
	for _, l := range s.f.links() {
		if s.f.a.Get(objA, l.AID) == nil || s.f.b.Get(objB, l.BID) == nil {
			continue // a user deleted one of them; deletes are held
		}
		if l.CreatedBy == "a" {
			if r := s.f.a.Get(objA, l.AID); r != nil {
				created["a"][strings.ToLower(r["email"])]++
			}
		} else if l.CreatedBy == "b" {
			if r := s.f.b.Get(objB, l.BID); r != nil {
				created["b"][strings.ToLower(r["Email"])]++
			}
		}
	}
	for side, byKey := range created {
		for k, n := range byKey {
			if k != "" && n > keys[otherSideOf(side)][k] {
				s.t.Fatalf("%d records with key %q created on side %s, but side %s has %d", n, k, side, otherSideOf(side), keys[otherSideOf(side)][k])
			}
		}
	}
	for _, side := range []string{"a", "b"} {
		for _, r := range s.conn(side).Live(obj(side)) {
			k := side + ":" + r.ID
			if !linked[k] && !open[k] {
				s.t.Fatalf("%s record %s is neither linked nor in review: %v", side, r.ID, r.Fields)
			}
		}
	}
}

// checkAudit: every field value a CRM stored through crmsync has an audit
// row naming the record, field and value.
func (s *sim) checkAudit() {
	rows, err := s.f.db.SQL().Query("SELECT side, record_id, field, new FROM audit")
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	have := map[simWrite]bool{}
	for rows.Next() {
		var w simWrite
		rows.Scan(&w.side, &w.id, &w.field, &w.value)
		have[w] = true
	}
	var missing []string
	for _, w := range s.writes {
		if (w.field == optOutA && w.value != "true") || (w.field == optOutB && w.value != optedOut) {
			s.t.Fatalf("wrote %s %s %s=%q: an opt-out row writes nothing but the opt-out", w.side, w.id, w.field, w.value)
		}
		if w.field == optOutA || w.field == optOutB {
			s.stat(func() { simStats.optOuts++ })
		}
		if w.field == "Crmsync_Key__c" {
			continue // the upsert key is audited as "(upsert key)"
		}
		if !have[w] {
			missing = append(missing, fmt.Sprintf("%+v", w))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		for _, w := range s.writes {
			if !have[w] && w.field != "Crmsync_Key__c" {
				s.dump(w.id, w.id)
				break
			}
		}
		js, _ := json.Marshal(missing)
		s.t.Fatalf("%d write(s) without an audit row: %s", len(missing), js)
	}
}

// dump logs what the store knows about a pair, to debug a failing seed.
func (s *sim) dump(a, b string) {
	rows, _ := s.f.db.SQL().Query("SELECT run_id, side, record_id, field, old, new, rule FROM audit WHERE record_id IN (?, ?) ORDER BY id, seq", a, b)
	for rows.Next() {
		var run int
		var side, id, field, old, nw, rule string
		rows.Scan(&run, &side, &id, &field, &old, &nw, &rule)
		s.t.Logf("audit run %d %s %s %s: %q -> %q (%s)", run, side, id, field, old, nw, rule)
	}
	rows.Close()
	rows, _ = s.f.db.SQL().Query("SELECT side, id, seq, fields FROM records WHERE id IN (?, ?)", a, b)
	for rows.Next() {
		var side, id, fields string
		var seq int
		rows.Scan(&side, &id, &seq, &fields)
		s.t.Logf("index %s %s seq %d %s", side, id, seq, fields)
	}
	rows.Close()
	for _, l := range s.f.links() {
		if l.AID == a || l.BID == b {
			s.t.Logf("link %s-%s base %s", l.AID, l.BID, l.Base)
		}
	}
	rows, _ = s.f.db.SQL().Query("SELECT id, run_id, side, state, batch FROM journal ORDER BY id")
	for rows.Next() {
		var id, run int
		var side, state, batch string
		rows.Scan(&id, &run, &side, &state, &batch)
		s.t.Logf("journal %d run %d %s %s %s", id, run, side, state, batch)
	}
	rows.Close()
	runs, _ := s.f.db.Runs(s.f.ctx, s.f.syncID, 0)
	for _, r := range runs {
		s.t.Logf("run %d %s %s", r.ID, r.Status, r.Message)
	}
}
