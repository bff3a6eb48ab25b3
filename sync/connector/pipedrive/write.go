package pipedrive

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// Write creates (POST /api/v2/persons) or updates (PATCH
// /api/v2/persons/{id}) one record per call: Pipedrive has no batch or
// upsert endpoint. A record Pipedrive refuses fails its own Result with
// Pipedrive's message; an authorization or budget failure stops the
// Write, and the engine's journal settles what was written before it.
func (c *Connector) Write(ctx context.Context, object string, ops []connector.Op) ([]connector.Result, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, err
	}
	results := make([]connector.Result, len(ops))
	for i, op := range ops {
		var res connector.Result
		var err error
		switch op.Kind {
		case connector.OpCreate:
			res, err = c.create(ctx, object, sc, op)
		case connector.OpUpdate:
			res, err = c.update(ctx, object, sc, op)
		default:
			err = c.refuse(object, op.ID, "", "UNSUPPORTED", fmt.Sprintf("Pipedrive has no upsert; op kind %v", op.Kind))
		}
		if err != nil {
			if connector.Stops(ctx, err) {
				return nil, fmt.Errorf("pipedrive: write %s: %w", object, err)
			}
			if op.Kind == connector.OpCreate && connector.OutcomeUnknown(err) {
				// Pipedrive may have made the record before its answer
				// was lost: the engine looks it up rather than send it
				// again (the engine sends Pipedrive one record per call).
				return nil, fmt.Errorf("pipedrive: create %s: outcome unknown: %w", singular(object), err)
			}
			re := connector.RecordFailure(vendor, object, op.ID, err)
			if re.Field == "" && re.Category == connector.CatValidation {
				re.Field = blamed(sc, op, re.Message)
			}
			c.forgetIfStale(ctx, sc, err, re)
			res.Err = re
		}
		results[i] = res
	}
	return results, nil
}

// blamed is the field of op that Pipedrive's refusal names, or "": a
// response refuses the whole record and has no field of its own, but its
// message quotes the key it refused ("custom_fields.<key>: …", "Expected
// non-empty 'array' as value for multi options custom field '<key>'").
// Only keys that cannot be mistaken for a word are looked for: a custom
// field's 40-character key, and built-in names with an underscore
// (label_ids, org_id…).
func blamed(sc *schema, op connector.Op, msg string) string {
	names := make([]string, 0, len(op.Fields))
	for name := range op.Fields {
		if _, custom := sc.custom[name]; custom || strings.Contains(name, "_") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		if quotes(msg, name) {
			return name
		}
	}
	return ""
}

// quotes reports whether msg holds key as a whole word, not inside a
// longer name.
func quotes(msg, key string) bool {
	word := func(b byte) bool {
		return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
	}
	for from := 0; ; {
		i := strings.Index(msg[from:], key)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(key)
		if (i == 0 || !word(msg[i-1])) && (end == len(msg) || !word(msg[end])) {
			return true
		}
		from = i + 1
	}
}

func (c *Connector) refuse(object, id, field, code, msg string) *connector.RecordError {
	return &connector.RecordError{Vendor: vendor, Object: object, RecordID: id, Category: connector.CatValidation, Field: field, Code: code, Message: msg}
}

// body builds a v2 request body from an op's canonical fields. current is
// the record as Pipedrive holds it (updates that touch emails, phones or
// the name parts); nil for a create.
func (c *Connector) body(object string, sc *schema, op connector.Op, current *item) (map[string]any, error) {
	b := map[string]any{}
	custom := map[string]any{}
	types := map[string]connector.Field{}
	for _, f := range sc.Fields {
		types[f.Name] = f
	}
	for name, v := range op.Fields {
		f, known := types[name]
		switch {
		case !known:
			return nil, c.refuse(object, op.ID, name, "UNKNOWN_FIELD", fmt.Sprintf("%s has no field %q", singular(object), name))
		case f.ReadOnly:
			return nil, c.refuse(object, op.ID, name, "READ_ONLY", fmt.Sprintf("%s is read-only in Pipedrive", f.Label))
		}
		if _, ok := sc.custom[name]; !ok {
			if code, msg := setBuiltIn(b, object, f, v, current); code != "" {
				return nil, c.refuse(object, op.ID, name, code, msg)
			}
			continue
		}
		cv, err := customJSON(sc.custom[name], v)
		if err != nil {
			return nil, c.refuse(object, op.ID, name, "INVALID_VALUE", fmt.Sprintf("%s: %v", f.Label, err))
		}
		custom[name] = cv
	}
	if len(custom) > 0 {
		b["custom_fields"] = custom
	}
	return b, nil
}

