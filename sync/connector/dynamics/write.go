package dynamics

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// Write creates and updates rows, 100 operations to a $batch, with a
// result per row.
//
// A create is PATCH /contacts(<id>) with If-None-Match: * and an id made
// here: Dataverse creates the row with that id, and refuses (412) to touch
// a row that has it already. So a batch sent again after a lost answer
// cannot create a second row; its 412 says the first attempt created it.
// An update is PATCH /contacts(<id>) with If-Match: the row version the
// run read (etag.go), or * for a row it did not read, so a row deleted
// meanwhile is reported missing instead of created again, and a row a
// person changed since the read is not written over. An opportunity is
// closed by its own action (opportunityclose.go).
func (c *Connector) Write(ctx context.Context, object string, ops []connector.Op) ([]connector.Result, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, err
	}
	mk := func(i int, op connector.Op) (operation, string, *connector.RecordError) {
		switch op.Kind {
		case connector.OpCreate:
			return createOp(sc, op)
		case connector.OpUpdate:
			return updateOp(sc, op, c.versions.ifMatch(sc.Object, op.ID)) // opportunityclose.go
		case connector.OpUpsert:
			key, _ := c.UpsertKey(ctx, object)
			return c.upsertOp(sc, op, key)
		}
		return operation{}, "", refuse(object, op.ID, "", "INVALID_OPERATION", fmt.Sprintf("unknown op kind %d", op.Kind))
	}
	results, err := c.send(ctx, sc, ops, mk)
	if err != nil {
		return nil, err
	}
	return c.againUnversioned(ctx, sc, ops, results, mk)
}

// UpsertKey is emailaddress1 where the organization defined an alternate
// key on it alone and its index is active; Dataverse defines none by
// default, and then there is no upsert key.
func (c *Connector) UpsertKey(ctx context.Context, object string) (string, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return "", err
	}
	if sc.emailKey {
		return "emailaddress1", nil
	}
	return "", nil
}

// Upsert creates or updates by the alternate key: PATCH
// /contacts(emailaddress1='…') in a $batch, asking for the row back so
// that 201 (created) and 200 (updated) tell the two apart.
func (c *Connector) Upsert(ctx context.Context, object, keyField string, ops []connector.Op) ([]connector.Result, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, sc, ops, func(i int, op connector.Op) (operation, string, *connector.RecordError) {
		return c.upsertOp(sc, op, keyField)
	})
}

func (c *Connector) upsertOp(sc *schema, op connector.Op, keyField string) (operation, string, *connector.RecordError) {
	if keyField == "" || keyField != "emailaddress1" || !sc.emailKey {
		return operation{}, "", refuse(sc.Object, op.ID, keyField, "NO_ALTERNATE_KEY", "no active alternate key on "+keyField+" alone; an administrator can define one in the table's Keys")
	}
	key := strings.TrimSpace(op.Fields[keyField])
	if key == "" {
		return operation{}, "", refuse(sc.Object, op.ID, keyField, "MISSING_KEY", "an upsert needs a value for "+keyField)
	}
	b, rerr := body(sc, op, keyField)
	if rerr != nil {
		return operation{}, "", rerr
	}
	// The key is part of the URL: "#", "?", "%" or "/" in an address would
	// otherwise end the path or name another key.
	return operation{method: http.MethodPatch, path: "/" + sc.Object + "(" + keyField + "=" + url.PathEscape(literal(key)) + ")?$select=" + sc.table.id,
		header: http.Header{"Prefer": {"return=representation"}}, body: b}, "", nil
}

