package hubspot

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// A contact's "Unsubscribed from all email" (hs_email_optout) is read-only
// as a property: HubSpot sets it when the contact is unsubscribed from all
// email, which an integration does through the communication preferences
// v4 API, by email address:
//
//	POST /communication-preferences/v4/statuses/batch/unsubscribe-all?channel=EMAIL
//	{"inputs": ["a@x.com", ...]}
//
// answering BatchResponsePublicBulkOptOutFromAllResponse (a 200 whose
// errors[] holds what failed per email). Sources: the spec
// (HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/Communication
// Preferences/Subscriptions/Rollouts/176901/v4/subscriptions.json) and the
// v4 guide (https://developers.hubspot.com/docs/guides/api/marketing/subscriptions).
//
// The connector offers hs_email_optout as writable and takes it out of the
// properties sent:
//   - "true": the contact, once written, is unsubscribed from all email,
//     100 emails per call. The email is the op's own, or read (batch/read)
//     before the write when the op does not carry it.
//   - "false": HubSpot lets only the contact opt back in, so a contact that
//     HubSpot holds as opted out fails, before anything of it is written:
//     a result that failed after its other fields were written would hide
//     those changes from the run's history and its undo. A "false" for a
//     contact not opted out (a new one, or one never opted out) asks for
//     nothing and is dropped. Knowing which takes one batch/read per 100
//     updated or upserted contacts whose op says "false".
//   - blank: nothing.
//
// A contact with no email address cannot be unsubscribed; it fails before
// it is written too.
const (
	optOutField = "hs_email_optout"
	// unsubscribeAllPath is the batch "opted out of all email" endpoint.
	unsubscribeAllPath = "/communication-preferences/v4/statuses/batch/unsubscribe-all"
	// scopeUnsubscribe is the scope the v4 guide names for the batch
	// subscription endpoints; only a Marketing Hub Enterprise account can
	// grant it, so the connector asks for it as an optional scope (Info).
	scopeUnsubscribe = "communication_preferences.statuses.batch.write"
	// unsubscribeOnePath is the single-contact endpoint, by email
	// (PathEscaped into %s). Its scope, communication_preferences.write,
	// any account can grant, so an account without the batch scope
	// unsubscribes through it, a call per contact (unsubscribeEach).
	unsubscribeOnePath  = "/communication-preferences/v4/statuses/%s/unsubscribe-all?channel=EMAIL"
	scopeUnsubscribeOne = "communication_preferences.write"
	// unsubscribeBatch is the most emails one unsubscribe call carries
	// [unverified: neither the spec nor the guide gives a limit; 100 is
	// the CRM batch endpoints' limit].
	unsubscribeBatch = 100
)

// optOutAsk is what an op asks of hs_email_optout.
type optOutAsk uint8

const (
	optOutNone  optOutAsk = iota
	optOutTrue            // unsubscribe the contact from all email
	optOutFalse           // opt it back in, which only the contact can do
)

// optOutWritable marks hs_email_optout writable on contacts, keeping its
// type (bool) and label.
func optOutWritable(sc connector.Schema) connector.Schema {
	if sc.Object != "contacts" {
		return sc
	}
	for i := range sc.Fields {
		if sc.Fields[i].Name == optOutField {
			sc.Fields[i].ReadOnly = false
		}
	}
	return sc
}

// takeOptOut reads a contact op: it removes hs_email_optout from props
// into p, notes the op's email, and checks what can be checked without a
// call. It returns the error that fails the record.
func takeOptOut(p *pending, kind batchKind, props map[string]string, bad func(field, code, msg string) error) error {
	v, ok := props[optOutField]
	if !ok {
		return nil
	}
	delete(props, optOutField)
	switch v = strings.TrimSpace(v); {
	case v == "":
		return nil
	case strings.EqualFold(v, "true"):
		p.optOut = optOutTrue
	case strings.EqualFold(v, "false"):
		p.optOut = optOutFalse
	default:
		return bad(optOutField, "INVALID_BOOLEAN", fmt.Sprintf("%q is not true or false", v))
	}
	p.optOutAsked = true
	if e, ok := props["email"]; ok { // an upsert by email carries it as its key too
		p.email, p.emailKnown = strings.TrimSpace(e), true
	}
	switch {
	case kind == kindCreate && p.optOut == optOutFalse:
		p.optOut = optOutNone // a new contact is not opted out
	case p.optOut == optOutTrue && kind == kindCreate && p.email == "",
		p.optOut == optOutTrue && p.emailKnown && p.email == "":
		return bad(optOutField, "MISSING_EMAIL", noEmailMessage)
	}
	return nil
}

