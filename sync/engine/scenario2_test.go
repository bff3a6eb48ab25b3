package engine_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/engine/memconn"
)

func TestUndoRun(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	a, b := linkedPair(t, f)
	f.a.Edit(objA, a, map[string]string{"firstname": "Augusta", "lastname": "King"})
	_, sum := f.run()
	if f.b.Get(objB, b)["FirstName"] != "Augusta" {
		t.Fatal("setup: run did not write")
	}
	// Someone edits LastName on B after the run: undo must not clobber it.
	f.b.Edit(objB, b, map[string]string{"LastName": "Byron"})
	sa, sb := f.sides()
	up, err := f.eng.Undo(f.ctx, f.syncID, sum.RunID, f.def, sa, sb, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if up.UndoOf != sum.RunID || len(up.Updates) != 1 || len(up.Updates[0].Changes) != 1 || up.Updates[0].Changes[0].New != "Ada" {
		t.Fatalf("undo plan:\n%s\n%+v", up.Summary(), up.Updates)
	}
	if len(up.Review) != 1 || up.Review[0].Kind != "conflict" || up.Review[0].Field != "LastName" {
		t.Fatalf("undo review: %+v", up.Review)
	}
	usum, err := f.eng.Apply(f.ctx, up, engine.ApplyOptions{Confirm: true})
	if err != nil || usum.Status != "success" {
		t.Fatalf("undo apply: %+v %v", usum, err)
	}
	if got := f.b.Get(objB, b); got["FirstName"] != "Ada" || got["LastName"] != "Byron" {
		t.Fatalf("after undo B = %v", got)
	}
	run, _ := f.db.Run(f.ctx, usum.RunID)
	if run.Trigger != "undo" || run.UndoOf != sum.RunID {
		t.Fatalf("undo run row %+v", run)
	}
	audit, _ := f.db.Audit(f.ctx, usum.RunID)
	if len(audit) != 1 || audit[0].Rule != "undo" || audit[0].Old != "Augusta" || audit[0].New != "Ada" {
		t.Fatalf("undo audit %+v", audit)
	}
}

func TestRetryQueueWithBackoff(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	f.a.Put(objA, person("good@example.com", "Good", "One"))
	bad := f.a.Put(objA, person("bad@example.com", "Bad", "Two"))
	f.b.SetFaults(memconn.Faults{Record: func(object string, op connector.Op) error {
		if op.Fields["Email"] == "bad@example.com" {
			return &connector.RecordError{Vendor: "salesforce-mem", Object: object, Category: connector.CatValidation, Field: "LastName", Code: "FIELD_CUSTOM_VALIDATION_EXCEPTION", Message: "Last name Two is reserved"}
		}
		return nil
	}})
	_, sum := f.run()
	if sum.Status != "partial" || sum.Failed != 1 || sum.Created != 1 {
		t.Fatalf("run %+v, want partial with 1 failed", sum)
	}
	errs, _ := f.db.RunErrors(f.ctx, sum.RunID)
	if len(errs) != 1 || errs[0].Category != "validation" || errs[0].Field != "LastName" || errs[0].Message != "Last name Two is reserved" {
		t.Fatalf("run errors %+v", errs)
	}
	q, _ := f.db.Retries(f.ctx, f.syncID, false, time.Time{})
	if len(q) != 1 || q[0].RecordID != bad || q[0].Side != "b" {
		t.Fatalf("retry queue %+v", q)
	}
	// Not due yet: nothing is written.
	p, _ := f.run()
	if !p.Empty() {
		t.Fatalf("retry before back-off:\n%s", p.Summary())
	}
	f.b.SetFaults(memconn.Faults{})
	f.clock.Advance(3 * time.Minute)
	_, sum3 := f.run()
	if sum3.Created != 1 || sum3.Status != "success" {
		t.Fatalf("retry run %+v", sum3)
	}
	if q, _ := f.db.Retries(f.ctx, f.syncID, false, time.Time{}); len(q) != 0 {
		t.Fatalf("retry queue not cleared: %+v", q)
	}
}

func TestFailingBatchIsSplit(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{batch: 8})
	for i := range 8 {
		f.a.Put(objA, person(emailN(i), "P", fmt.Sprint(i)))
	}
	f.b.SetFaults(memconn.Faults{Call: func(c memconn.CallInfo) (error, bool) {
		if (c.Kind == "write" || c.Kind == "upsert") && len(c.Ops) > 1 {
			return &connector.Error{Vendor: "salesforce-mem", Endpoint: "composite", Status: 500, Category: connector.CatServer, Message: "internal"}, false
		}
		return nil, false
	}})
	_, sum := f.run()
	if sum.Created != 8 || sum.Status != "success" || f.b.Count(objB) != 8 {
		t.Fatalf("split run %+v, B has %d", sum, f.b.Count(objB))
	}
}