// Delete deletes rows (DELETE /contacts(<id>)), 100 to a $batch. Like an
// update, a delete is conditional on the row version the run read
// (etag.go): a row a person changed since is not deleted.
func (c *Connector) Delete(ctx context.Context, object string, ids []string) ([]connector.Result, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, err
	}
	ops := make([]connector.Op, len(ids))
	for i, id := range ids {
		ops[i] = connector.Op{Kind: connector.OpUpdate, ID: id}
	}
	mk := func(i int, op connector.Op) (operation, string, *connector.RecordError) {
		req := operation{method: http.MethodDelete, path: "/" + object + "(" + op.ID + ")"}
		if tag := c.versions.ifMatch(sc.Object, op.ID); tag != "*" {
			// No If-Match: * here: a row deleted meanwhile answers 404
			// either way, which the engine takes as deleted already.
			req.header = http.Header{"If-Match": {tag}}
		}
		return req, op.ID, nil
	}
	results, err := c.send(ctx, sc, ops, mk)
	if err != nil {
		return nil, err
	}
	return c.againUnversioned(ctx, sc, ops, results, mk)
}

// build turns one op into its $batch operation and the id it writes ("" =
// the answer will say), or refuses it before sending.
type build func(i int, op connector.Op) (operation, string, *connector.RecordError)

// send writes ops in $batches of BatchSize and reads a result per op. A
// failure that stops the run is returned; any other failure of a batch as
// a whole fails its operations.
func (c *Connector) send(ctx context.Context, sc *schema, ops []connector.Op, mk build) ([]connector.Result, error) {
	results := make([]connector.Result, len(ops))
	for start := 0; start < len(ops); start += BatchSize {
		end := min(start+BatchSize, len(ops))
		var sent []int
		var reqs []operation
		ids := make([]string, len(ops[start:end]))
		for i := start; i < end; i++ {
			op, id, rerr := mk(i, ops[i])
			if rerr != nil {
				results[i].Err = rerr
				continue
			}
			op = askStoredNumbers(sc, ops[i], op)
			sent, reqs = append(sent, i), append(reqs, op)
			ids[i-start] = id
		}
		if len(reqs) == 0 {
			continue
		}
		outs, err := c.batch(ctx, reqs)
		if err != nil {
			if connector.Stops(ctx, err) || connector.CategoryOf(err) == connector.CatRateLimit {
				return nil, fmt.Errorf("dynamics: write %s: %w", sc.Object, err)
			}
			for _, i := range sent {
				results[i].Err = connector.RecordFailure(vendor, sc.Object, ops[i].ID, err)
			}
			continue
		}
		sentIDs := make([]string, len(sent))
		for j, i := range sent {
			sentIDs[j] = ids[i-start]
		}
		ours := map[string]bool{}
		if want := refusedCreates(reqs, outs, sentIDs); len(want) > 0 {
			if ours, err = c.existing(ctx, sc, want); err != nil {
				return nil, fmt.Errorf("dynamics: write %s: %w", sc.Object, err)
			}
		}
		for j, i := range sent {
			results[i] = c.result(sc, ops[i], reqs[j], ids[i-start], outs[j], ours[ids[i-start]])
			if results[i].ID != "" {
				c.versions.forget(sc.Object, results[i].ID) // written: the version read no longer holds
			}
			if results[i].Err != nil {
				c.forgetIfStale(ctx, sc, results[i].Err.Error())
				c.forgetIfOptionGone(ctx, sc, results[i].Err)
			} else {
				c.forgetIfRounded(ctx, sc, ops[i], outs[j])
			}
		}
		if err := c.nameKeyHolders(ctx, sc, ops, sent, results); err != nil {
			return nil, fmt.Errorf("dynamics: write %s: %w", sc.Object, err)
		}
	}
	return results, nil
}

// codeDuplicateKey is Dataverse's refusal of a row whose alternate key
// values another row has (DuplicateRecordEntityKey, 412, web service error
// codes). codeDuplicateRecord, SQL's "Cannot insert duplicate key", is
// taken as the same refusal too.
const (
	codeDuplicateKey    = "0x80060892"
	codeDuplicateRecord = "0x80040237"
)

