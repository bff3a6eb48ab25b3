package mailchimp

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// Write adds members (OpCreate, batch subscribe with update_existing
// false: an address already in the audience fails as a conflict naming
// the member that holds it, never a second member), upserts them (OpUpsert, as Upsert) and updates them
// (OpUpdate: in batch subscribes where that saves calls, see batchUpdates;
// the rest by PATCH /lists/{list_id}/members/{contact_id}, a few at once),
// with one Result per op, in order.
//
// Mailchimp adds no member without a subscription status, and which status
// a person has is a matter of their consent: a create or upsert without
// one fails with a RecordError asking the sync to map a status or set a
// default, and the connector never assumes "subscribed".
//
// An interest category's field sets every interest of that category (the
// selected true, the others false), so the member's other categories stay
// as they are. The tags field is the member's whole set of tags: a create
// sends them with the member, an upsert in a batch subscribe of its own
// with sync_tags (ops that carry no tags never go in such a batch, so
// their members keep theirs), and an update adds and removes the
// difference through the member's tags endpoint (Mailchimp's PATCH takes
// no tags).
func (c *Connector) Write(ctx context.Context, object string, ops []connector.Op) ([]connector.Result, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, fmt.Errorf("mailchimp: write %s: %w", object, err)
	}
	results := make([]connector.Result, len(ops))
	var creates, upserts, updates []int
	for i, op := range ops {
		switch op.Kind {
		case connector.OpCreate:
			creates = append(creates, i)
		case connector.OpUpsert:
			upserts = append(upserts, i)
		case connector.OpUpdate:
			updates = append(updates, i)
		default:
			results[i].Err = refuse(object, op.ID, "", "INVALID_OPERATION", fmt.Sprintf("unknown op kind %d", op.Kind))
		}
	}
	if err := c.subscribe(ctx, sc, ops, creates, false, results); err != nil {
		return nil, err
	}
	if err := c.nameExisting(ctx, sc, ops, creates, results); err != nil {
		return nil, err
	}
	if err := c.subscribe(ctx, sc, ops, upserts, true, results); err != nil {
		return nil, err
	}
	updates, err = c.batchUpdates(ctx, sc, ops, updates, results)
	if err != nil {
		return nil, err
	}
	if err := c.updateAll(ctx, sc, ops, updates, results); err != nil {
		return nil, err
	}
	return results, nil
}

// UpsertKey is email_address: an address is a member of an audience at
// most once, and batch subscribe matches members by it.
func (c *Connector) UpsertKey(ctx context.Context, object string) (string, error) {
	if _, err := c.audienceOf(ctx, object); err != nil {
		return "", err
	}
	return fEmail, nil
}

// Upsert adds or updates members by email address through batch subscribe
// (POST /lists/{list_id}), 500 a call. With update_existing Mailchimp
// applies the status sent to a member that exists too, which would turn
// someone who unsubscribed into a new member's first status (an address
// that joined and left while the sync planned). So the ops go first as new
// members only (update_existing false: the status is a new member's); the
// ones already on the list (ERROR_CONTACT_EXISTS) go again with
// update_existing, their status left as it is unless the op carries an
// opt-out. An op without a status fails as a create does.
func (c *Connector) Upsert(ctx context.Context, object, keyField string, ops []connector.Op) ([]connector.Result, error) {
	if keyField != fEmail {
		return nil, &connector.Error{Vendor: vendor, Category: connector.CatValidation,
			Message: "Mailchimp upserts members by email_address only, not by " + strconv.Quote(keyField)}
	}
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, fmt.Errorf("mailchimp: upsert %s: %w", object, err)
	}
	results := make([]connector.Result, len(ops))
	idx := make([]int, len(ops))
	for i := range ops {
		idx[i] = i
	}
	if err := c.subscribe(ctx, sc, ops, idx, false, results); err != nil {
		return nil, err
	}
	existing, kept := membersThatExist(ops, results)
	if err := c.subscribe(ctx, sc, kept, existing, true, results); err != nil {
		return nil, err
	}
	return results, nil
}

