package engine_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/engine/memconn"
	"github.com/crmsync/crmsync/sync/mapping"
)

var (
	simSeeds = flag.Int("sim.seeds", 200, "number of seeds for the deterministic simulation")
	simDebug = flag.Bool("sim.debug", false, "log every plan and CRM write of the simulation")
)

// TestSimulation runs seeded random edits on both sides with faults and
// kills at random call boundaries, asserting the engine's invariants after
// every run and at quiescence. A failing seed replays alone with
// -run 'TestSimulation/seed=N$'.
func TestSimulation(t *testing.T) {
	t.Cleanup(func() {
		simStats.Lock()
		defer simStats.Unlock()
		t.Logf("%d seeds: %d runs (%d killed), %d CRM writes, %d conflict winners checked, %d multi-select fields merged, %d opt-outs carried",
			*simSeeds, simStats.runs, simStats.kills, simStats.writes, simStats.conflictsChecked, simStats.mergedSets, simStats.optOuts)
		if *simSeeds >= 100 && simStats.mergedSets == 0 {
			t.Error("no seed merged a multi-select edited on both sides: the simulation no longer exercises merge-set")
		}
		if *simSeeds >= 100 && simStats.optOuts == 0 {
			t.Error("no seed carried an opt-out: the simulation no longer exercises the opt-out rule")
		}
	})
	for seed := 1; seed <= *simSeeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel() // each seed owns its file and CRMs: still deterministic
			newSim(t, uint64(seed)).play()
		})
	}
}

// simField pairs the mapped field names on both sides.
type simField struct{ a, b string }

var simFields = []simField{{"firstname", "FirstName"}, {"lastname", "LastName"}, {"phone", "Phone"}}

type killed struct{}

// simStats totals what the simulation exercised, reported at the end.
var simStats struct {
	sync.Mutex
	runs, kills, writes, conflictsChecked, mergedSets, optOuts int
}

func (s *sim) stat(f func()) {
	simStats.Lock()
	f()
	simStats.Unlock()
}

// expectation is the value a conflict's winner must leave on both sides.
type expectation struct {
	a, b  string // record ids
	field simField
	want  string
}

type sim struct {
	t        *testing.T
	rng      *rand.Rand
	f        *fixture
	owned    map[string]bool // "a:id" records the simulated users created
	deleted  map[string]bool // "a:id" records the simulated users deleted
	optedIn  map[string]bool // "a:id" records whose person opted back in
	expect   []expectation
	emails   int
	calls    int64
	killAt   int64 // panic at this call (a kill), 0 = never
	cancelAt int64 // cancel the run's ctx at this call, 0 = never
	cancel   context.CancelFunc
	faulty   bool
	writes   []simWrite // every op the CRMs carried out
	hookMu   sync.Mutex // the hooks run on both sides' goroutines
	pending  bool       // journal rows were pending when the round began
	runs     int
}

type simWrite struct{ side, id, field, value string }

func newSim(t *testing.T, seed uint64) *sim {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	def := baseDefinition()
	def.Conflict = []string{engine.ConflictPreferA, engine.ConflictPreferB, engine.ConflictNewer}[rng.IntN(3)]
	def.Safety.PropagateDeletes = rng.IntN(2) == 0
	// A multi-select, merged option by option when both sides change it.
	def.Fields = append(def.Fields, mapping.Field{A: rolesA, B: rolesB})
	// An opt-out, which people only ever give here: it must reach the
	// other side whatever the conflict policy, and nothing else is written.
	def.Fields = append(def.Fields, mapping.Field{A: optOutA, B: optOutB, Transform: "map", ValueMap: map[string]string{"true": optedOut}, Rule: mapping.OptOut})
	upsertB := ""
	if rng.IntN(2) == 0 {
		upsertB = "Crmsync_Key__c"
	}
	// Odd seeds let the engine read and write both sides at once (the
	// hooks then run on two goroutines, and a seed may not replay exactly);
	// even seeds run one side at a time and replay exactly.
	f := newFixture(t, def, fixtureOpts{batch: 1 + rng.IntN(4), page: 3 + rng.IntN(6), upsertB: upsertB, oneSide: seed%2 == 0})
	s := &sim{t: t, rng: rng, f: f, owned: map[string]bool{}, deleted: map[string]bool{}, optedIn: map[string]bool{}}
	s.hook()
	for range rng.IntN(5) {
		s.create("a")
	}
	for range rng.IntN(5) {
		s.create("b")
	}
	// Some people exist on both sides from the start.
	for range rng.IntN(3) {
		e := s.freshEmail()
		s.put("a", e)
		s.put("b", e)
	}
	return s
}