const (
	noEmailMessage = "the contact has no email address, and HubSpot unsubscribes contacts by email address"
	// resubscribeMessage says why "false" fails a contact HubSpot holds
	// as opted out.
	resubscribeMessage = "HubSpot lets only the contact opt back in to email (through its subscription preferences page); an integration can only unsubscribe"
)

// optOutRecordError fails a contact's result on hs_email_optout.
func optOutRecordError(id string, cat connector.Category, code, msg string) *connector.RecordError {
	return &connector.RecordError{Vendor: vendor, Object: "contacts", RecordID: id, Category: cat, Field: optOutField, Code: code, Message: msg}
}

// prepped is a prepared op on its way to a batch call.
type prepped struct {
	p    pending
	kind batchKind
}

// sendless reports an update that has nothing left to send once its
// reference and opt-out are taken out: no update call is made for it.
func (pk *prepped) sendless() bool {
	return pk.kind == kindUpdate && len(pk.p.in.Properties) == 0 && (pk.p.ref != "" || pk.p.optOutAsked)
}

// checkOptOuts reads, before anything is written, what the ops' opt-outs
// need from HubSpot: the email of a contact to unsubscribe whose op does
// not carry it, and whether a contact whose op says "false", or whose
// email the op changes (keepOptOut), is opted out.
// It fails the records that cannot be written (results) and clears the
// opt-outs that ask for nothing.
func (c *Connector) checkOptOuts(ctx context.Context, ps []prepped, results []connector.Result) error {
	byProp := map[string][]int{} // idProperty ("" = record id) -> indexes into ps
	for j := range ps {
		p, kind := &ps[j].p, ps[j].kind
		if results[p.idx].Err != nil || kind == kindCreate {
			continue
		}
		if p.optOut == optOutFalse || (p.optOut == optOutTrue && !p.emailKnown) || movesEmail(p) {
			byProp[p.in.IDProperty] = append(byProp[p.in.IDProperty], j)
		}
	}
	for idProp, js := range byProp {
		keys := make([]string, len(js))
		for n, j := range js {
			keys[n] = ps[j].p.in.ID
		}
		found, err := c.readContacts(ctx, idProp, keys)
		if err != nil {
			return fmt.Errorf("%s: %w", optOutField, err)
		}
		for _, j := range js {
			pk := &ps[j]
			p := &pk.p
			st, ok := found[contactKey(idProp, p.in.ID)]
			missing := !ok && pk.sendless() // nothing else would report it
			switch {
			case missing:
				results[p.idx].Err = &connector.RecordError{Vendor: vendor, Object: "contacts", RecordID: p.in.ID, Category: connector.CatNotFound,
					Code: "OBJECT_NOT_FOUND", Message: "no contact has the id " + p.in.ID}
			case p.optOut == optOutFalse && ok && st.optOut == "true":
				results[p.idx].Err = optOutRecordError(st.id, connector.CatValidation, "RESUBSCRIBE_NOT_ALLOWED", resubscribeMessage)
			case p.optOut == optOutFalse:
				p.optOut = optOutNone // not opted out: nothing to do
			case p.optOut == optOutNone:
				keepOptOut(p, st, ok)
			case ok && st.email == "":
				results[p.idx].Err = optOutRecordError(st.id, connector.CatValidation, "MISSING_EMAIL", noEmailMessage)
			case ok:
				p.email, p.emailKnown = st.email, true
			case pk.kind == kindUpsert:
				// Not there: the upsert creates it, with no email.
				results[p.idx].Err = optOutRecordError("", connector.CatValidation, "MISSING_EMAIL", noEmailMessage)
			}
			// An update of a contact the read did not find goes on: its
			// write reports it, or its email is read once it is written.
		}
	}
	return nil
}

// movesEmail reports an update (or an upsert by another key) that sets a
// contact's email, which HubSpot's opt-out does not follow.
func movesEmail(p *pending) bool {
	if p.optOut == optOutTrue || p.in.IDProperty == "email" {
		return false
	}
	e, ok := p.in.Properties["email"]
	return ok && strings.TrimSpace(e) != ""
}