// membersThatExist picks the ops a new-members-only batch found already on
// the list (refused as ERROR_CONTACT_EXISTS, or unreported and found by
// address, so not created and not changed), clearing their results, and
// returns ops with their status dropped unless it is an opt-out, for the
// update_existing pass.
func membersThatExist(ops []connector.Op, results []connector.Result) ([]int, []connector.Op) {
	var existing []int
	kept := slices.Clone(ops)
	for i, r := range results {
		var re *connector.RecordError
		exists := errors.As(r.Err, &re) && re.Code == contactExists || r.Err == nil && r.ID != "" && !r.Created
		if !exists {
			continue
		}
		existing, results[i] = append(existing, i), connector.Result{}
		if st, ok := ops[i].Fields[fStatus]; ok && st != optedOut {
			kept[i].Fields = maps.Clone(ops[i].Fields)
			delete(kept[i].Fields, fStatus)
		}
	}
	return existing, kept
}

// nameExisting names, on each create refused as already on the list
// (ERROR_CONTACT_EXISTS, which names no member), the member holding the
// address, read by its subscriber hash: the engine then asks a person
// whether that member is this one instead of failing it every run. A
// member that cannot be read leaves the refusal as it is.
func (c *Connector) nameExisting(ctx context.Context, sc *schema, ops []connector.Op, creates []int, results []connector.Result) error {
	var refused []int
	for _, i := range creates {
		var re *connector.RecordError
		if errors.As(results[i].Err, &re) && re.Code == contactExists {
			refused = append(refused, i)
		}
	}
	err := c.each(ctx, len(refused), func(ctx context.Context, j int) error {
		i := refused[j]
		m, found, err := c.getMember(ctx, sc, subscriberHash(emailOf(ops[i])))
		if err != nil && connector.Stops(ctx, err) {
			return err
		}
		if err != nil || !found || m.ContactID == "" || m.Status == archived {
			return nil
		}
		var re *connector.RecordError
		errors.As(results[i].Err, &re)
		named := *re
		named.Duplicates = []string{m.ContactID}
		named.Message += fmt.Sprintf(" (member %s holds the address, and an audience has an address once)", m.ContactID)
		results[i].Err = &named
		return nil
	})
	if err != nil {
		return fmt.Errorf("mailchimp: read the members holding refused addresses: %w", err)
	}
	return nil
}

// optedOut is the status an opt-out row writes: the one status an upsert
// applies to a member already on the list.
const optedOut = "unsubscribed"

// batchMember is a member a batch subscribe added or updated.
type batchMember struct {
	ContactID    string `json:"contact_id"`
	EmailAddress string `json:"email_address"`
}

// batchError is a member a batch subscribe refused.
type batchError struct {
	EmailAddress string `json:"email_address"`
	Error        string `json:"error"`
	ErrorCode    string `json:"error_code"`
	Field        string `json:"field"`
	FieldMessage string `json:"field_message"`
}

// contactExists is the code of a batch error for an address already in
// the audience (update_existing false).
const contactExists = "ERROR_CONTACT_EXISTS"

// subscribe sends ops[idx] through batch subscribe. With update (an
// upsert), the ops that carry tags go in calls of their own with
// sync_tags, which replaces an existing member's tags with those sent
// ("Whether this batch operation will replace all existing tags with tags
// in request", spec; "This will only work when making the call with
// update_existing set to true", release note of 2022-01-24): a member sent
// without tags in such a call could lose its own, so none is. A create
// (update_existing false) adds a new member with the tags sent, and needs
// no sync_tags.
func (c *Connector) subscribe(ctx context.Context, sc *schema, ops []connector.Op, idx []int, update bool, results []connector.Result) error {
	if !update {
		return c.subscribeBatches(ctx, sc, ops, idx, false, false, results)
	}
	var plain, tagged []int
	for _, i := range idx {
		if _, ok := ops[i].Fields[fTags]; ok {
			tagged = append(tagged, i)
		} else {
			plain = append(plain, i)
		}
	}
	if err := c.subscribeBatches(ctx, sc, ops, plain, true, false, results); err != nil {
		return err
	}
	return c.subscribeBatches(ctx, sc, ops, tagged, true, true, results)
}