// hook installs the fault, kill and observation hooks on both CRMs.
func (s *sim) hook() {
	for _, side := range []string{"a", "b"} {
		conn := s.conn(side)
		conn.SetFaults(memconn.Faults{
			Call: func(c memconn.CallInfo) (error, bool) {
				s.hookMu.Lock()
				defer s.hookMu.Unlock()
				s.calls++
				if s.killAt != 0 && s.calls == s.killAt {
					s.killAt = 0
					panic(killed{})
				}
				if s.cancelAt != 0 && s.calls == s.cancelAt && s.cancel != nil {
					s.cancelAt = 0
					s.cancel()
				}
				if !s.faulty || c.Kind == "schema" || s.rng.IntN(10) != 0 {
					return nil, false
				}
				switch s.rng.IntN(4) {
				case 0:
					return &connector.Error{Vendor: "mem", Endpoint: c.Kind, Status: 503, Category: connector.CatServer, Message: "unavailable"}, false
				case 1:
					return &connector.Error{Vendor: "mem", Endpoint: c.Kind, Category: connector.CatServer, Message: "timeout"}, true
				case 2:
					return &connector.Error{Vendor: "mem", Endpoint: c.Kind, Status: 429, Category: connector.CatRateLimit, Message: "slow down"}, false
				default:
					return nil, false
				}
			},
			Record: func(object string, op connector.Op) error {
				s.hookMu.Lock()
				defer s.hookMu.Unlock()
				if s.faulty && s.rng.IntN(8) == 0 {
					return &connector.RecordError{Vendor: "mem", Object: object, Category: connector.CatValidation, Code: "FLAKY", Message: "transient validation failure"}
				}
				return nil
			},
			Applied: func(object string, op connector.Op, res connector.Result) {
				s.hookMu.Lock()
				defer s.hookMu.Unlock()
				for f, v := range op.Fields {
					s.writes = append(s.writes, simWrite{side, res.ID, f, v})
				}
				if *simDebug {
					s.t.Logf("  call %d wrote %s %s %v", s.calls, side, res.ID, op.Fields)
				}
			},
		})
	}
}

func (s *sim) conn(side string) *memconn.Conn {
	if side == "a" {
		return s.f.a
	}
	return s.f.b
}

func obj(side string) string {
	if side == "a" {
		return objA
	}
	return objB
}

func fieldName(side string, f simField) string {
	if side == "a" {
		return f.a
	}
	return f.b
}

func emailField(side string) string {
	if side == "a" {
		return "email"
	}
	return "Email"
}

func (s *sim) freshEmail() string {
	s.emails++
	return fmt.Sprintf("u%d@example.com", s.emails)
}

func (s *sim) put(side, email string) string {
	fs := map[string]string{emailField(side): email}
	for _, f := range simFields {
		fs[fieldName(side, f)] = s.word()
	}
	fs[fieldName(side, simField{rolesA, rolesB})] = s.roles()
	id := s.conn(side).Put(obj(side), fs)
	s.owned[side+":"+id] = true
	return id
}

func (s *sim) word() string { return fmt.Sprintf("w%d", s.rng.IntN(1000)) }

// The multi-select's fields, outside simFields: its values compare as sets.
const rolesA, rolesB = "roles", "Roles__c"

// The opt-out's fields and B's opt-out value, outside simFields: only an
// opt-out is carried.
const optOutA, optOutB, optedOut = "optout", "Status", "unsubscribed"

// roles is a random selection in a random order, as a person ticks them.
func (s *sim) roles() string {
	var out []string
	for _, i := range s.rng.Perm(5) {
		if s.rng.IntN(3) == 0 {
			out = append(out, fmt.Sprintf("r%d", i))
		}
	}
	return strings.Join(out, ";")
}

