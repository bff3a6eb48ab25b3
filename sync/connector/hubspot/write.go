package hubspot

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/jsonscan"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// input is SimplePublicObjectBatchInput(ForCreate|Upsert). Property values
// are always strings, as the spec types them.
type input struct {
	ID                 string            `json:"id,omitempty"`
	IDProperty         string            `json:"idProperty,omitempty"`
	ObjectWriteTraceID string            `json:"objectWriteTraceId,omitempty"`
	Properties         map[string]string `json:"properties"`
	// Associations is required (possibly empty) on create inputs.
	Associations *[]createAssoc `json:"associations,omitempty"`
}

// pending is one op on its way to a batch call, with its index in the
// caller's ops.
type pending struct {
	idx int
	in  input
	// company is the record's primary company to set once it is written
	// (see refAssoc); it never travels in the properties.
	ref string
	// optOut is what the op asks of a contact's hs_email_optout (see
	// optout.go), which never travels in the properties either;
	// optOutAsked is true when the op named it, blank aside. email is the
	// address to unsubscribe, when emailKnown.
	optOut      optOutAsk
	optOutAsked bool
	email       string
	emailKnown  bool
	// stageWas is the lifecycle stage the plan read in the record an
	// update changes (Op.Was), "" when unknown (lifecycle.go).
	stageWas string
}

type batchKind string

const (
	kindCreate batchKind = "create"
	kindUpdate batchKind = "update"
	kindUpsert batchKind = "upsert"
)

// Write applies ops through batch/create, batch/update and batch/upsert,
// 100 inputs per call, and returns one Result per op, in order.
func (c *Connector) Write(ctx context.Context, object string, ops []connector.Op) ([]connector.Result, error) {
	results := make([]connector.Result, len(ops))
	var ps []prepped
	var upsertKey string
	for i, op := range ops {
		if op.Kind == connector.OpUpsert && upsertKey == "" {
			k, err := c.UpsertKey(ctx, object)
			if err != nil {
				return nil, err
			}
			if upsertKey = k; k == "" {
				return nil, fmt.Errorf("hubspot: write %s: upsert requested but %s has no unique property", object, object)
			}
		}
		p, kind, err := prepare(object, i, op, upsertKey)
		if err != nil {
			results[i].Err = err
			continue
		}
		ps = append(ps, prepped{p, kind})
	}
	if err := c.checkOptOuts(ctx, ps, results); err != nil {
		return nil, fmt.Errorf("hubspot: write %s: %w", object, err)
	}
	cleared, err := c.clearBackward(ctx, object, ps, results)
	if err != nil {
		return nil, fmt.Errorf("hubspot: write %s: %w", object, err)
	}
	groups := map[batchKind][]pending{}
	var withRef, withOptOut []pending
	for i := range ps {
		p, kind := ps[i].p, ps[i].kind
		if results[p.idx].Err != nil {
			continue // failed before it was sent
		}
		if p.ref != "" {
			withRef = append(withRef, p)
		}
		if p.optOut == optOutTrue {
			withOptOut = append(withOptOut, p)
		}
		if ps[i].sendless() {
			results[p.idx].ID = p.in.ID // only the company or the opt-out changes: no update call
			continue
		}
		groups[kind] = append(groups[kind], p)
	}
	for _, kind := range []batchKind{kindCreate, kindUpdate, kindUpsert} {
		if err := c.batches(ctx, object, kind, groups[kind], results); err != nil {
			return nil, fmt.Errorf("hubspot: write %s: batch %s: %w", object, kind, err)
		}
	}
	if err := c.settleStages(ctx, object, cleared, slices.Concat(groups[kindUpdate], groups[kindUpsert]), results); err != nil {
		return nil, fmt.Errorf("hubspot: write %s: %w", object, err)
	}
	if err := c.setRefs(ctx, object, withRef, results); err != nil {
		return nil, fmt.Errorf("hubspot: write %s: %w", object, err)
	}
	if err := c.unsubscribe(ctx, withOptOut, results); err != nil {
		return nil, fmt.Errorf("hubspot: write %s: %w", object, err)
	}
	return results, nil
}