// subscribeBatches sends ops[idx] through batch subscribe, 500 a call, and
// fills their results from new_members, updated_members and errors,
// matched by email address (Mailchimp compares addresses without regard to
// case). A failure that stops the run is returned; any other fails the
// call's members.
func (c *Connector) subscribeBatches(ctx context.Context, sc *schema, ops []connector.Op, idx []int, update, syncTags bool, results []connector.Result) error {
	for start := 0; start < len(idx); start += BatchSize {
		// A member updated keeps its own status unless one is sent.
		members, sent, order := sc.batchBodies(ops, idx[start:min(start+BatchSize, len(idx))], c.createStatus, !update, results)
		if len(members) == 0 {
			continue
		}
		req := map[string]any{"members": members, "update_existing": update}
		if syncTags {
			req["sync_tags"] = true
		}
		cctx := ctx
		if !update {
			// A create has no idempotency key: replayed after a lost
			// answer it would find its own members and update them, so
			// they would not count as crmsync's. The engine settles it.
			cctx = transport.NoReplay(ctx)
		}
		out, err, stop := c.postBatch(cctx, sc, req)
		if stop != nil {
			return fmt.Errorf("mailchimp: batch subscribe: %w", stop)
		}
		if err != nil {
			for _, i := range order {
				results[i].Err = connector.RecordFailure(vendor, sc.Object, emailOf(ops[i]), err)
			}
			continue
		}
		done := map[int]bool{}
		for _, group := range []struct {
			members []batchMember
			created bool
		}{{out.New, true}, {out.Updated, false}} {
			for _, m := range group.members {
				if i, ok := sent[strings.ToLower(strings.TrimSpace(m.EmailAddress))]; ok && !done[i] && m.ContactID != "" {
					results[i], done[i] = connector.Result{ID: m.ContactID, Created: group.created}, true
				}
			}
		}
		for _, e := range out.Errors {
			if i, ok := sent[strings.ToLower(strings.TrimSpace(e.EmailAddress))]; ok && !done[i] {
				results[i], done[i] = connector.Result{Err: sc.batchFailure(e, ops[i])}, true
			}
		}
		// The reference does not promise that a member an upsert left
		// unchanged is listed, nor that each comes with its contact_id:
		// look up any member the answer does not account for.
		var missing []int
		for _, i := range order {
			if !done[i] {
				missing = append(missing, i)
			}
		}
		if err := c.settle(ctx, sc, ops, missing, update, results); err != nil {
			return fmt.Errorf("mailchimp: batch subscribe: look up unreported members: %w", err)
		}
	}
	return nil
}

// batchBodies builds the members of one batch subscribe from ops[batch]:
// the bodies, the op of each lowercased address, and the ops sent, in
// order. An op refused here, or whose address comes twice, gets its
// RecordError in results.
func (sc *schema) batchBodies(ops []connector.Op, batch []int, createStatus string, needStatus bool, results []connector.Result) ([]map[string]any, map[string]int, []int) {
	members := make([]map[string]any, 0, len(batch))
	sent := make(map[string]int, len(batch))
	order := make([]int, 0, len(batch))
	for _, i := range batch {
		b, rerr := sc.addBody(ops[i], createStatus, needStatus)
		if rerr != nil {
			results[i].Err = rerr
			continue
		}
		email := emailOf(ops[i])
		key := strings.ToLower(email)
		if _, dup := sent[key]; dup {
			results[i].Err = &connector.RecordError{Vendor: vendor, Object: sc.Object, RecordID: email, Category: connector.CatConflict,
				Field: fEmail, Code: "DUPLICATE_IN_BATCH", Message: "the same email address comes twice in one write; it was sent once"}
			continue
		}
		sent[key] = i
		members = append(members, b)
		order = append(order, i)
	}
	return members, sent, order
}

// emailOf is an op's email address, as sent.
func emailOf(op connector.Op) string { return strings.TrimSpace(op.Fields[fEmail]) }

// settle finds the members a batch subscribe did not report, by email.
func (c *Connector) settle(ctx context.Context, sc *schema, ops []connector.Op, idx []int, update bool, results []connector.Result) error {
	return c.each(ctx, len(idx), func(ctx context.Context, j int) error {
		i := idx[j]
		email := emailOf(ops[i])
		m, found, err := c.getMember(ctx, sc, subscriberHash(email))
		switch {
		case err != nil && connector.Stops(ctx, err):
			return err
		case err != nil:
			results[i].Err = connector.RecordFailure(vendor, sc.Object, email, err)
		case found && m.ContactID != "" && (update || m.Status != archived):
			results[i] = connector.Result{ID: m.ContactID}
		default:
			results[i].Err = &connector.RecordError{Vendor: vendor, Object: sc.Object, RecordID: email, Category: connector.CatServer,
				Code: "NO_RESULT", Message: "Mailchimp's batch subscribe reported nothing for this member, and the audience does not hold it"}
		}
		return nil
	})
}