// setBuiltIn puts the canonical value v of built-in field f into body b,
// in the JSON Pipedrive takes; it returns Pipedrive-style refusal code and
// message when v cannot be written, "" when it is set.
func setBuiltIn(b map[string]any, object string, f connector.Field, v string, current *item) (code, msg string) {
	name := f.Name
	switch name {
	case "name", "title", "subject", "type":
		b[name] = strings.TrimSpace(v)
	case "note":
		b[name] = nullable(v)
	case "content":
		b[name] = v
	case "due_time", "duration":
		if _, err := time.Parse("15:04", v); v != "" && err != nil {
			return "INVALID_TIME", fmt.Sprintf("%s: %q is not a time of day or length as HH:MM", f.Label, v)
		}
		b[name] = nullable(v)
	case "done":
		done, err := strconv.ParseBool(v)
		if err != nil {
			return "INVALID_VALUE", fmt.Sprintf("%q is not true or false", v)
		}
		b[name] = done
	case "currency":
		cur := strings.ToUpper(strings.TrimSpace(v))
		if len(cur) != 3 {
			return "INVALID_CURRENCY", fmt.Sprintf("%q is not a 3-letter currency code", v)
		}
		b[name] = cur
	case "value":
		n := json.Number(strings.TrimSpace(v))
		if _, err := n.Float64(); v != "" && err != nil {
			return "INVALID_VALUE", fmt.Sprintf("%q is not a number", v)
		}
		if v == "" {
			n = "0" // Pipedrive's value when none is given
		}
		b[name] = n
	case "status":
		if v != "open" && v != "won" && v != "lost" {
			return "INVALID_STATUS", fmt.Sprintf("%q is not open, won or lost", v)
		}
		b[name] = v
	case "person_id":
		if object != "activities" {
			if err := setID(b, name, v); err != nil {
				return "NOT_AN_ID", err.Error()
			}
			return "", ""
		}
		ps, err := withPrimaryParticipant(participantsOf(current), v)
		if err != nil {
			return "NOT_AN_ID", err.Error()
		}
		b["participants"] = ps
	case "expected_close_date", "due_date":
		if _, err := time.Parse(time.DateOnly, v); v != "" && err != nil {
			return "INVALID_DATE", fmt.Sprintf("%q is not a date (YYYY-MM-DD)", v)
		}
		b[name] = nullable(v)
	case "email":
		// Pipedrive keeps any text as an email; a value that is not
		// an address is refused here, naming the field.
		if a, err := mail.ParseAddress(strings.TrimSpace(v)); v != "" && (err != nil || a.Address != strings.TrimSpace(v)) {
			return "INVALID_EMAIL", fmt.Sprintf("%q is not an email address", v)
		}
		b["emails"] = withPrimary(itemsOf(current, true), v, "work")
	case "phone":
		b["phones"] = withPrimary(itemsOf(current, false), v, "work")
	case ownerField:
		// Every record has an owner: a blank leaves it as it is (a
		// create's is the connected user), where null would be refused.
		if strings.TrimSpace(v) == "" {
			return "", ""
		}
		if err := setID(b, name, v); err != nil {
			return "NOT_AN_ID", err.Error()
		}
	case "org_id", "stage_id", "deal_id":
		if err := setID(b, name, v); err != nil {
			return "NOT_AN_ID", err.Error()
		}
	case labelsField:
		// label_ids is an array of integers in the v2 spec, which does not
		// say it takes null: no labels is [], where a custom set field
		// takes null.
		ids, err := optionIDs(v)
		if err != nil {
			return "INVALID_VALUE", fmt.Sprintf("%s: %v", f.Label, err)
		}
		b[name] = ids
	}
	return "", ""
}

// optionIDs reads a TypeMulti value, option ids joined by
// connector.MultiSep, as the JSON array of integers v2 takes: in the
// value's order, each id once, blanks skipped. Whether an id is one of
// the field's options is Pipedrive's to say: its options may have changed
// since the schema was read, and its refusal names the field.
func optionIDs(v string) ([]json.Number, error) {
	ids := []json.Number{}
	for _, p := range connector.SplitMulti(v) {
		if _, err := strconv.ParseInt(p, 10, 64); err != nil {
			return nil, fmt.Errorf("%q is not a Pipedrive option id", p)
		}
		ids = append(ids, json.Number(p))
	}
	return ids, nil
}