func TestTimeoutAfterCreateDoesNotDuplicate(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{batch: 4})
	for i := range 4 {
		f.a.Put(objA, person(emailN(i), "P", fmt.Sprint(i)))
	}
	n := 0
	f.b.SetFaults(memconn.Faults{Call: func(c memconn.CallInfo) (error, bool) {
		if c.Kind == "write" && n == 0 {
			n++
			return &connector.Error{Vendor: "salesforce-mem", Endpoint: "composite", Category: connector.CatServer, Message: "timeout"}, true
		}
		return nil, false
	}})
	_, sum := f.run()
	if f.b.Count(objB) != 4 || sum.Created != 4 || len(f.links()) != 4 {
		t.Fatalf("after a timeout: B has %d, run %+v, links %d", f.b.Count(objB), sum, len(f.links()))
	}
}

func TestAuthErrorStopsRun(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{batch: 2})
	for i := range 5 {
		f.a.Put(objA, person(emailN(i), "P", "Q"))
	}
	f.b.SetFaults(memconn.Faults{Call: func(c memconn.CallInfo) (error, bool) {
		if c.Kind == "write" {
			return &connector.Error{Vendor: "salesforce-mem", Endpoint: "composite", Status: 401, Category: connector.CatAuth, Code: "INVALID_SESSION_ID", Message: "Session expired or invalid"}, false
		}
		return nil, false
	}})
	_, sum := f.run()
	if sum.Status != "failed" || !strings.Contains(sum.Message, "Session expired") {
		t.Fatalf("run %+v, want failed naming the vendor's message", sum)
	}
	if n := f.b.Count(objB); n != 0 {
		t.Fatalf("B has %d records", n)
	}
	// Fixed credentials: the next run does everything once.
	f.b.SetFaults(memconn.Faults{})
	_, sum2 := f.run()
	if sum2.Created != 5 || f.b.Count(objB) != 5 {
		t.Fatalf("after reconnect %+v", sum2)
	}
}

// A crash between "the CRM created it" and "we stored the link": the next
// run reconciles the journal by key and creates nothing twice.
func TestCrashBetweenCreateAndLink(t *testing.T) {
	for _, upsertKey := range []string{"", "Crmsync_Key__c"} {
		t.Run("upsert="+upsertKey, func(t *testing.T) {
			f := newFixture(t, baseDefinition(), fixtureOpts{batch: 3, upsertB: upsertKey})
			for i := range 5 {
				f.a.Put(objA, person(emailN(i), "P", fmt.Sprint(i)))
			}
			ctx, cancel := context.WithCancel(f.ctx)
			f.b.SetFaults(memconn.Faults{Call: func(c memconn.CallInfo) (error, bool) {
				if c.Kind == "write" || c.Kind == "upsert" {
					cancel() // the process dies right after the CRM acted
					return context.Canceled, true
				}
				return nil, false
			}})
			sa, sb := f.sides()
			p, err := f.eng.Plan(ctx, f.syncID, f.def, sa, sb, engine.PlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			sum, _ := f.eng.Apply(ctx, p, engine.ApplyOptions{Confirm: true})
			if sum.Status != "cancelled" || f.b.Count(objB) != 3 || len(f.links()) != 0 {
				t.Fatalf("crash setup: %+v, B has %d, links %d", sum, f.b.Count(objB), len(f.links()))
			}
			f.b.SetFaults(memconn.Faults{})
			f.open() // a fresh engine on the same file
			_, sum2 := f.run()
			if f.b.Count(objB) != 5 || len(f.links()) != 5 || sum2.Created != 2 {
				t.Fatalf("after restart: B has %d, links %d, run %+v", f.b.Count(objB), len(f.links()), sum2)
			}
			if p, _ := f.run(); !p.Empty() {
				t.Fatalf("not quiescent:\n%s", p.Summary())
			}
		})
	}
}

// crashOnFirstWriteToB plans and applies a run that dies at its first
// write call to B, once B has carried the call out.
func (f *fixture) crashOnFirstWriteToB() engine.RunSummary {
	f.t.Helper()
	ctx, cancel := context.WithCancel(f.ctx)
	f.b.SetFaults(memconn.Faults{Call: func(c memconn.CallInfo) (error, bool) {
		if c.Kind == "write" {
			cancel()
			return context.Canceled, true
		}
		return nil, false
	}})
	sa, sb := f.sides()
	p, err := f.eng.Plan(ctx, f.syncID, f.def, sa, sb, engine.PlanOptions{})
	if err != nil {
		f.t.Fatal(err)
	}
	sum, _ := f.eng.Apply(ctx, p, engine.ApplyOptions{Confirm: true})
	return sum
}

// A crash between create and link on a side whose vendor cannot look the
// batch up (connector.ErrNoLookup): the next run does not stop on the
// journal for good; it warns, and the records the batch created are read
// back and linked by key, so nothing is created twice.
func TestCrashWithoutLookupMatchesByKey(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{batch: 3})
	for i := range 5 {
		f.a.Put(objA, person(emailN(i), "P", fmt.Sprint(i)))
	}
	if sum := f.crashOnFirstWriteToB(); sum.Status != "cancelled" || f.b.Count(objB) != 3 {
		t.Fatalf("crash setup: %+v, B has %d", sum, f.b.Count(objB))
	}
	f.b.SetFaults(memconn.Faults{Call: func(c memconn.CallInfo) (error, bool) {
		if c.Kind == "lookup" {
			return fmt.Errorf("memconn: lookup: %w", connector.ErrNoLookup), true
		}
		return nil, false
	}})
	f.open()
	p2, sum2 := f.run()
	if !slices.ContainsFunc(p2.Warnings, func(w string) bool { return strings.Contains(w, "cannot be looked up") }) {
		t.Fatalf("no warning about the interrupted batch: %v", p2.Warnings)
	}
	if f.b.Count(objB) != 5 || len(f.links()) != 5 || sum2.Created != 2 {
		t.Fatalf("after restart: B has %d, links %d, run %+v", f.b.Count(objB), len(f.links()), sum2)
	}
}

