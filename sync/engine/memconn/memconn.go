// Package memconn is an in-memory connector.Connector (with Upserter,
// Searcher and Deleter) for engine tests and the deterministic simulation:
// configurable batch and page sizes, a change cursor, vendor-style
// validation, and fault injection (failed calls, timeouts after the write
// happened, per-record failures, a spent budget).
package memconn

import (
	"context"
	"fmt"
	"iter"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// Compile-time checks of the optional capabilities.
var (
	_ connector.Connector = (*Conn)(nil)
	_ connector.Upserter  = (*Conn)(nil)
	_ connector.Searcher  = (*Conn)(nil)
	_ connector.Deleter   = (*Conn)(nil)
)

// Options configure a Conn.
type Options struct {
	Vendor    string // name in errors; default "memconn"
	IDPrefix  string // record ids are IDPrefix + a zero-padded counter
	BatchSize int    // ops per write call; default 100
	PageSize  int    // records per read page; default 100
	// UpsertKey is the field upserts match on ("" = the object has none).
	UpsertKey string
	Schemas   []connector.Schema
	Clock     func() time.Time // default time.Now
}

// CallInfo describes one API call, for fault hooks.
type CallInfo struct {
	N      int64  // calls so far, this one included
	Kind   string // read | write | upsert | lookup | delete | schema
	Object string
	Ops    []connector.Op
}

// Faults are hooks deciding failures; nil hooks inject nothing.
type Faults struct {
	// Call fails a whole call with the returned error. With applied=true
	// the call's writes happen first (a timeout after the vendor acted).
	Call func(c CallInfo) (err error, applied bool)
	// Record fails one op of a write with the returned error (use a
	// *connector.RecordError).
	Record func(object string, op connector.Op) error
	// Applied observes every op the backend carried out (tests audit it).
	Applied func(object string, op connector.Op, res connector.Result)
}

// Conn is an in-memory CRM account.
type Conn struct {
	mu     sync.Mutex
	opts   Options
	tables map[string]*table
	calls  int64
	faults Faults
}

type table struct {
	recs   map[string]*rec
	ver    int64
	nextID int
	// log lists every change in version order, so a read since a cursor is
	// a binary search (entries a later change superseded are skipped).
	log []change
	// byKey indexes live records by the upsert key's lowercased value.
	byKey map[string]map[string]*rec
}

type change struct {
	ver int64
	r   *rec
}

func (t *table) bump(r *rec) {
	t.ver++
	r.ver = t.ver
	t.log = append(t.log, change{t.ver, r})
}

type rec struct {
	id       string
	fields   map[string]string
	modified time.Time
	deleted  bool
	ver      int64
}

// New returns an empty in-memory account.
func New(opts Options) *Conn {
	if opts.Vendor == "" {
		opts.Vendor = "memconn"
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 100
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 100
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	return &Conn{opts: opts, tables: map[string]*table{}}
}

// SetFaults replaces the fault hooks.
func (c *Conn) SetFaults(f Faults) {
	c.mu.Lock()
	c.faults = f
	c.mu.Unlock()
}

// Calls returns the API calls served so far.
func (c *Conn) Calls() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// BatchSize and PageSize report the configured sizes.
func (c *Conn) BatchSize() int { return c.opts.BatchSize }
func (c *Conn) PageSize() int  { return c.opts.PageSize }

func (c *Conn) table(object string) *table {
	t := c.tables[object]
	if t == nil {
		t = &table{recs: map[string]*rec{}, byKey: map[string]map[string]*rec{}}
		c.tables[object] = t
	}
	return t
}

// call counts a call and asks the fault hook; c.mu must be held.
func (c *Conn) call(kind, object string, ops []connector.Op) (error, bool) {
	c.calls++
	if c.faults.Call == nil {
		return nil, false
	}
	return c.faults.Call(CallInfo{N: c.calls, Kind: kind, Object: object, Ops: ops})
}

func (c *Conn) schema(object string) (connector.Schema, bool) {
	for _, s := range c.opts.Schemas {
		if s.Object == object {
			return s, true
		}
	}
	return connector.Schema{}, false
}

// Schema returns the configured schema of object.
func (c *Conn) Schema(ctx context.Context, object string) (connector.Schema, error) {
	if err := ctx.Err(); err != nil {
		return connector.Schema{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err, _ := c.call("schema", object, nil); err != nil {
		return connector.Schema{}, err
	}
	s, ok := c.schema(object)
	if !ok {
		return s, &connector.Error{Vendor: c.opts.Vendor, Endpoint: "schema " + object, Status: 404, Category: connector.CatNotFound, Message: "unknown object " + object}
	}
	return s, nil
}

func parseCursor(cur connector.Cursor) int64 {
	n, _ := strconv.ParseInt(strings.TrimPrefix(string(cur), "v"), 10, 64)
	return n
}

// Read streams records changed after the cursor (deleted ones as
// tombstones), oldest change first, a page at a time.
func (c *Conn) Read(ctx context.Context, object string, since connector.Cursor) iter.Seq2[connector.Page, error] {
	return func(yield func(connector.Page, error) bool) {
		after := parseCursor(since)
		for {
			if err := ctx.Err(); err != nil {
				yield(connector.Page{}, err)
				return
			}
			page, last, more, err := c.readPage(object, after)
			if err != nil {
				yield(connector.Page{}, err)
				return
			}
			if !yield(page, nil) || !more {
				return
			}
			after = last
		}
	}
}

func (c *Conn) readPage(object string, after int64) (connector.Page, int64, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err, _ := c.call("read", object, nil); err != nil {
		return connector.Page{}, 0, false, err
	}
	t := c.table(object)
	var changed []*rec
	i := sort.Search(len(t.log), func(i int) bool { return t.log[i].ver > after })
	for ; i < len(t.log) && len(changed) <= c.opts.PageSize; i++ {
		if ch := t.log[i]; ch.r.ver == ch.ver {
			changed = append(changed, ch.r)
		}
	}
	more := len(changed) > c.opts.PageSize
	if more {
		changed = changed[:c.opts.PageSize]
	}
	last := after
	if len(changed) > 0 {
		last = changed[len(changed)-1].ver
	} else if t.ver > last {
		last = t.ver
	}
	p := connector.Page{Cursor: connector.Cursor("v" + strconv.FormatInt(last, 10))}
	s, _ := c.schema(object)
	for _, r := range changed {
		p.Records = append(p.Records, r.record(s))
	}
	return p, last, more, nil
}

// record copies r; like a vendor's API it returns every schema field,
// blank when never set.
func (r *rec) record(s connector.Schema) connector.Record {
	f := make(map[string]string, len(r.fields)+len(s.Fields))
	for _, sf := range s.Fields {
		f[sf.Name] = ""
	}
	for k, v := range r.fields {
		f[k] = v
	}
	return connector.Record{ID: r.id, Fields: f, Modified: r.modified, Deleted: r.deleted}
}

// Write applies ops in calls of BatchSize; one Result per op, in order.
func (c *Conn) Write(ctx context.Context, object string, ops []connector.Op) ([]connector.Result, error) {
	return c.batches(ctx, "write", object, "", ops)
}

// UpsertKey names the configured upsert key field.
func (c *Conn) UpsertKey(ctx context.Context, object string) (string, error) {
	return c.opts.UpsertKey, ctx.Err()
}

// Upsert creates or updates by keyField.
func (c *Conn) Upsert(ctx context.Context, object, keyField string, ops []connector.Op) ([]connector.Result, error) {
	if keyField == "" {
		return nil, fmt.Errorf("%s: upsert needs a key field", c.opts.Vendor)
	}
	return c.batches(ctx, "upsert", object, keyField, ops)
}

func (c *Conn) batches(ctx context.Context, kind, object, key string, ops []connector.Op) ([]connector.Result, error) {
	out := make([]connector.Result, 0, len(ops))
	for i := 0; i < len(ops); i += c.opts.BatchSize {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res, err := c.batch(kind, object, key, ops[i:min(i+c.opts.BatchSize, len(ops))])
		if err != nil {
			return nil, err
		}
		out = append(out, res...)
	}
	return out, nil
}

func (c *Conn) batch(kind, object, key string, ops []connector.Op) ([]connector.Result, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	err, applied := c.call(kind, object, ops)
	if err != nil && !applied {
		return nil, err
	}
	res := make([]connector.Result, len(ops))
	for i, op := range ops {
		res[i] = c.apply(object, key, op)
		if res[i].Err == nil && c.faults.Applied != nil {
			c.faults.Applied(object, op, res[i])
		}
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (c *Conn) apply(object, key string, op connector.Op) connector.Result {
	if c.faults.Record != nil {
		if err := c.faults.Record(object, op); err != nil {
			return connector.Result{Err: err}
		}
	}
	t := c.table(object)
	switch op.Kind {
	case connector.OpUpdate:
		r := t.recs[op.ID]
		if r == nil || r.deleted {
			return connector.Result{Err: c.recErr(object, op.ID, connector.CatNotFound, "", "NOT_FOUND", "record "+op.ID+" does not exist")}
		}
		if err := c.validate(object, op.ID, op.Fields, false); err != nil {
			return connector.Result{Err: err}
		}
		c.set(t, r, op.Fields)
		return connector.Result{ID: r.id}
	case connector.OpUpsert:
		if key == "" || op.Fields[key] == "" {
			return connector.Result{Err: c.recErr(object, "", connector.CatValidation, key, "MISSING_KEY", "upsert key "+key+" is blank")}
		}
		if r := c.find(t, key, op.Fields[key]); r != nil {
			if err := c.validate(object, r.id, op.Fields, false); err != nil {
				return connector.Result{Err: err}
			}
			c.set(t, r, op.Fields)
			return connector.Result{ID: r.id}
		}
		fallthrough
	case connector.OpCreate:
		if err := c.validate(object, "", op.Fields, true); err != nil {
			return connector.Result{Err: err}
		}
		id := c.create(t, op.Fields)
		return connector.Result{ID: id, Created: true}
	}
	return connector.Result{Err: c.recErr(object, op.ID, connector.CatValidation, "", "BAD_OP", fmt.Sprintf("unknown op kind %d", op.Kind))}
}

func (c *Conn) recErr(object, id string, cat connector.Category, field, code, msg string) error {
	return &connector.RecordError{Vendor: c.opts.Vendor, Object: object, RecordID: id, Category: cat, Field: field, Code: code, Message: msg}
}

// validate rejects what a vendor would: unknown or read-only fields, bad
// emails, picklist values not allowed, values too long, required blanks.
func (c *Conn) validate(object, id string, fields map[string]string, create bool) error {
	s, ok := c.schema(object)
	if !ok {
		return nil
	}
	for _, name := range sortedKeys(fields) {
		v := fields[name]
		f, ok := s.Field(name)
		switch {
		case !ok:
			return c.recErr(object, id, connector.CatValidation, name, "UNKNOWN_FIELD", "no such field: "+name)
		case f.ReadOnly:
			return c.recErr(object, id, connector.CatValidation, name, "READ_ONLY", name+" is read-only")
		case f.MaxLen > 0 && len([]rune(v)) > f.MaxLen:
			return c.recErr(object, id, connector.CatValidation, name, "STRING_TOO_LONG", fmt.Sprintf("%s is longer than %d characters", name, f.MaxLen))
		case f.Type == connector.TypeEmail && v != "" && !validEmail(v):
			return c.recErr(object, id, connector.CatValidation, name, "INVALID_EMAIL", "Email address "+v+" is invalid")
		case f.Type == connector.TypeEnum && v != "" && len(f.Options) > 0 && !hasOption(f.Options, v):
			return c.recErr(object, id, connector.CatValidation, name, "INVALID_OPTION", fmt.Sprintf("%q is not a valid option for %s", v, name))
		}
	}
	if create {
		for _, f := range s.Fields {
			if f.Required && strings.TrimSpace(fields[f.Name]) == "" {
				return c.recErr(object, id, connector.CatValidation, f.Name, "REQUIRED_FIELD_MISSING", "Required field is missing: "+f.Name)
			}
		}
	}
	return nil
}

func validEmail(v string) bool {
	a, err := mail.ParseAddress(v)
	return err == nil && a.Address == v && strings.Contains(v, ".")
}

func hasOption(os []connector.Option, v string) bool {
	for _, o := range os {
		if o.Value == v {
			return true
		}
	}
	return false
}

func (c *Conn) find(t *table, field, value string) *rec {
	var hit *rec
	if field == c.opts.UpsertKey {
		for _, r := range t.byKey[strings.ToLower(value)] {
			if !r.deleted && (hit == nil || r.id < hit.id) {
				hit = r
			}
		}
		return hit
	}
	for _, r := range t.recs {
		if !r.deleted && strings.EqualFold(r.fields[field], value) && (hit == nil || r.id < hit.id) {
			hit = r
		}
	}
	return hit
}

// reindex keeps byKey in step with a record's upsert key value.
func (c *Conn) reindex(t *table, r *rec, old string) {
	if c.opts.UpsertKey == "" {
		return
	}
	if old != "" {
		delete(t.byKey[strings.ToLower(old)], r.id)
	}
	if v := r.fields[c.opts.UpsertKey]; v != "" && !r.deleted {
		k := strings.ToLower(v)
		if t.byKey[k] == nil {
			t.byKey[k] = map[string]*rec{}
		}
		t.byKey[k][r.id] = r
	}
}

func (c *Conn) create(t *table, fields map[string]string) string {
	t.nextID++
	r := &rec{id: fmt.Sprintf("%s%06d", c.opts.IDPrefix, t.nextID), fields: map[string]string{}}
	t.recs[r.id] = r
	c.set(t, r, fields)
	return r.id
}

func (c *Conn) set(t *table, r *rec, fields map[string]string) {
	old := r.fields[c.opts.UpsertKey]
	for k, v := range fields {
		r.fields[k] = v
	}
	c.reindex(t, r, old)
	t.bump(r)
	r.modified = c.opts.Clock()
}

// Lookup finds live records whose field equals one of values (case-insensitive).
func (c *Conn) Lookup(ctx context.Context, object, field string, values []string) ([]connector.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err, _ := c.call("lookup", object, nil); err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, v := range values {
		want[strings.ToLower(v)] = true
	}
	var out []connector.Record
	s, _ := c.schema(object)
	for _, id := range sortedKeys(c.table(object).recs) {
		r := c.table(object).recs[id]
		if !r.deleted && r.fields[field] != "" && want[strings.ToLower(r.fields[field])] {
			out = append(out, r.record(s))
		}
	}
	return out, nil
}

// Delete archives records by id.
func (c *Conn) Delete(ctx context.Context, object string, ids []string) ([]connector.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err, applied := c.call("delete", object, nil); err != nil && !applied {
		return nil, err
	}
	t := c.table(object)
	out := make([]connector.Result, len(ids))
	for i, id := range ids {
		r := t.recs[id]
		if r == nil || r.deleted {
			out[i] = connector.Result{Err: c.recErr(object, id, connector.CatNotFound, "", "NOT_FOUND", "record "+id+" does not exist")}
			continue
		}
		r.deleted = true
		c.reindex(t, r, r.fields[c.opts.UpsertKey])
		t.bump(r)
		r.modified = c.opts.Clock()
		out[i] = connector.Result{ID: id}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
