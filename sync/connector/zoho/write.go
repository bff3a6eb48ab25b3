package zoho

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// Write inserts (POST /crm/v8/{module}) and updates (PUT) records, 100 per
// call, with a result per record: Zoho answers a batch whose records
// partly fail with 207 and one whose records all fail with 400, each
// record's error naming its field. OpUpsert ops go through Upsert.
func (c *Connector) Write(ctx context.Context, object string, ops []connector.Op) ([]connector.Result, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, err
	}
	results := make([]connector.Result, len(ops))
	var creates, updates, upserts []int
	for i, op := range ops {
		switch op.Kind {
		case connector.OpCreate:
			creates = append(creates, i)
		case connector.OpUpdate:
			updates = append(updates, i)
		case connector.OpUpsert:
			upserts = append(upserts, i)
		default:
			results[i].Err = refuse(object, op.ID, "", "INVALID_OPERATION", fmt.Sprintf("unknown op kind %d", op.Kind))
		}
	}
	groups := []struct {
		method, path string
		idx          []int
		key          string
	}{{http.MethodPost, "/" + object, creates, ""}, {http.MethodPut, "/" + object, updates, ""}}
	if len(upserts) > 0 {
		key, _ := c.UpsertKey(ctx, object)
		groups = append(groups, struct {
			method, path string
			idx          []int
			key          string
		}{http.MethodPost, "/" + object + "/upsert", upserts, key})
	}
	for _, g := range groups {
		if err := c.writeGroup(ctx, sc, g.method, g.path, ops, g.idx, results, g.key); err != nil {
			return nil, err
		}
	}
	for _, r := range results {
		if r.Err != nil {
			c.forgetIfStale(ctx, sc, r.Err)
		}
	}
	return results, nil
}

// UpsertKey is Contacts' and Leads' Email, Zoho's system duplicate check
// for both (upsert doc). Accounts
// and Deals have none a sync can trust (two companies, or two deals, may
// share a name, Zoho's duplicate check for them), and Tasks none at all.
func (c *Connector) UpsertKey(ctx context.Context, object string) (string, error) {
	if err := checkObject(object); err != nil {
		return "", err
	}
	if object == "Contacts" || object == leads {
		return "Email", nil
	}
	return "", nil
}

// Upsert creates or updates by keyField (duplicate_check_fields), 100 per
// call (POST /crm/v8/{module}/upsert).
func (c *Connector) Upsert(ctx context.Context, object, keyField string, ops []connector.Op) ([]connector.Result, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, err
	}
	results := make([]connector.Result, len(ops))
	idx := make([]int, len(ops))
	for i := range ops {
		idx[i] = i
	}
	if err := c.writeGroup(ctx, sc, http.MethodPost, "/"+object+"/upsert", ops, idx, results, keyField); err != nil {
		return nil, err
	}
	return results, nil
}

// writeResult is one record's result.
type writeResult struct {
	zohoError
	Action string `json:"action"`
}

// writeGroup sends ops[idx] in batches of 100, filling results. key is the
// upsert's duplicate check field, "" otherwise. A failure of the whole
// call that stops the run is returned; any other fails its batch's records.
func (c *Connector) writeGroup(ctx context.Context, sc *schema, method, path string, ops []connector.Op, idx []int, results []connector.Result, key string) error {
	for start := 0; start < len(idx); start += BatchSize {
		batch := idx[start:min(start+BatchSize, len(idx))]
		data := make([]map[string]any, 0, len(batch))
		sent := make([]int, 0, len(batch))
		for _, i := range batch {
			rec, rerr := body(sc, ops[i])
			if rerr != nil {
				results[i].Err = rerr
				continue
			}
			data = append(data, rec)
			sent = append(sent, i)
		}
		if len(data) == 0 {
			continue
		}
		in := map[string]any{"data": data, "trigger": []string{}}
		if key != "" {
			in["duplicate_check_fields"] = []string{key}
		}
		// An insert has no idempotency key (an upsert's duplicate check
		// field is one): the transport never sends it twice, and a failure
		// whose outcome is unknown fails the whole call, so the engine
		// looks the records up before anything is sent again.
		insert := method == http.MethodPost && key == ""
		cctx := ctx
		if insert {
			cctx = transport.NoReplay(ctx)
		}
		r, err := c.call(cctx, method, apiRoot+path, in, nil)
		if err != nil {
			if connector.Stops(ctx, err) || insert && connector.OutcomeUnknown(err) {
				return fmt.Errorf("zoho: write %s: %w", sc.Object, err)
			}
			for _, i := range sent {
				results[i].Err = connector.RecordFailure(vendor, sc.Object, ops[i].ID, err)
			}
			continue
		}
		var out struct {
			Data []writeResult `json:"data"`
		}
		decodeErr := json.Unmarshal(r.Body, &out)
		switch {
		case r.Status == http.StatusUnauthorized || r.Status == http.StatusTooManyRequests || r.Status >= 500:
			return fmt.Errorf("zoho: write %s: %w", sc.Object, r.apiError())
		case decodeErr != nil || len(out.Data) != len(sent):
			err := r.apiError()
			if decodeErr == nil && len(out.Data) != len(sent) && r.Status < 300 {
				err = r.Fail(fmt.Sprintf("%d results for %d records", len(out.Data), len(sent)))
			}
			if insert && r.Status < 300 {
				return fmt.Errorf("zoho: write %s: outcome unknown: %w", sc.Object, err)
			}
			for _, i := range sent {
				results[i].Err = connector.RecordFailure(vendor, sc.Object, ops[i].ID, err)
			}
			continue
		}
		for j, i := range sent {
			results[i] = toResult(sc.Object, sc.types, ops[i], out.Data[j])
		}
	}
	return nil
}