func TestRunLockAndStaleRecovery(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	f.a.Put(objA, person("x@example.com", "X", "Y"))
	if _, err := f.db.OpenRun(f.ctx, f.syncID, "schedule", 0); err != nil {
		t.Fatal(err)
	}
	p := f.plan()
	if _, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{Confirm: true}); !errors.Is(err, engine.ErrAlreadyRunning) {
		t.Fatalf("second open run: %v, want ErrAlreadyRunning", err)
	}
	f.open() // start-up clears the stale run
	runs, _ := f.db.Runs(f.ctx, f.syncID, 0)
	if runs[0].Status != "failed" || runs[0].Message != "interrupted (crash or kill)" {
		t.Fatalf("stale run %+v", runs[0])
	}
	if _, sum := f.run(); sum.Status != "success" || sum.Created != 1 {
		t.Fatalf("run after recovery %+v", sum)
	}
}

func TestCancelledRunKeepsCommitted(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{batch: 2})
	for i := range 6 {
		f.a.Put(objA, person(emailN(i), "P", "Q"))
	}
	ctx, cancel := context.WithCancel(f.ctx)
	sa, sb := f.sides()
	p, err := f.eng.Plan(ctx, f.syncID, f.def, sa, sb, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := f.eng.Apply(ctx, p, engine.ApplyOptions{Confirm: true, Progress: func(pr engine.Progress) {
		if pr.Phase == "create b" && pr.Done >= 2 {
			cancel()
		}
	}})
	if err != nil || sum.Status != "cancelled" || sum.Created != 2 || len(f.links()) != 2 {
		t.Fatalf("cancelled run %+v err %v links %d", sum, err, len(f.links()))
	}
	_, sum2 := f.run()
	if sum2.Created != 4 || f.b.Count(objB) != 6 {
		t.Fatalf("resume %+v, B has %d", sum2, f.b.Count(objB))
	}
}

// badConn returns malformed records alongside the real ones.
type badConn struct {
	*memconn.Conn
	extra []connector.Record
}

func (c badConn) Read(ctx context.Context, object string, since connector.Cursor) iter.Seq2[connector.Page, error] {
	return func(yield func(connector.Page, error) bool) {
		first := true
		for p, err := range c.Conn.Read(ctx, object, since) {
			if first && err == nil && since == "" {
				p.Records = append(p.Records, c.extra...)
				first = false
			}
			if !yield(p, err) {
				return
			}
		}
	}
}