// batchFailure turns a batch subscribe error into the member's
// RecordError: the field Mailchimp blamed, its message and error_code.
func (sc *schema) batchFailure(e batchError, op connector.Op) *connector.RecordError {
	email := emailOf(op)
	msg := e.Error
	if e.FieldMessage != "" && e.FieldMessage != e.Error {
		msg = strings.TrimSpace(msg + " (" + e.FieldMessage + ")")
	}
	cat := connector.CatValidation
	if e.ErrorCode == contactExists {
		cat = connector.CatConflict
	}
	field := sc.fieldOf(e.Field)
	if field == "" {
		field = sc.interestFieldOf(e.Error, op)
	}
	if field == "" && (e.ErrorCode == contactExists || email != "" && strings.Contains(strings.ToLower(e.Error), strings.ToLower(email))) {
		// Mailchimp names no field when the address itself is refused
		// ("x looks fake or invalid, please enter a real email address",
		// "x is already a list member"): its message names the address.
		field = fEmail
	}
	return &connector.RecordError{Vendor: vendor, Object: sc.Object, RecordID: email, Category: cat,
		Field: field, Code: e.ErrorCode, Message: msg}
}

// invalidInterest starts Mailchimp's message for an interest id the
// audience does not hold: "Invalid interest ID: 'c06bb4b529'." (a 400
// Invalid Resource with no errors array, drewm/mailchimp-api#294).
const invalidInterest = "Invalid interest ID: '"

// interestFieldOf names the interest category field a message about an
// unknown interest id is about: the category the schema has the interest
// in, or else the op's category field that sent the id; "" for any other
// message.
func (sc *schema) interestFieldOf(msg string, op connector.Op) string {
	_, rest, ok := strings.Cut(msg, invalidInterest)
	if !ok {
		return ""
	}
	id, _, ok := strings.Cut(rest, "'")
	if !ok {
		return ""
	}
	if f, ok := sc.interest[id]; ok {
		return f
	}
	names := make([]string, 0, len(op.Fields))
	for name := range op.Fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if strings.HasPrefix(name, interestsPrefix) && slices.Contains(connector.SplitMulti(op.Fields[name]), id) {
			return name
		}
	}
	return ""
}

// fieldOf maps a field Mailchimp names ("email_address", "FNAME",
// "merge_fields.FNAME") to the schema's field name: an address's tag stays
// the tag, the field of all its parts.
func (sc *schema) fieldOf(name string) string {
	tag := strings.TrimPrefix(name, "merge_fields.")
	if _, ok := sc.merge[tag]; ok {
		return tag
	}
	return name
}

// addBody is a member's body for batch subscribe: the op's fields, with
// the email address and a status required. createStatus (tests only)
// stands in for a status default.
func (sc *schema) addBody(op connector.Op, createStatus string, needStatus bool) (map[string]any, *connector.RecordError) {
	email := emailOf(op)
	if email == "" {
		return nil, refuse(sc.Object, op.ID, fEmail, "EMAIL_REQUIRED", "a Mailchimp member needs an email address")
	}
	b, addrs, rerr := sc.body(op)
	if rerr != nil {
		rerr.RecordID = email
		return nil, rerr
	}
	if _, ok := b[fStatus]; !ok && needStatus {
		if createStatus == "" {
			return nil, refuse(sc.Object, email, fStatus, "STATUS_REQUIRED",
				"Mailchimp adds no member without a subscription status (subscribed, unsubscribed, cleaned, pending or transactional), and crmsync never assumes consent: map a field to status, or set a default status for new members in the sync")
		}
		b[fStatus] = createStatus
	}
	for tag, parts := range addrs {
		mergeFields(b)[tag] = addressValue(parts)
	}
	return b, nil
}

