package engine_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/engine/memconn"
	"github.com/crmsync/crmsync/sync/mapping"
)

// The engine's Store is implemented by the real store.
var _ engine.Store = (*store.DB)(nil)

const (
	objA = "contacts"
	objB = "Contact"
)

// clock is a manual clock shared by the engine, the store and both CRMs.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond) // strictly increasing modified times
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func schemaA() connector.Schema {
	return connector.Schema{Object: objA, Fields: []connector.Field{
		{Name: "email", Type: connector.TypeEmail, Unique: true},
		{Name: "firstname", Type: connector.TypeString},
		{Name: "lastname", Type: connector.TypeString},
		{Name: "phone", Type: connector.TypeString},
		{Name: "stage", Type: connector.TypeString},
		{Name: "roles", Type: connector.TypeMulti, Options: simRoleOptions()},
		{Name: "optout", Type: connector.TypeBool},
	}}
}

// simRoleOptions are the options of both sides' multi-select.
func simRoleOptions() []connector.Option {
	var out []connector.Option
	for _, v := range []string{"r0", "r1", "r2", "r3", "r4"} {
		out = append(out, connector.Option{Value: v})
	}
	return out
}

func schemaB() connector.Schema {
	return connector.Schema{Object: objB, Fields: []connector.Field{
		{Name: "Email", Type: connector.TypeEmail},
		{Name: "FirstName", Type: connector.TypeString},
		{Name: "LastName", Type: connector.TypeString, Required: true},
		{Name: "Phone", Type: connector.TypeString},
		{Name: "Crmsync_Key__c", Type: connector.TypeString, Unique: true},
		{Name: "Stage", Type: connector.TypeEnum, Options: []connector.Option{{Value: "Lead"}, {Value: "Customer"}}},
		{Name: "Roles__c", Type: connector.TypeMulti, Options: simRoleOptions()},
		{Name: "Status", Type: connector.TypeEnum, Options: []connector.Option{{Value: "subscribed"}, {Value: "unsubscribed"}, {Value: "transactional"}}},
	}}
}

func baseDefinition() engine.Definition {
	return engine.Definition{
		Name:      "contacts",
		A:         engine.SideDef{Connection: "hubspot", Object: objA},
		B:         engine.SideDef{Connection: "salesforce", Object: objB},
		Direction: mapping.TwoWay,
		Fields: []mapping.Field{
			{A: "email", B: "Email"},
			{A: "firstname", B: "FirstName"},
			{A: "lastname", B: "LastName"},
			{A: "phone", B: "Phone", Rule: mapping.UnlessBlank},
		},
		Match:     []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Unmatched: engine.UnmatchedCreate,
		Conflict:  engine.ConflictPreferA,
	}
}

type fixture struct {
	t      *testing.T
	ctx    context.Context
	path   string
	db     *store.DB
	eng    *engine.Engine
	a, b   *memconn.Conn
	clock  *clock
	syncID int64
	def    engine.Definition
	// oneSide makes the engine read and write one side after the other.
	oneSide bool
	// mayRefuseB: see fixtureOpts.
	mayRefuseB func() (bool, error)
}

type fixtureOpts struct {
	batch, page int
	upsertB     string // upsert key of side B ("" = B is not an upserter... it still implements the interface)
	oneSide     bool   // engine.Options.OneSideAtATime
	// mayRefuseB, when set, makes side B a connector.DuplicateChecker
	// answering with it.
	mayRefuseB func() (bool, error)
}