func TestBadInputGoesToReview(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	f.a.Put(objA, person("dup@example.com", "One", "Dup"))
	f.a.Put(objA, person("DUP@example.com", "Two", "Dup"))
	good := f.a.Put(objA, person("fine@example.com", "Fine", "Person"))
	bc := badConn{Conn: f.a, extra: []connector.Record{
		{ID: "", Fields: person("noid@example.com", "No", "Id")},
		{ID: "bad-utf8", Fields: person("u@example.com", "\xff\xfe", "X")},
		{ID: "huge", Fields: person("h@example.com", strings.Repeat("x", 200_000), "X")},
		{ID: "odd", Fields: person("odd@example.com", "Zoë 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u200b", "Ünïcödé")},
	}}
	sa, sb := f.sides()
	sa.Conn = bc
	p, err := f.eng.Plan(f.ctx, f.syncID, f.def, sa, sb, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range p.Review {
		kinds[r.Kind]++
	}
	if kinds["ambiguous"] != 2 || kinds["rejected"] != 2 {
		t.Fatalf("review %+v", p.Review)
	}
	if len(p.Warnings) == 0 || !strings.Contains(strings.Join(p.Warnings, " "), "without an id") {
		t.Fatalf("warnings %v", p.Warnings)
	}
	if _, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if f.b.Count(objB) != 2 || f.linkedB(good) == "" || f.linkedB("odd") == "" {
		t.Fatalf("B has %d records; links %+v", f.b.Count(objB), f.links())
	}
	if got := f.b.Get(objB, f.linkedB("odd"))["FirstName"]; got != "Zoë 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u200b" {
		t.Fatalf("odd unicode changed: %q", got)
	}
}

func TestPlanIsDeterministic(t *testing.T) {
	build := func() string {
		f := newFixture(t, baseDefinition(), fixtureOpts{})
		for i := range 30 {
			f.a.Put(objA, person(emailN(i), "A", fmt.Sprint(i)))
			if i%3 == 0 {
				f.b.Put(objB, personB(emailN(i), "B", fmt.Sprint(i)))
			}
			if i%5 == 0 {
				f.b.Put(objB, personB(emailN(100+i), "B", fmt.Sprint(i)))
			}
		}
		p := f.plan()
		js, err := p.JSON()
		if err != nil {
			t.Fatal(err)
		}
		return string(js)
	}
	if x, y := build(), build(); x != y {
		t.Fatalf("plans differ:\n%s\n----\n%s", x, y)
	}
}

func TestDefinitionValidation(t *testing.T) {
	def := baseDefinition()
	def.Fields = append(def.Fields, mappingField("nosuch", "FirstName"))
	def.Conflict = "coin-flip"
	def.Match = append(def.Match, engine.MatchRule{A: "phone", B: "Mobile", Normalize: "soundex"})
	def.Fields = def.Fields[1:] // LastName still mapped; drop email
	ps := def.Validate(schemaA(), schemaB())
	all := ""
	for _, p := range ps {
		all += p.Error() + "\n"
	}
	for _, want := range []string{"nosuch", "coin-flip", "Mobile", "soundex"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems do not name %q:\n%s", want, all)
		}
	}
	def2 := baseDefinition()
	def2.Fields = def2.Fields[:2] // LastName (required on B) not mapped
	ps2 := def2.Validate(schemaA(), schemaB())
	if len(ps2) == 0 || !strings.Contains(fmt.Sprint(ps2), "LastName") {
		t.Fatalf("create into B without its required LastName: %v", ps2)
	}
	if ps := baseDefinition().Validate(schemaA(), schemaB()); len(ps) != 0 {
		t.Fatalf("valid definition: %v", ps)
	}
}

var _ = store.ErrNotFound

// A crash between create and link on a side the sync writes no match key
// to: the interrupted batch has no keys to look up, even though the
// connector could, so the next run holds those creates in Review (they
// may be there already) and says so rather than stay silent or create
// them twice. (It warned "check for duplicates" and created them again.)
func TestCrashWithoutKeysWarns(t *testing.T) {
	f := keylessCrash(t)
	p2, _ := f.run()
	if !slices.ContainsFunc(p2.Warnings, func(w string) bool { return strings.Contains(w, "cannot be looked up there: held in Review") }) {
		t.Fatalf("no warning about the interrupted batch without keys: %v", p2.Warnings)
	}
}