// UpsertKey is email for contacts, else the first writable unique property
// (a custom property marked unique), else "". On a custom object a unique
// crmsync_key comes first: a portal's object may hold other unique
// properties (an external id), and crmsync's own is the one it keeps.
func (c *Connector) UpsertKey(ctx context.Context, object string) (string, error) {
	if object == "contacts" {
		return "email", nil
	}
	sc, err := c.Schema(ctx, object)
	if err != nil {
		return "", err
	}
	if isCustom(object) {
		for _, f := range sc.Fields {
			if f.Name == customKey && f.Unique && !f.ReadOnly {
				return f.Name, nil
			}
		}
	}
	for _, f := range sc.Fields {
		if f.Unique && !f.ReadOnly && f.Type != connector.TypeID {
			return f.Name, nil
		}
	}
	return "", nil
}

// Upsert creates or updates by keyField through batch/upsert with
// idProperty; replaying the same ops cannot duplicate.
func (c *Connector) Upsert(ctx context.Context, object, keyField string, ops []connector.Op) ([]connector.Result, error) {
	if keyField == "" {
		return nil, fmt.Errorf("hubspot: upsert %s: no key field", object)
	}
	results := make([]connector.Result, len(ops))
	var prep []prepped
	for i, op := range ops {
		op.Kind = connector.OpUpsert
		p, kind, err := prepare(object, i, op, keyField)
		if err != nil {
			results[i].Err = err
			continue
		}
		prep = append(prep, prepped{p, kind})
	}
	if err := c.checkOptOuts(ctx, prep, results); err != nil {
		return nil, fmt.Errorf("hubspot: upsert %s: %w", object, err)
	}
	var ps, withRef, withOptOut []pending
	for _, pk := range prep {
		if results[pk.p.idx].Err != nil {
			continue // failed before it was sent
		}
		ps = append(ps, pk.p)
		if pk.p.ref != "" {
			withRef = append(withRef, pk.p)
		}
		if pk.p.optOut == optOutTrue {
			withOptOut = append(withOptOut, pk.p)
		}
	}
	if err := c.batches(ctx, object, kindUpsert, ps, results); err != nil {
		return nil, fmt.Errorf("hubspot: upsert %s: %w", object, err)
	}
	if err := c.settleStages(ctx, object, nil, ps, results); err != nil {
		return nil, fmt.Errorf("hubspot: upsert %s: %w", object, err)
	}
	if err := c.setRefs(ctx, object, withRef, results); err != nil {
		return nil, fmt.Errorf("hubspot: upsert %s: %w", object, err)
	}
	if err := c.unsubscribe(ctx, withOptOut, results); err != nil {
		return nil, fmt.Errorf("hubspot: upsert %s: %w", object, err)
	}
	return results, nil
}

// prepare checks an op locally and turns it into a batch input.
func prepare(object string, i int, op connector.Op, key string) (pending, batchKind, error) {
	bad := func(field, code, msg string) error {
		return &connector.RecordError{Vendor: vendor, Object: object, RecordID: op.ID, Category: connector.CatValidation,
			Field: field, Code: code, Message: msg}
	}
	props := make(map[string]string, len(op.Fields))
	for k, v := range op.Fields {
		if n := utf8.RuneCountInString(v); n > maxValueLen {
			return pending{}, "", bad(k, "VALUE_TOO_LONG", fmt.Sprintf("value has %d characters; HubSpot accepts at most %d", n, maxValueLen))
		}
		props[k] = v
	}
	p := pending{idx: i, in: input{Properties: props}, ref: takeRef(object, props)}
	var kind batchKind
	switch op.Kind {
	case connector.OpCreate:
		// A new contact's company goes with it: if HubSpot refuses the
		// company, nothing is created, so a retry cannot duplicate it.
		as := []createAssoc{}
		if p.ref != "" {
			as = append(as, createAssoc{To: assocRef{p.ref}, Types: []assocSpec{{"HUBSPOT_DEFINED", refAssocs[object].typeID}}})
			p.ref = ""
		}
		p.in.Associations = &as
		kind = kindCreate
	case connector.OpUpdate:
		if op.ID == "" {
			return pending{}, "", bad("", "MISSING_ID", "an update needs the record id")
		}
		p.in.ID = op.ID
		p.stageWas = op.Was[stageProp]
		kind = kindUpdate
		meetingMoved(object, props)
	case connector.OpUpsert:
		v := strings.TrimSpace(props[key])
		if v == "" {
			return pending{}, "", bad(key, "MISSING_KEY", "an upsert needs a value for "+key)
		}
		// The key travels as id with idProperty, and stays in properties so
		// the result echoes it back for matching.
		p.in.ID, p.in.IDProperty = v, key
		kind = kindUpsert
	default:
		return pending{}, "", bad("", "UNKNOWN_OP", fmt.Sprintf("unknown op kind %d", op.Kind))
	}
	if object == "contacts" {
		if err := takeOptOut(&p, kind, props, bad); err != nil {
			return pending{}, "", err
		}
	}
	return p, kind, nil
}