// toResult reads one record's result.
// types are the module's data types by api_name (nil where no field is
// written), which say whether a too-long value was digits or characters.
func toResult(object string, types map[string]string, op connector.Op, w writeResult) connector.Result {
	if w.Status == "success" && w.Code == "SUCCESS" {
		var d struct {
			ID json.Number `json:"id"`
		}
		_ = json.Unmarshal(w.Details, &d)
		id := d.ID.String()
		if id == "" {
			id = op.ID
		}
		created := op.Kind == connector.OpCreate || w.Action == "insert"
		return connector.Result{ID: id, Created: created}
	}
	e := zohoError{Code: w.Code, Message: w.Message, Details: w.Details}
	field := e.apiName()
	msg := w.Message
	if w.Code == "MULTIPLE_OR_MULTI_ERRORS" {
		var d struct {
			Errors []zohoError `json:"errors"`
		}
		_ = json.Unmarshal(w.Details, &d)
		var parts []string
		for _, x := range d.Errors {
			parts = append(parts, x.Code+" "+x.apiName()+": "+x.Message)
			if field == "" {
				field = x.apiName()
			}
		}
		msg += " (" + strings.Join(parts, "; ") + ")"
	}
	if vals := e.supportedValues(); w.Code == "INVALID_DATA" && len(vals) > 0 {
		msg += supportedPrefix + strings.Join(vals, ", ") + ")"
	}
	if n := e.maximumLength(); w.Code == "INVALID_DATA" && n > 0 {
		// "invalid data" alone does not say the value is too long.
		msg += fmt.Sprintf(" (longer than the %d %s %s takes)", n, lengthUnit(types[field]), cmp.Or(field, "the field"))
	}
	switch w.Code {
	case codeConverted:
		msg += " (the lead was converted in Zoho CRM and can no longer be changed; its contact can)"
	case codeLocked:
		// It names the record's own id, not a field to fix.
		field = ""
		msg += " (a record lock in Zoho CRM, by a locking rule or a user, holds it: it can be written once someone unlocks it)"
	case codeNotApproved:
		msg += " (the record waits for approval in Zoho CRM: it can be written once it is approved or rejected)"
	}
	if hint := e.hint(field); hint != "" {
		msg += " (" + hint + ")"
	}
	re := &connector.RecordError{Vendor: vendor, Object: object, RecordID: op.ID, Field: field,
		Code: w.Code, Message: msg, Category: categoryOf(w.Code)}
	if op.Kind == connector.OpUpdate && e.namesOwnID() {
		markGone(re)
	}
	if id := e.duplicateID(); w.Code == "DUPLICATE_DATA" && id != "" {
		// A unique field's value another record holds: the engine asks a
		// person whether that record is this one instead of failing it
		// every run.
		re.Category, re.Duplicates = connector.CatConflict, []string{id}
		re.Message += fmt.Sprintf(" (record %s already has this %s, and Zoho CRM allows that value on one record only)", id, cmp.Or(field, "value"))
	}
	return connector.Result{Err: re}
}

// duplicateID is the record a DUPLICATE_DATA names as holding the value
// (details.duplicate_record.id, else details.id: createRecords'
// duplicatedataerror example,
// zoho.com/crm/developer/docs/api/v8/insert-records.html).
func (e zohoError) duplicateID() string {
	var d struct {
		ID        json.Number `json:"id"`
		Duplicate struct {
			ID json.Number `json:"id"`
		} `json:"duplicate_record"`
	}
	_ = json.Unmarshal(e.Details, &d)
	return cmp.Or(d.Duplicate.ID.String(), d.ID.String())
}

// codeConverted is Zoho's refusal to change a converted lead.
const codeConverted = "ID_ALREADY_CONVERTED"

// codeLocked is Zoho's refusal to update or delete a locked record
// (crm-oas v8.0 updateRecords recordlockederror, deleteRecords
// RecordLocked): the record's state, which no retry gets past until it is
// unlocked, as Salesforce's ENTITY_IS_LOCKED.
const codeLocked = "RECORD_LOCKED"

// codeNotApproved is Zoho's refusal to update or delete a record awaiting
// approval (updateRecords notapprovederror, deleteRecords NotApproved).
const codeNotApproved = "NOT_APPROVED"