// setID sets b[name] to the id v, or to null for a blank.
func setID(b map[string]any, name, v string) error {
	if v == "" {
		b[name] = nil
		return nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a Pipedrive id", v)
	}
	b[name] = n
	return nil
}

// nullable is v, or JSON null for a blank: how v2 clears a field.
func nullable(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// customJSON is a canonical value in the JSON a custom field takes.
func customJSON(cf customField, v string) (any, error) {
	if v == "" {
		return nil, nil // clears the field, as the v2 docs say
	}
	switch cf.typ {
	case "int", "double", "user", "org", "people", "deal", "lead", "project", "stage":
		n := json.Number(strings.TrimSpace(v))
		if _, err := n.Float64(); err != nil {
			return nil, fmt.Errorf("%q is not a number", v)
		}
		return n, nil
	case "enum":
		if _, ok := cf.options[v]; !ok {
			return nil, fmt.Errorf("%q is not one of its options", v)
		}
		return json.Number(v), nil
	case "set":
		// v2 takes the option ids as an array of numbers (migration guide,
		// "Multiple Option Custom Field Format Changes"). No option is null:
		// Pipedrive refuses [] for a set and says to clear with null (its
		// 400 message, quoted by users; the guide is silent).
		ids, err := optionIDs(v)
		if err != nil || len(ids) == 0 {
			return nil, err
		}
		return ids, nil
	case "boolean":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", v)
		}
		return b, nil
	case "date":
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return nil, fmt.Errorf("%q is not a date (YYYY-MM-DD)", v)
		}
	}
	return v, nil
}

func (c *Connector) create(ctx context.Context, object string, sc *schema, op connector.Op) (connector.Result, error) {
	b, err := c.body(object, sc, op, nil)
	if err != nil {
		return connector.Result{}, err
	}
	if req := kinds[object].required; req != "" && (b[req] == nil || b[req] == "") {
		return connector.Result{}, c.refuse(object, "", req, strings.ToUpper(req)+"_REQUIRED", "Pipedrive needs a "+req+" for every "+singular(object))
	}
	// A create has no idempotency key: the transport never sends it twice.
	it, err := c.send(transport.NoReplay(ctx), http.MethodPost, objectPath(object), b)
	if err != nil {
		return connector.Result{}, err
	}
	return connector.Result{ID: it.ID.String(), Created: true}, nil
}

func (c *Connector) update(ctx context.Context, object string, sc *schema, op connector.Op) (connector.Result, error) {
	if op.ID == "" {
		return connector.Result{}, c.refuse(object, "", "", "MISSING_ID", "an update needs the record id")
	}
	var current *item
	if needsCurrent(object, op.Fields) {
		it, err := c.currentOf(ctx, object, op.ID)
		if err != nil {
			return connector.Result{}, err
		}
		current = &it
	}
	b, err := c.body(object, sc, op, current)
	if err != nil {
		return connector.Result{}, err
	}
	if len(b) == 0 {
		return connector.Result{ID: op.ID}, nil
	}
	method := http.MethodPatch
	if kinds[object].v1 {
		method = http.MethodPut // v1 updates with PUT
	}
	it, err := c.send(ctx, method, objectPath(object)+"/"+url.PathEscape(op.ID), b)
	if err != nil {
		c.seen.forget(object, op.ID)
		return connector.Result{}, err
	}
	c.seen.remember(object, it) // the answer is the record as it now is
	return connector.Result{ID: op.ID}, nil
}

// currentOf is the record an update replaces lists of: emails and phones
// are replaced whole, so the entries the op does not name come from the
// record as this run read it lately (seen.go), else as it is now (1 call).
func (c *Connector) currentOf(ctx context.Context, object, id string) (item, error) {
	if it, ok := c.seen.current(object, id); ok {
		return it, nil
	}
	return c.get(ctx, object, id)
}

// needsCurrent reports whether an update replaces a list the op names one
// entry of: a person's emails or phones, an activity's participants.
func needsCurrent(object string, fields map[string]string) bool {
	_, e := fields["email"]
	_, p := fields["phone"]
	_, who := fields["person_id"]
	return e || p || (who && object == "activities")
}