// nameKeyHolders completes each write refused for an email the email
// alternate key holds already: Dataverse's message names the key and the
// value but neither the column nor the row, so the column is named, and
// for a plain create the row holding the email is looked up, as the
// create's duplicate (the engine asks a person whether it is this one
// rather than failing it every run). A lookup that fails leaves the
// refusals as they are, unless it stops the run.
func (c *Connector) nameKeyHolders(ctx context.Context, sc *schema, ops []connector.Op, sent []int, results []connector.Result) error {
	if !sc.emailKey {
		return nil
	}
	byEmail := map[string][]*connector.RecordError{}
	var emails []string
	for _, i := range sent {
		var re *connector.RecordError
		email := strings.ToLower(strings.TrimSpace(ops[i].Fields["emailaddress1"]))
		if email == "" || !errors.As(results[i].Err, &re) ||
			!strings.EqualFold(re.Code, codeDuplicateKey) && !strings.EqualFold(re.Code, codeDuplicateRecord) {
			continue
		}
		re.Field = cmp.Or(re.Field, "emailaddress1")
		if ops[i].Kind != connector.OpCreate {
			continue
		}
		if _, seen := byEmail[email]; !seen {
			emails = append(emails, email)
		}
		byEmail[email] = append(byEmail[email], re)
	}
	if len(emails) == 0 {
		return nil
	}
	recs, err := c.Lookup(ctx, sc.Object, "emailaddress1", emails)
	if err != nil {
		if connector.Stops(ctx, err) {
			return fmt.Errorf("look up the rows holding refused emails: %w", err)
		}
		return nil
	}
	for _, r := range recs {
		for _, re := range byEmail[strings.ToLower(strings.TrimSpace(r.Fields["emailaddress1"]))] {
			if !r.Deleted && !slices.Contains(re.Duplicates, r.ID) {
				re.Duplicates = append(re.Duplicates, r.ID)
			}
		}
	}
	return nil
}

// result reads one operation's outcome; exists says a row has the id a
// create chose (refusedCreates).
func (c *Connector) result(sc *schema, op connector.Op, req operation, id string, o *outcome, exists bool) connector.Result {
	if o == nil {
		return connector.Result{Err: &connector.RecordError{Vendor: vendor, Object: sc.Object, RecordID: op.ID, Category: connector.CatServer, Message: errNotRun.Error()}}
	}
	created := req.header.Get("If-None-Match") == "*"
	switch {
	case o.status == http.StatusPreconditionFailed && created && exists:
		// The id is ours and new: only an earlier attempt of this very
		// batch can have created it. (Without a row, an alternate key
		// refused the create: an error below.)
		return connector.Result{ID: id, Created: true}
	case o.status < 300:
		if id == "" {
			id = entityID(o.header)
		}
		if id == "" && len(o.body) > 0 {
			var row map[string]json.RawMessage
			if json.Unmarshal(o.body, &row) == nil {
				_ = json.Unmarshal(row[sc.table.id], &id)
			}
		}
		if id == "" {
			return connector.Result{Err: &connector.RecordError{Vendor: vendor, Object: sc.Object, RecordID: op.ID, Category: connector.CatServer,
				Message: fmt.Sprintf("HTTP %d without the row's id", o.status)}}
		}
		return connector.Result{ID: id, Created: created || o.status == http.StatusCreated}
	}
	e := errorOf(req.method+" "+apiRoot+endpointOf(req.path), o.status, o.body)
	rid := op.ID
	if rid == "" && op.Kind == connector.OpUpsert {
		rid = op.Fields["emailaddress1"]
	}
	if versionRefused(req, o, e) {
		// A person's edit since the read: nothing of it is written (nor
		// the row deleted), and the next run reads the edit (etag.go).
		said := changedMeanwhile
		if req.method == http.MethodDelete {
			said = deletedMeanwhile
		}
		return connector.Result{Err: &connector.RecordError{Vendor: vendor, Object: sc.Object, RecordID: rid, Category: connector.CatConflict,
			Code: e.Code, Message: said + " (Dataverse: " + e.Message + ")"}}
	}
	category, field := e.Category, blamed(e.Message)
	if fieldSecurityCodes[strings.ToLower(e.Code)] {
		// A secured column's field permission refused this record: its
		// 403 says nothing of the sign-in, and its message names no column.
		category = connector.CatValidation
		field = cmp.Or(field, securedIn(sc, op))
	}
	if strings.EqualFold(e.Code, codeStatusNotOfState) && field == "" {
		// "3 is not a valid status code for state code
		// OpportunityState.Open on opportunity with Id …" names the value,
		// not the column: it is the status reason written (a sync mapping
		// statuscode alone), else the state.
		field = firstWritten(op, "statuscode", "statecode")
	}
	if field == "" && closeRefusals[strings.ToLower(e.Code)] {
		field = firstWritten(op, "statecode", "statuscode")
	}
	category, field = notFoundBlame(e, op, category, field)
	return connector.Result{Err: &connector.RecordError{Vendor: vendor, Object: sc.Object, RecordID: rid, Category: category,
		Field: field, Code: e.Code, Message: e.Message}}
}