func (s *sim) create(side string) {
	email := s.freshEmail()
	if other := s.conn(otherSideOf(side)).Live(obj(otherSideOf(side))); len(other) > 0 && s.rng.IntN(4) == 0 {
		email = other[s.rng.IntN(len(other))].Fields[emailField(otherSideOf(side))]
	}
	s.put(side, email)
}

func otherSideOf(side string) string {
	if side == "a" {
		return "b"
	}
	return "a"
}

// edit is one random user action on one side.
func (s *sim) edit(side string) {
	live := s.conn(side).Live(obj(side))
	if s.pending {
		// A create interrupted by a kill is recognized by its key on the
		// next run; people editing that brand-new record in between is out
		// of scope (a dedicated upsert key field makes it moot).
		linked := map[string]bool{}
		for _, l := range s.f.links() {
			linked["a:"+l.AID], linked["b:"+l.BID] = true, true
		}
		known := live[:0]
		for _, r := range live {
			if s.owned[side+":"+r.ID] || linked[side+":"+r.ID] {
				known = append(known, r)
			}
		}
		live = known
	}
	n := s.rng.IntN(20)
	if n < 5 || len(live) == 0 {
		s.create(side)
		return
	}
	r := live[s.rng.IntN(len(live))]
	s.touched(side, r.ID)
	switch {
	case n == 14:
		s.conn(side).Edit(obj(side), r.ID, map[string]string{fieldName(side, simField{rolesA, rolesB}): s.roles()})
	case n == 13:
		v := map[string]string{"a": "true", "b": optedOut}[side]
		if s.rng.IntN(4) == 0 {
			// The person opts back in: sync must not carry it, nor write
			// the other side's opt-out over it.
			v = map[string]string{"a": "false", "b": "subscribed"}[side]
			s.optedIn[side+":"+r.ID] = true
		}
		s.conn(side).Edit(obj(side), r.ID, map[string]string{fieldName(side, simField{optOutA, optOutB}): v})
	case n < 13:
		f := simFields[s.rng.IntN(len(simFields))]
		v := s.word()
		if f.a != "lastname" && s.rng.IntN(5) == 0 {
			v = "" // a blank; LastName is required on B, so never blank it
		}
		s.conn(side).Edit(obj(side), r.ID, map[string]string{fieldName(side, f): v})
	case n < 18:
		s.conn(side).Edit(obj(side), r.ID, map[string]string{emailField(side): s.freshEmail()})
	default:
		s.conn(side).Remove(obj(side), r.ID)
		s.deleted[side+":"+r.ID] = true
	}
}

// touched drops expectations about a record edited again.
func (s *sim) touched(side, id string) {
	kept := s.expect[:0]
	for _, e := range s.expect {
		if (side == "a" && e.a == id) || (side == "b" && e.b == id) {
			continue
		}
		kept = append(kept, e)
	}
	s.expect = kept
}

// concurrentEdit changes one field of a linked pair on both sides.
func (s *sim) concurrentEdit() {
	links := s.f.links()
	if len(links) == 0 {
		return
	}
	l := links[s.rng.IntN(len(links))]
	if s.f.a.Get(objA, l.AID) == nil || s.f.b.Get(objB, l.BID) == nil {
		return
	}
	s.touched("a", l.AID)
	s.touched("b", l.BID)
	if s.rng.IntN(4) == 0 {
		// Both sides edit the selection: merged, never a conflict, so
		// only convergence is checked.
		s.f.a.Edit(objA, l.AID, map[string]string{rolesA: s.roles()})
		s.f.b.Edit(objB, l.BID, map[string]string{rolesB: s.roles()})
		return
	}
	f := simFields[s.rng.IntN(len(simFields))]
	va, vb := "ca"+s.word(), "cb"+s.word()
	s.f.a.Edit(objA, l.AID, map[string]string{f.a: va})
	s.f.b.Edit(objB, l.BID, map[string]string{f.b: vb})
	want := va
	if s.f.def.Conflict != engine.ConflictPreferA {
		want = vb // prefer-b, or newer: B was edited last
	}
	s.expect = append(s.expect, expectation{a: l.AID, b: l.BID, field: f, want: want})
}