// get reads one record (GET /api/v2/persons/{id}).
func (c *Connector) get(ctx context.Context, object, id string) (item, error) {
	r, err := c.call(ctx, http.MethodGet, objectPath(object)+"/"+url.PathEscape(id), nil)
	if err != nil {
		return item{}, err
	}
	if r.Status != http.StatusOK {
		return item{}, r.apiError()
	}
	return decodeItem(r)
}

// send writes one record and returns it as Pipedrive answered.
func (c *Connector) send(ctx context.Context, method, path string, b map[string]any) (item, error) {
	r, err := c.call(ctx, method, path, b)
	if err != nil {
		return item{}, err
	}
	if r.Status != http.StatusOK && r.Status != http.StatusCreated {
		return item{}, r.apiError()
	}
	return decodeItem(r)
}

func decodeItem(r *response) (item, error) {
	var env envelope
	if err := r.Decode(&env); err != nil {
		return item{}, err
	}
	var it item
	if err := json.Unmarshal(env.Data, &it); err != nil || it.ID.String() == "" {
		return item{}, r.Fail("data is not a record with an id")
	}
	return it, nil
}

// Delete marks records deleted (DELETE /api/v2/persons/{id}); Pipedrive
// purges them after 30 days.
func (c *Connector) Delete(ctx context.Context, object string, ids []string) ([]connector.Result, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	out := make([]connector.Result, len(ids))
	for i, id := range ids {
		r, err := c.call(ctx, http.MethodDelete, objectPath(object)+"/"+url.PathEscape(id), nil)
		if err == nil && r.Status != http.StatusOK {
			err = r.apiError()
		}
		if err != nil {
			if connector.Stops(ctx, err) {
				return nil, fmt.Errorf("pipedrive: delete %s: %w", object, err)
			}
			out[i].Err = connector.RecordFailure(vendor, object, id, err)
			continue
		}
		out[i].ID = id
	}
	return out, nil
}

// searchItems is the data of GET /api/v2/persons/search.
type searchItems struct {
	Items []struct {
		Item struct {
			ID json.Number `json:"id"`
		} `json:"item"`
	} `json:"items"`
}

// Lookup finds persons by email through search (exact match, one call per
// value, 10 searches per 2 s), then reads them whole (GET /api/v2/persons
// with ids, up to 100 per call). Only email is searchable this way.
func (c *Connector) Lookup(ctx context.Context, object, field string, values []string) ([]connector.Record, error) {
	if object != "persons" || field != "email" {
		return nil, fmt.Errorf("pipedrive: lookup %s by %s: only persons by email: %w", object, field, connector.ErrNoLookup)
	}
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, err
	}
	var ids []string
	seen := map[string]bool{}
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if err := c.search.Wait(ctx); err != nil {
			return nil, fmt.Errorf("pipedrive: lookup: %w", err)
		}
		q := url.Values{"term": {v}, "fields": {"email"}, "exact_match": {"true"}, "limit": {"100"}}
		r, err := c.call(ctx, http.MethodGet, objectPath(object)+"/search?"+q.Encode(), nil)
		if err != nil {
			return nil, fmt.Errorf("pipedrive: lookup %s by email: %w", object, err)
		}
		if r.Status != http.StatusOK {
			return nil, fmt.Errorf("pipedrive: lookup %s by email: %w", object, r.apiError())
		}
		var env envelope
		var data searchItems
		if err := r.Decode(&env); err != nil {
			return nil, fmt.Errorf("pipedrive: lookup %s by email: %w", object, err)
		}
		if err := json.Unmarshal(env.Data, &data); err != nil {
			return nil, fmt.Errorf("pipedrive: lookup %s by email: %w", object, r.Fail("data is not a search result: "+err.Error()))
		}
		for _, it := range data.Items {
			if id := it.Item.ID.String(); id != "" && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	var out []connector.Record
	for start := 0; start < len(ids); start += 100 {
		q := url.Values{"ids": {strings.Join(ids[start:min(start+100, len(ids))], ",")}, "limit": {"100"}}
		items, _, err := c.list(ctx, object, q)
		if err != nil {
			return nil, fmt.Errorf("pipedrive: lookup %s: %w", object, err)
		}
		c.seen.remember(object, items...)
		for _, it := range items {
			rec, err := toRecord(object, sc, it)
			if err != nil {
				return nil, fmt.Errorf("pipedrive: lookup %s: %w", object, err)
			}
			out = append(out, rec)
		}
	}
	return out, nil
}