// codeStatusNotOfState is Dataverse's refusal of a status reason that is
// not one of the row's state's ("<n> is not a valid status code for state
// code <Table>State.<State> …"; the code's name [unverified]).
const codeStatusNotOfState = "0x80048408"

// firstWritten is the first of fields op writes, "" for none.
func firstWritten(op connector.Op, fields ...string) string {
	for _, f := range fields {
		if _, ok := op.Fields[f]; ok {
			return f
		}
	}
	return ""
}

// fieldSecurityCodes are Dataverse's refusals of a secured column (web
// service error codes): AttributePermissionUpdateIsMissingDuringUpdate,
// AttributePrivilegeCreateIsMissing, AttributePermissionReadIsMissing.
var fieldSecurityCodes = map[string]bool{"0x8004f507": true, "0x8004f502": true, "0x8004f504": true}

// securedIn names the secured column op writes, when it writes just one.
func securedIn(sc *schema, op connector.Op) string {
	found := ""
	for name := range op.Fields {
		if sc.secured[name] {
			if found != "" {
				return ""
			}
			found = name
		}
	}
	return found
}

// blamedColumn finds the column Dataverse's message names: "The length of
// the 'firstname' attribute of the 'contact' entity exceeded…", "Could not
// find a property named 'x' on type…", "The value 5 of 'crmsync_interests'
// on record of type 'contact' is outside the valid range." (a choice's
// PicklistValueOutOfRange).
var blamedColumn = regexp.MustCompile(`(?:'([a-z0-9_]+)' attribute|property named '([A-Za-z0-9_]+)'|attribute '([a-z0-9_]+)'|of '([a-z0-9_]+)' on record of type|Invalid property '([A-Za-z0-9_]+)')`)

func blamed(msg string) string {
	m := blamedColumn.FindStringSubmatch(msg)
	for _, g := range m[min(1, len(m)):] {
		if g != "" {
			return g
		}
	}
	return ""
}