// meetingMoved moves a meeting's activity date with its start: HubSpot
// places a meeting on the record's timeline by hs_timestamp, which it
// sets from hs_meeting_start_time only when a create leaves it out
// (developer changelog, "Defaulting hs_timestamp to Meeting Start Time", 2024-11-12),
// so a meeting rescheduled by an update stayed on its old day.
func meetingMoved(object string, props map[string]string) {
	if object != "meetings" {
		return
	}
	if start, ok := props["hs_meeting_start_time"]; ok && start != "" {
		if _, set := props["hs_timestamp"]; !set {
			props["hs_timestamp"] = start
		}
	}
}

// batches sends ps in calls of batchSize. HubSpot refuses a whole batch
// update or upsert in which two inputs name one record (400 "Duplicate IDs
// found in batch input"), so a batch also ends before an input whose
// record it already holds; ops keep their order.
func (c *Connector) batches(ctx context.Context, object string, kind batchKind, ps []pending, results []connector.Result) error {
	seen := map[string]bool{}
	start := 0
	for i, p := range ps {
		k := ""
		if kind != kindCreate {
			k = p.in.IDProperty + "\x00" + strings.ToLower(p.in.ID)
		}
		if i-start == batchSize || (k != "" && seen[k]) {
			if err := c.batch(ctx, object, kind, ps[start:i], results); err != nil {
				return c.failRefusedKey(ctx, object, ps[start:], results, err)
			}
			start = i
			clear(seen)
		}
		if k != "" {
			seen[k] = true
		}
	}
	if start == len(ps) {
		return nil
	}
	if err := c.batch(ctx, object, kind, ps[start:], results); err != nil {
		return c.failRefusedKey(ctx, object, ps[start:], results, err)
	}
	return nil
}