func newFixture(t *testing.T, def engine.Definition, o fixtureOpts) *fixture {
	t.Helper()
	if o.batch == 0 {
		o.batch = 10
	}
	if o.page == 0 {
		o.page = 7
	}
	f := &fixture{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), store.FileName), clock: newClock(), def: def, oneSide: o.oneSide, mayRefuseB: o.mayRefuseB}
	f.a = memconn.New(memconn.Options{Vendor: "hubspot-mem", IDPrefix: "a", BatchSize: o.batch, PageSize: o.page, UpsertKey: "email", Schemas: []connector.Schema{schemaA()}, Clock: f.clock.Now})
	f.b = memconn.New(memconn.Options{Vendor: "salesforce-mem", IDPrefix: "b", BatchSize: o.batch, PageSize: o.page, UpsertKey: o.upsertB, Schemas: []connector.Schema{schemaB()}, Clock: f.clock.Now})
	f.open()
	js, _ := json.Marshal(def)
	id, err := f.db.SaveSync(f.ctx, def.Name, string(js))
	if err != nil {
		t.Fatal(err)
	}
	f.syncID = id
	return f
}

// open opens (or reopens, like a restarted app) the store and a fresh engine.
func (f *fixture) open() {
	f.t.Helper()
	if f.db != nil {
		f.db.Close()
	}
	db, err := store.Open(f.ctx, f.path)
	if err != nil {
		f.t.Fatal(err)
	}
	db.SetClock(f.clock.Now)
	f.t.Cleanup(func() { db.Close() })
	f.db = db
	f.eng = engine.New(db, engine.Options{Now: f.clock.Now, OneSideAtATime: f.oneSide})
	if _, err := f.eng.RecoverStaleRuns(f.ctx); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) sides() (engine.Side, engine.Side) {
	var b connector.Connector = f.b
	if f.mayRefuseB != nil {
		b = dupChecker{f.b, f.mayRefuseB}
	}
	return engine.Side{Conn: f.a, Object: objA, BatchSize: f.a.BatchSize(), PageSize: f.a.PageSize(), Calls: f.a.Calls},
		engine.Side{Conn: b, Object: objB, BatchSize: f.b.BatchSize(), PageSize: f.b.PageSize(), Calls: f.b.Calls}
}

// dupChecker is a memconn.Conn that says whether it may refuse creates
// as duplicates (connector.DuplicateChecker).
type dupChecker struct {
	*memconn.Conn
	may func() (bool, error)
}

func (d dupChecker) MayRefuseDuplicates(context.Context, string) (bool, error) { return d.may() }

func (f *fixture) plan() *engine.Plan {
	f.t.Helper()
	a, b := f.sides()
	p, err := f.eng.Plan(f.ctx, f.syncID, f.def, a, b, engine.PlanOptions{})
	if err != nil {
		f.t.Fatalf("Plan: %v", err)
	}
	return p
}

// run plans and applies (confirming), failing the test on an error.
func (f *fixture) run() (*engine.Plan, engine.RunSummary) {
	f.t.Helper()
	p := f.plan()
	sum, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{Confirm: true, Trigger: "manual"})
	if err != nil {
		f.t.Fatalf("Apply: %v\nplan: %s", err, p.Summary())
	}
	return p, sum
}

func (f *fixture) links() []store.LinkRow {
	f.t.Helper()
	ls, err := f.db.Links(f.ctx, f.syncID)
	if err != nil {
		f.t.Fatal(err)
	}
	return ls
}

func (f *fixture) reviews(kind string) []store.ReviewRow {
	f.t.Helper()
	rs, err := f.db.Reviews(f.ctx, f.syncID, kind, "open")
	if err != nil {
		f.t.Fatal(err)
	}
	return rs
}

func person(email, first, last string) map[string]string {
	return map[string]string{"email": email, "firstname": first, "lastname": last}
}

func personB(email, first, last string) map[string]string {
	return map[string]string{"Email": email, "FirstName": first, "LastName": last}
}

func (f *fixture) linkedB(aID string) string {
	for _, l := range f.links() {
		if l.AID == aID {
			return l.BID
		}
	}
	return ""
}

func (f *fixture) linkedA(bID string) string {
	for _, l := range f.links() {
		if l.BID == bID {
			return l.AID
		}
	}
	return ""
}