// body is one row's JSON for a write, in Dataverse's types: numbers and
// option values as numbers, a multi-select choice column's values as one
// string joined by commas, booleans as booleans, a date-only column as
// YYYY-MM-DD, a blank as null. skip is a column left out (the alternate
// key of an upsert, which the URL carries).
func body(sc *schema, op connector.Op, skip string) ([]byte, *connector.RecordError) {
	b := make(map[string]any, len(op.Fields))
	for name, v := range op.Fields {
		if name == skip {
			continue
		}
		typ, known := sc.types[name]
		f, _ := sc.Field(name)
		switch {
		case !known:
			return nil, refuse(sc.Object, op.ID, name, "UNKNOWN_COLUMN", fmt.Sprintf("%s has no column %q", sc.Object, name))
		case f.ReadOnly:
			return nil, refuse(sc.Object, op.ID, name, "READ_ONLY", name+" is read-only in Dynamics 365")
		case typ == "Navigation":
			// A lookup is written by binding its navigation property;
			// null clears it.
			nf := sc.navs[name]
			if nf.owner {
				bind, rerr := ownerBind(sc.Object, op.ID, v)
				if rerr != nil {
					return nil, rerr
				}
				b[name+"@odata.bind"] = bind
				continue
			}
			if nf.currency && sc.cur != nil {
				bind, rerr := currencyBind(sc, op.ID, v)
				if rerr != nil {
					return nil, rerr
				}
				b[name+"@odata.bind"] = bind
				continue
			}
			if strings.TrimSpace(v) == "" {
				b[name+"@odata.bind"] = nil
			} else {
				b[name+"@odata.bind"] = "/" + nf.target.set + "(" + strings.TrimSpace(v) + ")"
			}
			continue
		case v == "":
			b[name] = nil
			continue
		}
		v = strings.TrimSpace(v)
		switch typ {
		case "Integer", "BigInt", "Picklist", "State", "Status":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, refuse(sc.Object, op.ID, name, "INVALID_VALUE", fmt.Sprintf("%q is not a whole number", v))
			}
			b[name] = n
		case "Decimal", "Double", "Money":
			n := json.Number(v)
			if _, err := n.Float64(); err != nil {
				return nil, refuse(sc.Object, op.ID, name, "INVALID_VALUE", fmt.Sprintf("%q is not a number", v))
			}
			b[name] = n
		case multiSelect:
			// The Web API takes "a string containing comma separated
			// number values" (multi-select-picklist); whether each is an
			// option of the column is Dataverse's to say.
			set, rerr := toChoices(sc.Object, op.ID, name, v)
			if rerr != nil {
				return nil, rerr
			}
			if set == "" {
				b[name] = nil
			} else {
				b[name] = set
			}
		case "Boolean":
			t, err := strconv.ParseBool(v)
			if err != nil {
				return nil, refuse(sc.Object, op.ID, name, "INVALID_VALUE", fmt.Sprintf("%q is not true or false", v))
			}
			b[name] = t
		case "DateTime":
			if f.Type == connector.TypeDate {
				if _, err := time.Parse(time.DateOnly, v); err != nil {
					return nil, refuse(sc.Object, op.ID, name, "INVALID_VALUE", fmt.Sprintf("%q is not a date (YYYY-MM-DD)", v))
				}
				b[name] = v
				continue
			}
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return nil, refuse(sc.Object, op.ID, name, "INVALID_VALUE", fmt.Sprintf("%q is not a date and time", v))
			}
			b[name] = t.UTC().Format(time.RFC3339)
		default:
			// Dataverse stores an email column's text as it comes, so
			// crmsync refuses what cannot be an address rather than
			// write it.
			if f.Type == connector.TypeEmail && !plausibleEmail(v) {
				return nil, refuse(sc.Object, op.ID, name, "INVALID_EMAIL", fmt.Sprintf("%q is not an email address", v))
			}
			b[name] = op.Fields[name]
		}
	}
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, refuse(sc.Object, op.ID, "", "ENCODE", err.Error())
	}
	return raw, nil
}

// toChoices turns a multi-select value in the canonical form, option
// values joined by connector.MultiSep, into the Web API's:
// "100000000,100000002". Blank and repeated values are dropped; none at
// all clears the column ("").
func toChoices(object, id, name, v string) (string, *connector.RecordError) {
	vals := connector.SplitMulti(v)
	for _, s := range vals {
		if _, err := strconv.ParseInt(s, 10, 32); err != nil {
			return "", refuse(object, id, name, "INVALID_VALUE", fmt.Sprintf("%q is not an option value (a whole number)", s))
		}
	}
	return strings.Join(vals, ","), nil
}

// plausibleEmail is one "@" with text on both sides, a dot in the domain
// and no spaces: the shape every CRM requires.
func plausibleEmail(v string) bool {
	local, domain, ok := strings.Cut(v, "@")
	return ok && local != "" && !strings.Contains(domain, "@") && strings.Contains(strings.Trim(domain, "."), ".") && !strings.ContainsAny(v, " \t<>(),;:\"[]")
}

func refuse(object, id, field, code, msg string) *connector.RecordError {
	return &connector.RecordError{Vendor: vendor, Object: object, RecordID: id, Category: connector.CatValidation, Field: field, Code: code, Message: msg}
}