// batch sends one batch call. A 207 maps per-record errors onto results.
// A 4xx for the whole batch that blames records (HubSpot rejects a whole
// batch/create for one bad value) is split in halves until each failure
// lands on its own record, so the good records still get written; a 409
// naming the contact that holds an email first drops the inputs with that
// email (takenInputs), which costs one read instead of a split.
func (c *Connector) batch(ctx context.Context, object string, kind batchKind, ps []pending, results []connector.Result) error {
	if len(ps) == 0 {
		return nil
	}
	cctx := ctx
	if kind == kindCreate {
		// A create has no idempotency key (an upsert's idProperty is
		// one): the transport never sends it twice, and an answer lost
		// to a 5xx or a broken connection fails the call, so the engine
		// settles the batch through its journal before anything is sent
		// again.
		cctx = transport.NoReplay(ctx)
	}
	r, err := c.call(cctx, http.MethodPost, objectsPath(object)+"/batch/"+string(kind), batchBody(ps))
	if err != nil {
		return err
	}
	switch r.Status {
	case http.StatusOK, http.StatusCreated, http.StatusMultiStatus:
		var br batchResponse
		err := r.Decode(&br)
		c.release(r) // br holds copies
		if err != nil {
			return err
		}
		assign(object, kind, ps, br, results)
		return nil
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity:
		he, ok := recordLevel(r)
		if !ok {
			return r.apiError()
		}
		se := standardError{Status: fmt.Sprint(r.Status), Category: he.Category, Message: he.Message, Context: he.Context, Errors: he.Errors}
		if refusedKey(he, ps[0].in.IDProperty) {
			return &keyRefusal{prop: ps[0].in.IDProperty, se: se} // every input is by it: no split (nonunique.go)
		}
		if len(ps) == 1 {
			results[ps[0].idx].Err = recordError(object, ps[0], se)
			return nil
		}
		if kind == kindCreate && he.Category == "CONFLICT" {
			js, err := c.takenInputs(ctx, object, ps, se)
			if err != nil {
				return err
			}
			if len(js) > 0 {
				rest := make([]pending, 0, len(ps)-len(js))
				for j, p := range ps {
					if slices.Contains(js, j) {
						results[p.idx].Err = recordError(object, p, se)
						continue
					}
					rest = append(rest, p)
				}
				return c.batch(ctx, object, kind, rest, results)
			}
		}
		half := len(ps) / 2
		if err := c.batch(ctx, object, kind, ps[:half], results); err != nil {
			return err
		}
		return c.batch(ctx, object, kind, ps[half:], results)
	}
	return r.apiError()
}