// keepOptOut unsubscribes the new address of an opted-out contact whose
// email p changes: "The subscription status is tied to the email address,
// and not a specific contact record" (legacy email subscription API), and
// "if a contact's email address is changed, their previous opt-out status
// will not apply" (knowledge base, "Resubscribe contacts to your marketing
// emails"), so the write alone would opt the person back in.
func keepOptOut(p *pending, st contactState, found bool) {
	e := strings.TrimSpace(p.in.Properties["email"])
	if !found || st.optOut != "true" || e == "" || strings.EqualFold(e, st.email) {
		return
	}
	p.optOut, p.email, p.emailKnown = optOutTrue, e, true
}

// contactState is what checkOptOuts reads of a contact.
type contactState struct {
	id, email, optOut string
}

// contactKey is how readContacts keys a contact: its id, or the value of
// idProperty, which HubSpot matches without regard to case.
func contactKey(idProp, v string) string {
	if idProp == "" {
		return v
	}
	return strings.ToLower(strings.TrimSpace(v))
}

// readContacts reads the email and hs_email_optout of contacts by id
// (idProp "") or by a unique property, 100 per batch/read call, keyed by
// contactKey. A contact HubSpot does not find is left out.
func (c *Connector) readContacts(ctx context.Context, idProp string, keys []string) (map[string]contactState, error) {
	out := make(map[string]contactState, len(keys))
	props := []string{"email", optOutField}
	if idProp != "" && idProp != "email" {
		props = append(props, idProp)
	}
	path := objectsPath("contacts") + "/batch/read"
	for start := 0; start < len(keys); start += batchSize {
		chunk := keys[start:min(start+batchSize, len(keys))]
		r, err := c.call(ctx, http.MethodPost, path, newBatchRead(props, idProp, chunk))
		if err != nil {
			return nil, fmt.Errorf("read contacts: %w", err)
		}
		if r.Status != http.StatusOK && r.Status != http.StatusMultiStatus {
			return nil, fmt.Errorf("read contacts: %w", r.apiError())
		}
		var br batchResponse
		err = r.Decode(&br)
		c.release(r) // br holds copies
		if err != nil {
			return nil, fmt.Errorf("read contacts: %w", err)
		}
		for _, e := range br.Errors {
			if e.Category != "OBJECT_NOT_FOUND" {
				return nil, fmt.Errorf("read contacts: %w", &connector.Error{Vendor: vendor, Endpoint: "POST " + path,
					Category: statusCategory(http.StatusBadRequest), Code: e.Category, Message: e.Message})
			}
		}
		for i := range br.Results {
			o := &br.Results[i]
			st := contactState{id: o.ID}
			if v := o.Properties.get("email"); v != nil {
				st.email = strings.TrimSpace(*v)
			}
			if v := o.Properties.get(optOutField); v != nil {
				st.optOut = strings.ToLower(strings.TrimSpace(*v))
			}
			key := o.ID
			if idProp != "" {
				v := o.Properties.get(idProp)
				if v == nil {
					continue
				}
				key = *v
			}
			out[contactKey(idProp, key)] = st
		}
	}
	return out, nil
}

// unsubscribe unsubscribes from all email each written contact whose op
// says "true" (ps), 100 emails per call, and fails the result of any
// contact HubSpot refused, with HubSpot's message. A missing scope fails
// the contacts of the call; any other failure of a whole call (auth,
// budget, server) fails the write, as any other call's does.
func (c *Connector) unsubscribe(ctx context.Context, ps []pending, results []connector.Result) error {
	var todo, unknown []pending
	for _, p := range ps {
		if p.optOut != optOutTrue || results[p.idx].Err != nil || results[p.idx].ID == "" {
			continue
		}
		if p.emailKnown {
			todo = append(todo, p)
		} else {
			unknown = append(unknown, p)
		}
	}
	if len(unknown) > 0 {
		// Contacts the read before the write did not find (a merged id):
		// their email is read by the id the write answered.
		ids := make([]string, len(unknown))
		for i, p := range unknown {
			ids[i] = results[p.idx].ID
		}
		found, err := c.readContacts(ctx, "", ids)
		if err != nil {
			return fmt.Errorf("%s: %w", optOutField, err)
		}
		for _, p := range unknown {
			st := found[results[p.idx].ID]
			if st.email == "" {
				results[p.idx].Err = optOutRecordError(results[p.idx].ID, connector.CatValidation, "MISSING_EMAIL", noEmailMessage)
				continue
			}
			p.email, p.emailKnown = st.email, true
			todo = append(todo, p)
		}
	}
	byEmail := map[string][]pending{}
	var emails []string
	for _, p := range todo {
		k := strings.ToLower(p.email)
		if _, ok := byEmail[k]; !ok {
			emails = append(emails, k)
		}
		byEmail[k] = append(byEmail[k], p)
	}
	for start := 0; start < len(emails); start += unsubscribeBatch {
		chunk := emails[start:min(start+unsubscribeBatch, len(emails))]
		var err error
		if c.batchOptOutDenied.Load() {
			err = c.unsubscribeEach(ctx, chunk, byEmail, results)
		} else {
			err = c.unsubscribeCall(ctx, chunk, byEmail, results)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", optOutField, err)
		}
	}
	return nil
}