// runOnce plans and applies; a kill drops the engine and reopens the file.
func (s *sim) runOnce() (sum engine.RunSummary, clean bool) {
	s.runs++
	s.stat(func() { simStats.runs++ })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.cancel = cancel
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(killed); !ok {
				panic(r)
			}
			s.stat(func() { simStats.kills++ })
			if *simDebug {
				s.t.Logf("run %d killed", s.runs)
			}
			s.f.open() // a fresh engine on the same file; stale run cleared
			clean = false
		}
	}()
	a, b := s.f.sides()
	p, err := s.f.eng.Plan(ctx, s.f.syncID, s.f.def, a, b, engine.PlanOptions{})
	if err != nil {
		if *simDebug {
			s.t.Logf("run %d: plan: %v", s.runs, err)
		}
		return sum, false
	}
	if *simDebug {
		s.t.Logf("run %d plan (kill at %d, cancel at %d, calls %d, faulty %v): %s", s.runs, s.killAt, s.cancelAt, s.calls, s.faulty, p.Summary())
		for _, c := range p.Creates {
			s.t.Logf("  create on %s from %s key %s", c.Side, c.Source, c.Key)
		}
		for _, l := range p.Links {
			s.t.Logf("  link %+v", l)
		}
		defer func() { s.t.Logf("run %d: %+v", s.runs, sum) }()
	}
	sum, err = s.f.eng.Apply(ctx, p, engine.ApplyOptions{Confirm: true, Trigger: "schedule"})
	if err != nil {
		s.t.Fatalf("run %d: Apply: %v", s.runs, err)
	}
	if sum.Status == "success" && sum.Failed != 0 {
		s.t.Fatalf("run %d: success with %d failed records", s.runs, sum.Failed)
	}
	return sum, sum.Status == "success"
}

func (s *sim) play() {
	rounds := 2 + s.rng.IntN(3)
	for range rounds {
		s.pending = len(s.pendingJournals()) > 0
		for range s.rng.IntN(4) {
			s.edit("a")
		}
		for range s.rng.IntN(4) {
			s.edit("b")
		}
		if s.rng.IntN(3) == 0 {
			s.concurrentEdit()
		}
		s.faulty = s.rng.IntN(3) == 0
		switch s.rng.IntN(4) {
		case 0:
			s.killAt = s.calls + 1 + int64(s.rng.IntN(12))
		case 1:
			s.cancelAt = s.calls + 1 + int64(s.rng.IntN(12))
		}
		_, clean := s.runOnce()
		s.killAt, s.cancelAt = 0, 0
		if !clean && s.f.def.Conflict == engine.ConflictNewer {
			s.expect = nil // an interrupted run's own writes may make the other side newer
		}
		s.checkAlways()
		s.f.clock.Advance(time.Duration(1+s.rng.IntN(30)) * time.Minute)
	}
	s.quiesce()
}

// quiesce stops faults and edits, lets retries fall due, and runs until
// a plan is empty; then the invariants must all hold.
func (s *sim) quiesce() {
	s.faulty = false
	s.f.clock.Advance(48 * time.Hour)
	empty := false
	for i := 0; i < 8 && !empty; i++ {
		before := len(s.writes)
		sum, _ := s.runOnce()
		empty = len(s.writes) == before && sum.Created+sum.Updated+sum.Deleted == 0
		s.checkAlways()
		s.f.clock.Advance(48 * time.Hour)
	}
	if !empty {
		s.t.Fatalf("no quiescence after 8 runs")
	}
	before := len(s.writes)
	if sum, _ := s.runOnce(); sum.Created+sum.Updated != 0 || len(s.writes) != before {
		s.t.Fatalf("second of two consecutive runs wrote: %+v", sum)
	}
	s.checkConverged()
	s.checkAudit()
	var merged int
	if err := s.f.db.SQL().QueryRow("SELECT count(*) FROM audit WHERE rule = ?", engine.RuleMergeSet).Scan(&merged); err != nil {
		s.t.Fatal(err)
	}
	s.stat(func() { simStats.writes += len(s.writes); simStats.mergedSets += merged })
	if *simDebug {
		s.t.Logf("runs %d, writes %d, links %d, expectations %d, A %d B %d live", s.runs, len(s.writes), len(s.f.links()), len(s.expect), s.f.a.Count(objA), s.f.b.Count(objB))
	}
}
