package salesforce

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/jsonscan"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// BatchSize is the sObject Collections cap per call.
const BatchSize = 200

// saveResult is one element of a Collections response.
type saveResult struct {
	ID      string      `json:"id"`
	Success bool        `json:"success"`
	Created bool        `json:"created"`
	Errors  []saveError `json:"errors"`
}

// saveError is one error of a saveResult. A duplicate rule's refusal
// (DUPLICATES_DETECTED) is a DuplicateError: it carries the rule's
// DuplicateResult, with the ids of the records it matched.
type saveError struct {
	StatusCode      string           `json:"statusCode"`
	Message         string           `json:"message"`
	Fields          []string         `json:"fields"`
	DuplicateResult *duplicateResult `json:"duplicateResult"`
}

type duplicateResult struct {
	AllowSave     bool   `json:"allowSave"`
	DuplicateRule string `json:"duplicateRule"`
	MatchResults  []struct {
		MatchRecords []struct {
			Record struct {
				ID string `json:"Id"`
			} `json:"record"`
		} `json:"matchRecords"`
	} `json:"matchResults"`
}

// collectionBody renders the Collections request body, {"allOrNone":
// false, "records": [...]}, from records encodeRecord rendered.
func collectionBody(records [][]byte) rawJSON {
	n := 32
	for _, r := range records {
		n += len(r) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"allOrNone":false,"records":[`...)
	for i, r := range records {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, r...)
	}
	return append(b, "]}"...)
}

// Write creates and updates records in batches of 200 (sObject
// Collections, allOrNone false). OpUpsert ops go through Upsert with the
// object's External ID field.
func (c *Conn) Write(ctx context.Context, object string, ops []connector.Op) ([]connector.Result, error) {
	d, err := c.describe(ctx, object)
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
			results[i].Err = recErr(d.Name, op.ID, "", "INVALID_OPERATION", fmt.Sprintf("unknown op kind %d", op.Kind), connector.CatValidation)
		}
	}
	if creates, err = c.personAccountCreates(ctx, d, ops, creates, results, ""); err != nil {
		return nil, err
	}
	if err := c.writeGroup(ctx, d, "POST", "/composite/sobjects", ops, creates, results, ""); err != nil {
		return nil, err
	}
	if err := c.writeGroup(ctx, d, "PATCH", "/composite/sobjects", ops, updates, results, ""); err != nil {
		return nil, err
	}
	if err := c.personAccountUpdates(ctx, d, ops, updates, results); err != nil {
		return nil, err
	}
	if len(upserts) > 0 {
		key, err := c.UpsertKey(ctx, object)
		if err != nil {
			return nil, err
		}
		if key == "" {
			for _, i := range upserts {
				results[i].Err = recErr(d.Name, ops[i].ID, "", "NO_EXTERNAL_ID",
					d.Name+" has no External ID field to upsert by", connector.CatValidation)
			}
		} else {
			if upserts, err = c.personAccountCreates(ctx, d, ops, upserts, results, key); err != nil {
				return nil, err
			}
			if err := c.writeGroup(ctx, d, "PATCH", "/composite/sobjects/"+d.Name+"/"+key, ops, upserts, results, key); err != nil {
				return nil, err
			}
		}
	}
	return results, nil
}

// Upsert creates-or-updates by keyField, an External ID field, 200 per call.
func (c *Conn) Upsert(ctx context.Context, object, keyField string, ops []connector.Op) ([]connector.Result, error) {
	d, err := c.describe(ctx, object)
	if err != nil {
		return nil, err
	}
	f, ok := d.field(keyField)
	if !ok || !f.ExternalID {
		return nil, &connector.Error{Vendor: vendor, Endpoint: "upsert " + d.Name, Category: connector.CatValidation,
			Message: fmt.Sprintf("%s is not an External ID field of %s", keyField, d.Name)}
	}
	results := make([]connector.Result, len(ops))
	idx := make([]int, len(ops))
	for i := range ops {
		idx[i] = i
	}
	if idx, err = c.personAccountCreates(ctx, d, ops, idx, results, keyField); err != nil {
		return nil, err
	}
	if err := c.writeGroup(ctx, d, "PATCH", "/composite/sobjects/"+d.Name+"/"+keyField, ops, idx, results, keyField); err != nil {
		return nil, err
	}
	return results, nil
}

// writeGroup sends ops[idx] in batches, filling results. key is the
// External ID field for upserts, "" otherwise.
func (c *Conn) writeGroup(ctx context.Context, d *describeResult, method, path string, ops []connector.Op, idx []int, results []connector.Result, key string) error {
	if len(idx) == 0 {
		return nil
	}
	u, err := c.dataURL(ctx, path, nil)
	if err != nil {
		return err
	}
	for start := 0; start < len(idx); start += BatchSize {
		batch := idx[start:min(start+BatchSize, len(idx))]
		enc := make(map[int][]byte, len(batch))
		var sent []int
		for _, i := range batch {
			rec, rerr := c.encodeRecord(d, ops[i], method, key)
			if rerr != nil {
				results[i].Err = rerr
				continue
			}
			enc[i] = rec
			sent = append(sent, i)
		}
		if len(sent) == 0 {
			continue
		}
		cctx := withDuplicateRuleHeader(ctx, method == "PATCH" && key == "")
		if method == "POST" {
			// A create has no key to make a replay harmless: a 5xx or a
			// broken connection, which Salesforce may have acted on, is
			// not sent again (the engine looks the records up first).
			cctx = transport.NoReplay(cctx)
		}
		err := c.withLockRetries(ctx, sent, results, func(idx []int) error {
			body := make([][]byte, len(idx))
			for j, i := range idx {
				body[j] = enc[i]
			}
			var out []saveResult
			if err := c.call(cctx, method, u, collectionBody(body), &out, ""); err != nil {
				return err
			}
			if len(out) != len(idx) {
				return &connector.Error{Vendor: vendor, Endpoint: method + " " + path, Category: connector.CatServer,
					Message: fmt.Sprintf("%d results for %d records", len(out), len(idx))}
			}
			for j, i := range idx {
				results[i] = toResult(d.Name, refOf(ops[i], key), method == "POST", out[j])
			}
			return nil
		})
		if err != nil {
			return err
		}
		if method == "PATCH" && key == "" {
			c.confirmGone(ctx, d, ops, sent, results)
		}
	}
	return nil
}

// lockRetries is how many more times a record refused with
// UNABLE_TO_LOCK_ROW is sent within a call. Salesforce documents the lock
// as another transaction's, held at most until it ends (it waits 10 s for
// it itself): "unable to obtain exclusive access to this record" (SOAP API
// guide, StatusCode). Such a record was not saved (allOrNone false rolls
// back each failed record alone), so sending it again cannot duplicate it.
const lockRetries = 2

// withLockRetries calls send(idx), which fills results[idx], then sends
// again, after a back-off, only the records that failed with
// UNABLE_TO_LOCK_ROW (or the whole batch if the request itself did).
func (c *Conn) withLockRetries(ctx context.Context, idx []int, results []connector.Result, send func(idx []int) error) error {
	wait := c.lockWait
	for attempt := 0; ; attempt++ {
		err := send(idx)
		if err != nil && (!rowLocked(err) || attempt == lockRetries) {
			return err
		}
		if err == nil {
			var again []int
			for _, i := range idx {
				if rowLocked(results[i].Err) {
					again = append(again, i)
				}
			}
			if len(again) == 0 || attempt == lockRetries {
				return nil
			}
			idx = again
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			if err != nil {
				return err
			}
			return nil // results keep the lock errors
		case <-t.C:
		}
		wait *= 2
	}
}

// rowLocked reports Salesforce's UNABLE_TO_LOCK_ROW, per record or for a whole request.
func rowLocked(err error) bool {
	var re *connector.RecordError
	if errors.As(err, &re) {
		return re.Code == "UNABLE_TO_LOCK_ROW"
	}
	var ce *connector.Error
	return errors.As(err, &ce) && ce.Code == "UNABLE_TO_LOCK_ROW"
}

// refOf names the record in errors: its id, or its key value for upserts.
func refOf(op connector.Op, key string) string {
	if key != "" {
		return op.Fields[key]
	}
	return op.ID
}

// encodeRecord renders one Collections record, typed by the describe, as
// json.Marshal renders the map of its fields (sorted names), but by hand:
// reflection over that map made about 30 allocations per record written
// (TestCollectionBodyMatchesEncodingJSON).
func (c *Conn) encodeRecord(d *describeResult, op connector.Op, method, key string) ([]byte, *connector.RecordError) {
	ref := refOf(op, key)
	type member struct {
		name string
		val  wire
	}
	ms := make([]member, 0, len(op.Fields)+2)
	if method == "PATCH" && key == "" {
		if !validID(op.ID) {
			return nil, recErr(d.Name, op.ID, "Id", "MALFORMED_ID", fmt.Sprintf("%q is not a Salesforce id", op.ID), connector.CatValidation)
		}
		ms = append(ms, member{"Id", wire{text: op.ID, quoted: true}}) // field names are case-insensitive; the docs show "id"
	}
	if key != "" && op.Fields[key] == "" {
		return nil, recErr(d.Name, ref, key, "REQUIRED_FIELD_MISSING", "the upsert key "+key+" is empty", connector.CatValidation)
	}
	n := 40 + len(d.Name)
	for name, v := range op.Fields {
		f, ok := d.field(name)
		if !ok || skippedTypes[f.Type] || name == "Id" || name == "attributes" {
			return nil, recErr(d.Name, ref, name, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on sobject of type %s", name, d.Name), connector.CatValidation)
		}
		if len(v) > maxValue {
			return nil, recErr(d.Name, ref, name, "STRING_TOO_LONG", fmt.Sprintf("value of %d bytes is too long", len(v)), connector.CatValidation)
		}
		val, err := wireValue(f.Type, v)
		if err != nil {
			return nil, recErr(d.Name, ref, name, "INVALID_TYPE_ON_FIELD_IN_RECORD", err.Error(), connector.CatValidation)
		}
		ms = append(ms, member{name, val})
		n += len(name) + len(v) + 8
	}
	slices.SortFunc(ms, func(a, b member) int { return strings.Compare(a.name, b.name) })
	b := make([]byte, 0, n)
	b = append(b, '{')
	attributes := false // written in its sorted place, as encoding/json would
	for _, m := range ms {
		if !attributes && m.name > "attributes" {
			b = appendAttributes(b, d.Name)
			attributes = true
		}
		b = jsonscan.AppendJSONString(b, m.name)
		b = append(b, ':')
		if m.val.quoted {
			b = jsonscan.AppendJSONString(b, m.val.text)
		} else {
			b = append(b, m.val.text...)
		}
		b = append(b, ',')
	}
	if !attributes {
		b = appendAttributes(b, d.Name)
	}
	b[len(b)-1] = '}' // the last member's comma
	return b, nil
}

// appendAttributes appends a record's "attributes" member and a comma.
func appendAttributes(b []byte, object string) []byte {
	b = append(b, `"attributes":{"type":`...)
	b = jsonscan.AppendJSONString(b, object)
	return append(b, "},"...)
}

// wire is one field's value as Salesforce wants it: a string to quote, or
// JSON's own text for null, a number or a boolean.
type wire struct {
	text   string
	quoted bool
}

// wireValue turns a canonical string into the JSON value Salesforce wants:
// "" clears the field (null), numbers and booleans are sent unquoted.
func wireValue(typ, v string) (wire, error) {
	if v == "" {
		return wire{text: "null"}, nil
	}
	switch typ {
	case "double", "currency", "int", "percent", "long":
		n, err := plainNumber(strings.TrimSpace(v))
		if err != nil {
			return wire{}, fmt.Errorf("%q is not a number", v)
		}
		return wire{text: n}, nil
	case "boolean":
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			return wire{text: "true"}, nil
		case "false":
			return wire{text: "false"}, nil
		}
		return wire{}, fmt.Errorf("%q is not true or false", v)
	case "datetime":
		t, err := parseSFTime(v)
		if err != nil {
			return wire{}, fmt.Errorf("%q is not an RFC 3339 datetime", v)
		}
		return wire{text: t.Format("2006-01-02T15:04:05.000Z"), quoted: true}, nil
	case "date":
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return wire{}, fmt.Errorf("%q is not a YYYY-MM-DD date", v)
		}
	}
	return wire{text: v, quoted: true}, nil
}

// Delete deletes records by id, 200 per call.
func (c *Conn) Delete(ctx context.Context, object string, ids []string) ([]connector.Result, error) {
	asked := ids
	ids, err := c.personContactsAccounts(ctx, object, ids)
	if err != nil {
		return nil, err
	}
	results := make([]connector.Result, len(ids))
	for start := 0; start < len(ids); start += BatchSize {
		end := min(start+BatchSize, len(ids))
		var sent []int
		for i := start; i < end; i++ {
			if !validID(ids[i]) {
				results[i].Err = recErr(object, ids[i], "Id", "MALFORMED_ID", fmt.Sprintf("%q is not a Salesforce id", ids[i]), connector.CatValidation)
				continue
			}
			sent = append(sent, i)
		}
		if len(sent) == 0 {
			continue
		}
		u, err := c.dataURL(ctx, "/composite/sobjects", nil)
		if err != nil {
			return nil, err
		}
		err = c.withLockRetries(ctx, sent, results, func(idx []int) error {
			list := make([]string, len(idx))
			for j, i := range idx {
				list[j] = ids[i]
			}
			var out []saveResult
			// ids are [A-Za-z0-9] only
			if err := c.call(ctx, "DELETE", u+"?ids="+strings.Join(list, ",")+"&allOrNone=false", nil, &out, ""); err != nil {
				return err
			}
			if len(out) != len(idx) {
				return &connector.Error{Vendor: vendor, Endpoint: "DELETE /composite/sobjects", Category: connector.CatServer,
					Message: fmt.Sprintf("%d results for %d ids", len(out), len(idx))}
			}
			for j, i := range idx {
				results[i] = toResult(object, asked[i], false, out[j])
				if results[i].Err == nil && (results[i].ID == "" || asked[i] != ids[i]) {
					results[i].ID = asked[i] // a person contact's, not its person account's
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}

func validID(id string) bool {
	if len(id) != 15 && len(id) != 18 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

// toResult maps one per-record outcome.
func toResult(object, ref string, create bool, r saveResult) connector.Result {
	if r.Success {
		return connector.Result{ID: r.ID, Created: create || r.Created}
	}
	if r.ID != "" {
		ref = r.ID
	}
	if len(r.Errors) == 0 {
		return connector.Result{Err: recErr(object, ref, "", "", "failed without an error message", connector.CatServer)}
	}
	e := r.Errors[0]
	msg := e.Message
	for _, more := range r.Errors[1:] {
		msg += "; " + more.Message
	}
	field := ""
	if len(e.Fields) > 0 {
		field = e.Fields[0]
	}
	if hint := recordHints[e.StatusCode]; hint != "" {
		msg += " (" + hint + ")"
	}
	re := recErr(object, ref, field, e.StatusCode, msg, categoryOf(e.StatusCode))
	if d := e.DuplicateResult; d != nil {
		for _, m := range d.MatchResults {
			for _, r := range m.MatchRecords {
				if r.Record.ID != "" && !slices.Contains(re.Duplicates, r.Record.ID) {
					re.Duplicates = append(re.Duplicates, r.Record.ID)
				}
			}
		}
		re.DuplicateRule, re.DuplicatesAllowed = d.DuplicateRule, d.AllowSave
	}
	return connector.Result{Err: re}
}

func recErr(object, ref, field, code, msg string, cat connector.Category) *connector.RecordError {
	return &connector.RecordError{Vendor: vendor, Object: object, RecordID: ref, Category: cat, Field: field, Code: code, Message: msg}
}

// categoryOf maps a per-record statusCode.
func categoryOf(code string) connector.Category {
	switch code {
	case "DUPLICATE_VALUE", "DUPLICATES_DETECTED", "DUPLICATE_EXTERNAL_ID":
		return connector.CatConflict
	case "STORAGE_LIMIT_EXCEEDED":
		// The org's data storage is full: every create after this one is
		// refused too, until an administrator frees or buys storage.
		return connector.CatAccount
	case "UNABLE_TO_LOCK_ROW":
		// Another transaction's lock, still held after withLockRetries:
		// passing, on Salesforce's side, and nothing was saved.
		return connector.CatServer
	case "ENTITY_IS_DELETED", "NOT_FOUND", "INVALID_CROSS_REFERENCE_KEY":
		// On the record's own id (no field named): in the Recycle Bin
		// (ENTITY_IS_DELETED) or purged from it (INVALID_CROSS_REFERENCE_KEY,
		// as Salesforce's Mobile SDK reads a Collections result); the engine
		// takes that for the record gone. Naming a field, a lookup's target.
		// A refused lookup may name no field [unverified]: an update that
		// carried one is read back first (confirmGone, refguard.go).
		return connector.CatNotFound
	case "REQUEST_LIMIT_EXCEEDED":
		return connector.CatBudget
	case "ALL_OR_NONE_OPERATION_ROLLED_BACK", "UNKNOWN_EXCEPTION":
		return connector.CatServer
	}
	// ENTITY_IS_LOCKED (an approval process's lock: no retry helps until
	// someone approves, rejects or unlocks the record),
	// REQUIRED_FIELD_MISSING, INVALID_EMAIL_ADDRESS, STRING_TOO_LONG,
	// INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST, FIELD_CUSTOM_VALIDATION_EXCEPTION...:
	// the record itself is wrong.
	return connector.CatValidation
}

// recordHints say who can lift a record's refusal that no retry or
// reconnect gets past, after Salesforce's own words.
var recordHints = map[string]string{
	"STORAGE_LIMIT_EXCEEDED": "the Salesforce org's data storage is full: no record can be created until an administrator deletes data or buys more storage, in Setup under Storage Usage",
	"ENTITY_IS_LOCKED":       "the record is locked, as an approval process locks a record submitted for approval: it can be written once it is approved or rejected, or an administrator unlocks it",
}