// body is one record's JSON for a write, in Zoho's types: numbers as
// numbers, booleans as booleans, a lookup as {"id": …}, a multi-select
// picklist as an array of strings ([] when blank), any other blank as null.
func body(sc *schema, op connector.Op) (map[string]any, *connector.RecordError) {
	b := make(map[string]any, len(op.Fields)+1)
	if op.Kind == connector.OpUpdate {
		if op.ID == "" {
			return nil, refuse(sc.Object, "", "", "MISSING_ID", "an update needs the record id")
		}
		b["id"] = op.ID
	}
	for name, v := range op.Fields {
		if t, ok := sc.targets[name]; ok {
			if readOnly(sc, name) {
				return nil, refuse(sc.Object, op.ID, name, "READ_ONLY", name+" is read-only in Zoho CRM")
			}
			switch {
			case v != "" && t.lookup == moduleInValue:
				b[t.lookup] = map[string]any{"module": map[string]string{"api_name": t.module}, "id": v}
			case v != "":
				b[t.lookup], b["$se_module"] = map[string]string{"id": v}, t.module
			case b[t.lookup] == nil: // another module's value wins over a blank
				b[t.lookup] = nil
			}
			continue
		}
		typ, known := sc.types[name]
		switch {
		case !known:
			return nil, refuse(sc.Object, op.ID, name, "UNKNOWN_FIELD", fmt.Sprintf("%s has no field %q", sc.Object, name))
		case readOnly(sc, name):
			return nil, refuse(sc.Object, op.ID, name, "READ_ONLY", name+" is read-only in Zoho CRM")
		case typ == multiPicklist:
			b[name] = multiValues(v)
			continue
		case v == "":
			b[name] = nil
			continue
		}
		switch typ {
		case "integer", "bigint", "double", "currency", "decimal", "percent":
			n := json.Number(strings.TrimSpace(v))
			if _, err := n.Float64(); err != nil {
				return nil, refuse(sc.Object, op.ID, name, "INVALID_DATA", fmt.Sprintf("%q is not a number", v))
			}
			b[name] = n
		case "boolean":
			t, err := strconv.ParseBool(v)
			if err != nil {
				return nil, refuse(sc.Object, op.ID, name, "INVALID_DATA", fmt.Sprintf("%q is not true or false", v))
			}
			b[name] = t
		case "lookup", "ownerlookup":
			b[name] = map[string]string{"id": v}
		case "datetime":
			// Zoho writes an offset, never "Z": 2026-12-03T10:15:30+00:00.
			t, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
			if err != nil {
				return nil, refuse(sc.Object, op.ID, name, "INVALID_DATA", fmt.Sprintf("%q is not a date and time", v))
			}
			b[name] = t.Format("2006-01-02T15:04:05-07:00")
		default:
			b[name] = v
		}
	}
	return b, nil
}

// multiValues is a multi-select picklist's value on the wire: the values joined by
// connector.MultiSep as a JSON array of strings, blanks and repeats left out; "" is the
// empty array, which clears the field. Zoho checks each value against the field's list
// and refuses the record (INVALID_DATA naming the field) for one it does not list, so
// the connector sends what it is given and reports Zoho's answer.
func multiValues(v string) []string {
	if vals := connector.SplitMulti(v); vals != nil {
		return vals
	}
	return []string{}
}

func readOnly(sc *schema, name string) bool {
	for _, f := range sc.Fields {
		if f.Name == name {
			return f.ReadOnly
		}
	}
	return false
}

// Delete moves records to the recycle bin (DELETE
// /crm/v8/{module}?ids=…), 100 per call.
func (c *Connector) Delete(ctx context.Context, object string, ids []string) ([]connector.Result, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	out := make([]connector.Result, len(ids))
	for start := 0; start < len(ids); start += BatchSize {
		batch := ids[start:min(start+BatchSize, len(ids))]
		r, err := c.call(ctx, http.MethodDelete, apiRoot+"/"+object+"?ids="+url.QueryEscape(strings.Join(batch, ",")), nil, nil)
		if err != nil {
			if connector.Stops(ctx, err) {
				return nil, fmt.Errorf("zoho: delete %s: %w", object, err)
			}
			for j := range batch {
				out[start+j].Err = connector.RecordFailure(vendor, object, batch[j], err)
			}
			continue
		}
		var res struct {
			Data []writeResult `json:"data"`
		}
		if json.Unmarshal(r.Body, &res) != nil || len(res.Data) != len(batch) {
			for j := range batch {
				out[start+j].Err = connector.RecordFailure(vendor, object, batch[j], r.apiError())
			}
			continue
		}
		for j, id := range batch {
			out[start+j] = deleteResult(object, id, res.Data[j])
		}
	}
	return out, nil
}

func refuse(object, id, field, code, msg string) *connector.RecordError {
	return &connector.RecordError{Vendor: vendor, Object: object, RecordID: id, Category: connector.CatValidation, Field: field, Code: code, Message: msg}
}