// unsubscribeEach unsubscribes emails (lower case) one call each through
// the single-contact endpoint, which needs only communication_preferences
// .write, a scope every account can grant. It is how an account without
// Marketing Hub Enterprise unsubscribes: opt-outs are few after the first
// run, so a call each costs little. A contact HubSpot refuses fails alone,
// with HubSpot's message; a missing scope here too fails the contacts
// left, naming both scopes, and the rest of the sync goes on.
func (c *Connector) unsubscribeEach(ctx context.Context, emails []string, byEmail map[string][]pending, results []connector.Result) error {
	for i, k := range emails {
		r, err := c.call(ctx, http.MethodPost, fmt.Sprintf(unsubscribeOnePath, url.PathEscape(k)), nil)
		if err != nil {
			return fmt.Errorf("unsubscribe from all email: %w", err)
		}
		if r.Status == http.StatusOK {
			c.release(r)
			continue
		}
		if he, ok := recordLevel(r); ok {
			c.release(r)
			failOptOut(byEmail[k], results, callError(r.Status, he))
			continue
		}
		e := r.apiError()
		he, derr := decodeError(r.Body)
		c.release(r)
		if derr != nil || he.Category != "MISSING_SCOPES" {
			return fmt.Errorf("unsubscribe from all email: %w", e)
		}
		// Neither scope: only these contacts fail, each saying why, and
		// are tried again on later runs.
		msg := fmt.Sprintf("not unsubscribed from all email: that needs the scope %s (any HubSpot account can grant it; "+
			"a connection made before crmsync asked for it must reconnect HubSpot) or %s (Marketing Hub Enterprise) (HubSpot: %s)",
			scopeUnsubscribeOne, scopeUnsubscribe, e.Message)
		for _, k := range emails[i:] {
			for _, p := range byEmail[k] {
				results[p.idx].Err = optOutRecordError(results[p.idx].ID, connector.CatValidation, "MISSING_SCOPES", msg)
			}
		}
		return nil
	}
	return nil
}

// bulkOptOutResponse is BatchResponsePublicBulkOptOutFromAllResponse, as
// far as the connector reads it.
type bulkOptOutResponse struct {
	Status  string `json:"status"`
	Results []struct {
		SubscriberIDString string `json:"subscriberIdString"`
	} `json:"results"`
	Errors    []standardError `json:"errors"`
	NumErrors int             `json:"numErrors"`
}

// failOptOut fails the results of ps (one email's contacts) on
// hs_email_optout with HubSpot's error e.
func failOptOut(ps []pending, results []connector.Result, e standardError) {
	for _, p := range ps {
		re := recordError("contacts", pending{in: input{ID: results[p.idx].ID}}, e)
		re.Field = optOutField
		results[p.idx].Err = re
	}
}

// callError is a whole-call refusal that names one record, as the error of
// that record.
func callError(status int, he hsError) standardError {
	return standardError{Status: fmt.Sprint(status), Category: he.Category, Message: he.Message, Context: he.Context, Errors: he.Errors}
}