// body is the JSON of an op's fields in Mailchimp's shapes: member
// properties at the top, merge fields under merge_fields, interests under
// interests (every interest of each category given: true for the selected,
// false for the rest), tags as a list of names under tags (for batch
// subscribe; an update takes them out). Address parts are returned apart,
// by tag, for the caller to complete and join.
func (sc *schema) body(op connector.Op) (map[string]any, map[string]map[string]string, *connector.RecordError) {
	b := make(map[string]any, len(op.Fields))
	var addrs map[string]map[string]string
	for name, v := range op.Fields {
		ref, known := sc.refs[name]
		switch {
		case !known:
			return nil, nil, refuse(sc.Object, op.ID, name, "UNKNOWN_FIELD", fmt.Sprintf("the %s has no field %q", sc.aud, name))
		case ref.readOnly:
			return nil, nil, refuse(sc.Object, op.ID, name, "READ_ONLY", name+" is read-only in Mailchimp")
		case ref.part != "":
			if addrs == nil {
				addrs = map[string]map[string]string{}
			}
			if addrs[ref.tag] == nil {
				addrs[ref.tag] = map[string]string{}
			}
			addrs[ref.tag][ref.part] = strings.TrimSpace(v)
			continue
		case ref.tag != "":
			mv, why := writeMerge(sc.merge[ref.tag], v)
			if why != "" {
				return nil, nil, refuse(sc.Object, op.ID, name, "INVALID_VALUE", why)
			}
			mergeFields(b)[ref.tag] = mv
			continue
		case ref.category != "":
			in := interests(b)
			for _, i := range sc.cats[ref.category].Interests {
				in[i.ID] = false
			}
			// An id the schema does not list (an interest deleted since)
			// is sent too: Mailchimp refuses the member, naming it.
			for _, id := range connector.SplitMulti(v) {
				in[id] = true
			}
			continue
		}
		switch name {
		case fTags:
			tags := connector.SplitMulti(v)
			if tags == nil {
				tags = []string{}
			}
			b[name] = tags
		case fEmail:
			b[name] = strings.TrimSpace(v)
		case fStatus:
			if !slices.Contains(statuses, v) {
				return nil, nil, refuse(sc.Object, op.ID, name, "INVALID_STATUS", fmt.Sprintf("%q is not a status Mailchimp sets (%s)", v, strings.Join(statuses, ", ")))
			}
			b[name] = v
		case fEmailType:
			if v != "html" && v != "text" {
				return nil, nil, refuse(sc.Object, op.ID, name, "INVALID_VALUE", fmt.Sprintf("%q is not an email type (html or text)", v))
			}
			b[name] = v
		case fVIP:
			t := false
			if v != "" {
				var err error
				if t, err = strconv.ParseBool(v); err != nil {
					return nil, nil, refuse(sc.Object, op.ID, name, "INVALID_VALUE", fmt.Sprintf("%q is not true or false", v))
				}
			}
			b[name] = t
		default:
			b[name] = v
		}
	}
	return b, addrs, nil
}

// interests is b's interests object, made on first use.
func interests(b map[string]any) map[string]bool {
	in, _ := b["interests"].(map[string]bool)
	if in == nil {
		in = map[string]bool{}
		b["interests"] = in
	}
	return in
}

// mergeFields is b's merge_fields object, made on first use.
func mergeFields(b map[string]any) map[string]any {
	mf, _ := b["merge_fields"].(map[string]any)
	if mf == nil {
		mf = map[string]any{}
		b["merge_fields"] = mf
	}
	return mf
}

func refuse(object, id, field, code, msg string) *connector.RecordError {
	return &connector.RecordError{Vendor: vendor, Object: object, RecordID: id, Category: connector.CatValidation, Field: field, Code: code, Message: msg}
}

// batchAnswer is batch subscribe's answer: the members added, those
// updated and those refused, each alone.
type batchAnswer struct {
	New     []batchMember `json:"new_members"`
	Updated []batchMember `json:"updated_members"`
	Errors  []batchError  `json:"errors"`
}

// postBatch sends one batch subscribe (POST /lists/{list_id}). failed
// refuses the batch's members (a 4xx, an unreadable answer); stop ends the
// write: the audience gone, a refused sign-in, or a 429 or 5xx the
// transport has retried already.
func (c *Connector) postBatch(ctx context.Context, sc *schema, req map[string]any) (out batchAnswer, failed, stop error) {
	r, err := c.call(ctx, http.MethodPost, "/lists/"+url.PathEscape(sc.aud.ID), req)
	if err == nil && r.Status == http.StatusNotFound {
		return out, nil, c.audienceGone(ctx, r, sc.aud)
	}
	if err == nil && r.Status != http.StatusOK {
		e := r.apiError()
		if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden || r.Status == http.StatusTooManyRequests || r.Status >= 500 {
			return out, nil, e
		}
		err = e
	}
	if err == nil {
		err = r.Decode(&out)
	}
	if err != nil && (connector.Stops(ctx, err) || connector.CategoryOf(err) == connector.CatServer) {
		// A server failure (a 5xx not in JSON, a broken connection) fails
		// the call, as a JSON 5xx does: the engine settles its outcome.
		return out, nil, err
	}
	return out, err, nil
}