// batchBody renders {"inputs": [...]} as json.Marshal renders the inputs,
// each with its index as objectWriteTraceId, but by hand: reflection over
// each input's properties map made about 14 allocations per record
// written (TestBatchBodyMatchesEncodingJSON).
func batchBody(ps []pending) rawJSON {
	n := 16
	for _, p := range ps {
		n += 96 + len(p.in.ID) + len(p.in.IDProperty)
		for k, v := range p.in.Properties {
			n += len(k) + len(v) + 6
		}
	}
	b := make([]byte, 0, n)
	b = append(b, `{"inputs":[`...)
	for j, p := range ps {
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		if p.in.ID != "" {
			b = append(b, `"id":`...)
			b = jsonscan.AppendJSONString(b, p.in.ID)
			b = append(b, ',')
		}
		if p.in.IDProperty != "" {
			b = append(b, `"idProperty":`...)
			b = jsonscan.AppendJSONString(b, p.in.IDProperty)
			b = append(b, ',')
		}
		b = append(b, `"objectWriteTraceId":"`...)
		b = strconv.AppendInt(b, int64(j), 10)
		b = append(b, `","properties":`...)
		if p.in.Properties == nil {
			b = append(b, "null"...)
		} else {
			b = jsonscan.AppendFields(b, p.in.Properties)
		}
		if p.in.Associations != nil {
			b = append(b, `,"associations":[`...)
			for k, a := range *p.in.Associations {
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"to":{"id":`...)
				b = jsonscan.AppendJSONString(b, a.To.ID)
				b = append(b, `},"types":[`...)
				for m, t := range a.Types {
					if m > 0 {
						b = append(b, ',')
					}
					b = append(b, `{"associationCategory":`...)
					b = jsonscan.AppendJSONString(b, t.Category)
					b = append(b, `,"associationTypeId":`...)
					b = strconv.AppendInt(b, int64(t.TypeID), 10)
					b = append(b, '}')
				}
				b = append(b, "]}"...)
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// recordLevel reports whether a whole-batch 4xx blames record data (so
// splitting the batch isolates it) rather than the request itself.
func recordLevel(r *response) (hsError, bool) {
	he, err := decodeError(r.Body)
	if err != nil {
		return he, false
	}
	switch he.Category {
	case "VALIDATION_ERROR", "CONFLICT", "OBJECT_NOT_FOUND":
	default:
		return he, false
	}
	for _, d := range he.Errors {
		if d.In == "inputs" || d.Code == "TOO_MANY_INPUTS" {
			return he, false
		}
	}
	return he, true
}

// Delete archives records through batch/archive, 100 ids per call.
func (c *Connector) Delete(ctx context.Context, object string, ids []string) ([]connector.Result, error) {
	results := make([]connector.Result, len(ids))
	for start := 0; start < len(ids); start += batchSize {
		end := min(start+batchSize, len(ids))
		var inputs []map[string]string
		for _, id := range ids[start:end] {
			inputs = append(inputs, map[string]string{"id": id})
		}
		r, err := c.call(ctx, http.MethodPost, objectsPath(object)+"/batch/archive", map[string]any{"inputs": inputs})
		if err != nil {
			return nil, fmt.Errorf("hubspot: delete %s: %w", object, err)
		}
		if r.Status != http.StatusNoContent && r.Status != http.StatusOK {
			return nil, fmt.Errorf("hubspot: delete %s: %w", object, r.apiError())
		}
		for i := start; i < end; i++ {
			results[i] = connector.Result{ID: ids[i]}
		}
	}
	return results, nil
}

// Associate links two records with their default association type.
func (c *Connector) Associate(ctx context.Context, fromObject, fromID, toObject, toID string) error {
	path := objectsPath(fromObject) + "/" + url.PathEscape(fromID) + "/associations/default/" +
		url.PathEscape(toObject) + "/" + url.PathEscape(toID)
	r, err := c.call(ctx, http.MethodPut, path, nil)
	if err != nil {
		return fmt.Errorf("hubspot: associate %s %s with %s %s: %w", fromObject, fromID, toObject, toID, err)
	}
	if r.Status/100 != 2 {
		return fmt.Errorf("hubspot: associate %s %s with %s %s: %w", fromObject, fromID, toObject, toID, r.apiError())
	}
	return nil
}

// Lookup finds records whose field equals one of values: through
// batch/read where the field identifies a record (lookupread.go), which
// sees a write at once; otherwise through search IN, 100 values per
// query, whose index lags writes (LookupLag).
func (c *Connector) Lookup(ctx context.Context, object, field string, values []string) ([]connector.Record, error) {
	sc, err := c.Schema(ctx, object)
	if err != nil {
		return nil, err
	}
	if idProp, ok := readKey(sc, field); ok {
		recs, err := c.lookupRead(ctx, sc, field, idProp, values)
		if idProp == "" || !refusedRead(err) {
			return recs, err
		}
		if sc, err = c.refreshAfterRefusal(ctx, object, field, err); err != nil {
			return nil, err
		}
	}
	types := typesOf(sc)
	prop, ok := types[field]
	ft := prop.Type
	if !ok {
		return nil, fmt.Errorf("hubspot: lookup %s: no property %q", object, field)
	}
	props := searchProps(sc)
	var out []connector.Record
	for start := 0; start < len(values); start += batchSize {
		chunk := values[start:min(start+batchSize, len(values))]
		vals := make([]string, len(chunk))
		for i, v := range chunk {
			vals[i] = v
			if ft == connector.TypeEmail || ft == connector.TypeString {
				vals[i] = strings.ToLower(v) // HubSpot wants lower-case IN values for strings
			}
		}
		req := searchRequest{
			FilterGroups: []filterGroup{{Filters: []filter{{PropertyName: field, Operator: "IN", Values: vals}}}},
			Sorts:        []sortSpec{{PropertyName: "hs_object_id", Direction: "ASCENDING"}},
			Properties:   props, Limit: pageSize, After: "0",
		}
		for {
			res, r, err := c.searchPage(ctx, object, req)
			if err != nil {
				return nil, fmt.Errorf("hubspot: lookup %s by %s: %w", object, field, err)
			}
			for _, o := range res.Results {
				rec, err := toRecord(o, types, modifiedProp(object))
				if err != nil {
					return nil, fmt.Errorf("hubspot: lookup %s: %w", object, r.Fail(err.Error()))
				}
				out = append(out, rec)
			}
			next := res.next()
			if next == "" || len(res.Results) == 0 {
				break
			}
			req.After = next
		}
	}
	return out, nil
}