// unsubscribeCall sends one unsubscribe call for emails (lower case). A
// whole-call 4xx that blames the emails is split in halves until each
// failure lands on its own contact.
func (c *Connector) unsubscribeCall(ctx context.Context, emails []string, byEmail map[string][]pending, results []connector.Result) error {
	fail := func(email string, e standardError) { failOptOut(byEmail[email], results, e) }
	r, err := c.call(ctx, http.MethodPost, unsubscribeAllPath+"?channel=EMAIL", map[string]any{"inputs": emails})
	if err != nil {
		return fmt.Errorf("unsubscribe from all email: %w", err)
	}
	switch r.Status {
	case http.StatusOK, http.StatusMultiStatus:
	case http.StatusBadRequest, http.StatusNotFound, http.StatusUnprocessableEntity:
		he, ok := recordLevel(r)
		if !ok {
			return fmt.Errorf("unsubscribe from all email: %w", r.apiError())
		}
		if len(emails) == 1 {
			fail(emails[0], callError(r.Status, he))
			return nil
		}
		half := len(emails) / 2
		if err := c.unsubscribeCall(ctx, emails[:half], byEmail, results); err != nil {
			return err
		}
		return c.unsubscribeCall(ctx, emails[half:], byEmail, results)
	default:
		e := r.apiError()
		if he, err := decodeError(r.Body); err == nil && he.Category == "MISSING_SCOPES" {
			// The account cannot grant the batch scope (no Marketing Hub
			// Enterprise) or the connection predates it: the contacts go
			// one call each, for the rest of this connector's life.
			c.release(r)
			c.batchOptOutDenied.Store(true)
			return c.unsubscribeEach(ctx, emails, byEmail, results)
		}
		return fmt.Errorf("unsubscribe from all email: %w", e)
	}
	var br bulkOptOutResponse
	err = r.Decode(&br)
	c.release(r) // br holds copies
	if err != nil {
		return fmt.Errorf("unsubscribe from all email: %w", err)
	}
	done := make(map[string]bool, len(emails))
	for _, res := range br.Results {
		done[strings.ToLower(strings.TrimSpace(res.SubscriberIDString))] = true
	}
	for _, e := range br.Errors {
		blamed := false
		for _, v := range e.Context["subscriberIdString"] {
			if k := strings.ToLower(strings.TrimSpace(v)); byEmail[k] != nil && !done[k] {
				fail(k, e)
				done[k], blamed = true, true
			}
		}
		if blamed {
			continue
		}
		// No context: the first email the message quotes.
		for _, k := range emails {
			if !done[k] && strings.Contains(strings.ToLower(e.Message), k) {
				fail(k, e)
				done[k] = true
				break
			}
		}
	}
	for _, k := range emails {
		if !done[k] {
			for _, p := range byEmail[k] {
				results[p.idx].Err = optOutRecordError(results[p.idx].ID, connector.CatServer, "",
					"HubSpot's unsubscribe answer had neither a result nor an error for "+k)
			}
		}
	}
	return nil
}

// SideWrites implements connector.SideWriter: an opted-out contact's new
// email is unsubscribed too (keepOptOut), and a moved meeting's
// hs_timestamp follows its start (meetingMoved).
func (c *Connector) SideWrites(object string, fields, changes map[string]string) []connector.SideWrite {
	switch object {
	case "contacts":
		e, ok := changes["email"]
		e = strings.TrimSpace(e)
		if _, asked := changes[optOutField]; ok && !asked && e != "" && fields[optOutField] == "true" && !strings.EqualFold(e, strings.TrimSpace(fields["email"])) {
			return []connector.SideWrite{{Field: "unsubscribed from all email", New: e, OptOut: true,
				Note: fmt.Sprintf("HubSpot unsubscribes the new address %s from all email, as the contact is (an opt-out belongs to the address)", e)}}
		}
	case "meetings":
		start, ok := changes["hs_meeting_start_time"]
		if _, set := changes["hs_timestamp"]; ok && !set && start != "" {
			old, read := fields["hs_timestamp"]
			if !read {
				old = connector.NotRead
			}
			return []connector.SideWrite{{Field: "hs_timestamp", Old: old, New: start,
				Note: fmt.Sprintf("hs_timestamp (the activity date) %q → %q, with the start", old, start)}}
		}
	}
	return nil
}

// SideReads implements connector.SideWriter: a meeting's hs_timestamp, so
// the audit holds the activity date a move replaced and an undo puts it
// back (a meeting may be logged at another time than its start).
func (c *Connector) SideReads(object string) []string {
	if object == "meetings" {
		return []string{"hs_timestamp"}
	}
	return nil
}
