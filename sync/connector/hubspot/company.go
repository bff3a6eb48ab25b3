package hubspot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// A record's reference to another (a contact's or deal's primary company,
// a task's contact) is an association, made and read through the
// associations API, and the connector offers it as one writable field:
//   - contacts: associatedcompanyid, the property HubSpot shows the primary
//     company in; read-only since 2019, so it is written as association
//     type 1;
//   - deals: no property holds it, so the field is the connector's own,
//     dealCompanyField, read after each page through the associations
//     batch read and written as association type 5;
//   - notes, tasks, meetings and calls: activityContactField, the
//     activity's contacts (types 202, 204, 200 and 194). An activity has no
//     primary contact and may have several (a meeting with a buying team):
//     the field reads all of them, lowest id first, joined by commas, and
//     a link:SYNC row takes the first one its sync links (and holds to the
//     one agreed while it is still among them). A new contact replaces
//     the old one only where the activity had just that one; one with
//     several keeps them all and takes the new one too, so no contact a
//     person put on it is taken off.
//
// Either way a record's reference is written after the record itself,
// except on create, where it goes in the create input.
type refAssoc struct {
	field   string // the field offered
	label   string // its label, for a field no property holds
	to      string // the object referred to
	typeID  int    // the HUBSPOT_DEFINED association type written
	virtual bool   // no property: read through the associations API
	replace bool   // no primary: several are read; a new one replaces a sole old one
}

// dealCompanyField and activityContactField hold a deal's primary company
// and an activity's contact. HubSpot property names hold no dot, so they
// cannot clash with a property.
const (
	dealCompanyField     = "associations.company"
	activityContactField = "associations.contact"
)

var refAssocs = map[string]refAssoc{
	"contacts": {field: "associatedcompanyid", to: "companies", typeID: 1},
	"deals":    {field: dealCompanyField, label: "Company (primary association)", to: "companies", typeID: 5, virtual: true},
	"notes":    {field: activityContactField, label: "Contact (association)", to: "contacts", typeID: 202, virtual: true, replace: true},
	"tasks":    {field: activityContactField, label: "Contact (association)", to: "contacts", typeID: 204, virtual: true, replace: true},
	"meetings": {field: activityContactField, label: "Contact (association)", to: "contacts", typeID: 200, virtual: true, replace: true},
	"calls":    {field: activityContactField, label: "Contact (association)", to: "contacts", typeID: 194, virtual: true, replace: true},
}

// companyField names object's primary-company field, or "".
func refField(object string) string { return refAssocs[object].field }

// companyWritable marks the primary-company field writable, adding it to a
// deals schema.
func refWritable(sc connector.Schema) connector.Schema {
	a, ok := refAssocs[sc.Object]
	if !ok {
		return sc
	}
	if a.virtual {
		sc.Fields = append(sc.Fields, connector.Field{Name: a.field, Label: a.label, Type: connector.TypeID, KeepOnBlank: true})
		return sc
	}
	for i := range sc.Fields {
		if sc.Fields[i].Name == a.field {
			sc.Fields[i].ReadOnly, sc.Fields[i].KeepOnBlank = false, true
		}
	}
	return sc
}

// searchable reports whether field is a property search can return.
func searchable(object, field string) bool {
	a, ok := refAssocs[object]
	return !ok || !a.virtual || field != a.field
}

// takeCompany removes the primary-company field from a record's properties
// and returns its value ("" when absent or blank: a primary company is
// set, never removed, so a blank never takes one away).
func takeRef(object string, props map[string]string) string {
	a, ok := refAssocs[object]
	if !ok {
		return ""
	}
	v := strings.TrimSpace(props[a.field])
	delete(props, a.field)
	if a.replace {
		// A list as read (an undo writing back what was read): its first.
		v, _, _ = strings.Cut(v, ",")
		v = strings.TrimSpace(v)
	}
	return v
}

type assocRef struct {
	ID string `json:"id"`
}

type assocSpec struct {
	Category string `json:"associationCategory"`
	TypeID   int    `json:"associationTypeId"`
}

// createAssoc is PublicAssociationsForObject: an association made with
// the record it belongs to, in a create input.
type createAssoc struct {
	To    assocRef    `json:"to"`
	Types []assocSpec `json:"types"`
}

// assocInput is PublicAssociationMultiPost.
type assocInput struct {
	From  assocRef    `json:"from"`
	To    assocRef    `json:"to"`
	Types []assocSpec `json:"types"`
}

// assocResponse is BatchResponseLabelsBetweenObjectPair(WithErrors).
type assocResponse struct {
	Results []struct {
		FromObjectID string `json:"fromObjectId"`
	} `json:"results"`
	Errors []standardError `json:"errors"`
}

// singular names one record of an object, for messages.
func singular(object string) string {
	if object == "companies" {
		return "company"
	}
	return strings.TrimSuffix(object, "s")
}

// setRefs writes each updated or upserted record's reference (its primary
// company, a task's contact), 100 pairs per call, and fails the result of
// any record whose association was refused, naming the field and HubSpot's
// message: resending an update or an upsert cannot duplicate the record. (A
// created record takes its reference in the create itself.) ps are the ops
// whose reference is set; results hold the written records' ids.
func (c *Connector) setRefs(ctx context.Context, object string, ps []pending, results []connector.Result) error {
	a := refAssocs[object]
	var todo []pending
	want := map[string]string{}
	for _, p := range ps {
		if p.ref != "" && results[p.idx].Err == nil && results[p.idx].ID != "" {
			todo = append(todo, p)
			want[results[p.idx].ID] = p.ref
		}
	}
	if a.replace && len(todo) > 0 {
		if err := c.archiveOthers(ctx, object, a, want); err != nil {
			return fmt.Errorf("hubspot: %s of %s: %w", singular(a.to), object, err)
		}
	}
	for start := 0; start < len(todo); start += batchSize {
		batch := todo[start:min(start+batchSize, len(todo))]
		inputs := make([]assocInput, len(batch))
		byRecord := make(map[string][]pending, len(batch))
		for i, p := range batch {
			id := results[p.idx].ID
			inputs[i] = assocInput{From: assocRef{id}, To: assocRef{p.ref}, Types: []assocSpec{{"HUBSPOT_DEFINED", refAssocs[object].typeID}}}
			byRecord[id] = append(byRecord[id], p)
		}
		r, err := c.call(ctx, http.MethodPost, "/crm/associations/"+apiVersion+"/"+object+"/"+a.to+"/batch/create", map[string]any{"inputs": inputs})
		if err != nil {
			return fmt.Errorf("hubspot: %s of %s: %w", singular(a.to), object, err)
		}
		switch r.Status {
		case http.StatusOK, http.StatusCreated, http.StatusMultiStatus:
		default:
			if cat := statusCategory(r.Status); cat != connector.CatValidation && cat != connector.CatNotFound {
				return fmt.Errorf("hubspot: %s of %s: %w", singular(a.to), object, r.apiError())
			}
			e := r.apiError()
			c.release(r) // e holds copies
			for _, p := range batch {
				results[p.idx].Err = &connector.RecordError{Vendor: vendor, Object: object, RecordID: results[p.idx].ID, Category: e.Category,
					Field: a.field, Code: e.Code, Message: singular(a.to) + " " + p.ref + ": " + e.Message}
			}
			continue
		}
		var ar assocResponse
		err = r.Decode(&ar)
		c.release(r)
		if err != nil {
			return fmt.Errorf("hubspot: %s of %s: %w", singular(a.to), object, err)
		}
		for _, se := range ar.Errors {
			for _, id := range se.Context["fromObjectId"] {
				for _, p := range byRecord[id] {
					re := recordError(object, pending{}, se)
					re.RecordID, re.Field = id, refField(object)
					re.Message = singular(a.to) + " " + p.ref + ": " + re.Message
					results[p.idx].Err = re
				}
			}
		}
	}
	return nil
}

// assocReadBatch is the most ids one associations batch read takes
// (developer changelog, "Batch Read Limit for HubSpot Associations API",
// in force since 2025-02-10).
const assocReadBatch = 1000

// assocReadResponse is BatchResponsePublicAssociationMultiWithLabel(WithErrors).
type assocReadResponse struct {
	Results []struct {
		From assocRef `json:"from"`
		To   []struct {
			ToObjectID       flexID `json:"toObjectId"`
			AssociationTypes []struct {
				Category string `json:"category"`
				TypeID   int    `json:"typeId"`
			} `json:"associationTypes"`
		} `json:"to"`
	} `json:"results"`
	Errors []standardError `json:"errors"`
}

// flexID reads an id sent as a JSON string (the 2026-03 spec) or a number
// (v4 sent numbers).
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("toObjectId %s is neither a string nor a number", b)
	}
	*f = flexID(n.String())
	return nil
}

// readRefs fills each record's reference, for an object whose reference
// no property holds (deals, tasks): one associations batch read per 1,000
// records, so one call per search page. A record HubSpot reports as having
// none (OBJECT_NOT_FOUND) reads as a blank; any other error fails the read
// with HubSpot's message, so no reference is guessed.
func (c *Connector) readRefs(ctx context.Context, object string, recs []connector.Record) error {
	a, ok := refAssocs[object]
	if !ok || !a.virtual {
		return nil
	}
	for start := 0; start < len(recs); start += assocReadBatch {
		chunk := recs[start:min(start+assocReadBatch, len(recs))]
		ids := make([]string, len(chunk))
		for i, r := range chunk {
			ids[i] = r.ID
		}
		got, err := c.assocTargets(ctx, object, a, ids)
		if err != nil {
			return fmt.Errorf("hubspot: read %s: %w", object, err)
		}
		for _, r := range chunk {
			if a.replace {
				r.Fields[a.field] = strings.Join(sortIDs(got[r.ID]), ",")
			} else {
				r.Fields[a.field] = lowestID(got[r.ID])
			}
		}
	}
	return nil
}

// lowestID is the numerically lowest of ids, or "": the one reference read
// when a record has several of a kind without a primary.
func lowestID(ids []string) string {
	best := ""
	for _, id := range ids {
		if best == "" || len(id) < len(best) || (len(id) == len(best) && id < best) {
			best = id
		}
	}
	return best
}

// sortIDs sorts numeric ids in place, lowest first, and returns them.
func sortIDs(ids []string) []string {
	slices.SortFunc(ids, func(x, y string) int {
		if len(x) != len(y) {
			return len(x) - len(y)
		}
		return strings.Compare(x, y)
	})
	return slices.Compact(ids)
}

// assocTargets reads the records each of ids (at most 1,000) is associated
// with by a's type, through one associations batch read.
func (c *Connector) assocTargets(ctx context.Context, object string, a refAssoc, ids []string) (map[string][]string, error) {
	inputs := make([]assocRef, len(ids))
	for i, id := range ids {
		inputs[i] = assocRef{id}
	}
	what := singular(a.to) + " associations"
	path := "/crm/associations/" + apiVersion + "/" + object + "/" + a.to + "/batch/read"
	r, err := c.call(ctx, http.MethodPost, path, map[string]any{"inputs": inputs})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if r.Status != http.StatusOK && r.Status != http.StatusMultiStatus {
		return nil, fmt.Errorf("%s: %w", what, r.apiError())
	}
	var out assocReadResponse
	if err := r.Decode(&out); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	c.release(r)
	got := make(map[string][]string, len(ids))
	for _, res := range out.Results {
		for _, to := range res.To {
			for _, t := range to.AssociationTypes {
				if t.Category == "HUBSPOT_DEFINED" && t.TypeID == a.typeID {
					got[res.From.ID] = append(got[res.From.ID], string(to.ToObjectID))
				}
			}
		}
	}
	for _, e := range out.Errors {
		if e.Category == "OBJECT_NOT_FOUND" {
			continue // none
		}
		return nil, fmt.Errorf("%s: %w", what, &connector.Error{Vendor: vendor, Endpoint: "POST " + path,
			Category: statusCategory(http.StatusBadRequest), Code: e.Category, Message: fmt.Sprintf("%s %v: %s", object, e.Context["fromObjectId"], e.Message)})
	}
	return got, nil
}

// archiveOthers removes, for a reference without a primary (a task's
// contact), the association of each record that had one record of that
// type and now refers to another: a read first, then one archive call per
// 100. A record with several keeps them: which of them the other CRM's
// single reference stood for is not known, and none is taken off unasked.
func (c *Connector) archiveOthers(ctx context.Context, object string, a refAssoc, want map[string]string) error {
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	type archiveInput struct {
		From assocRef   `json:"from"`
		To   []assocRef `json:"to"`
	}
	var inputs []archiveInput
	for start := 0; start < len(ids); start += assocReadBatch {
		got, err := c.assocTargets(ctx, object, a, ids[start:min(start+assocReadBatch, len(ids))])
		if err != nil {
			return err
		}
		for id, tos := range got {
			if len(tos) == 1 && tos[0] != want[id] {
				inputs = append(inputs, archiveInput{From: assocRef{id}, To: []assocRef{{tos[0]}}})
			}
		}
	}
	path := "/crm/associations/" + apiVersion + "/" + object + "/" + a.to + "/batch/archive"
	for start := 0; start < len(inputs); start += batchSize {
		r, err := c.call(ctx, http.MethodPost, path, map[string]any{"inputs": inputs[start:min(start+batchSize, len(inputs))]})
		if err != nil {
			return fmt.Errorf("old %s associations: %w", singular(a.to), err)
		}
		if r.Status != http.StatusOK && r.Status != http.StatusNoContent {
			return fmt.Errorf("old %s associations: %w", singular(a.to), r.apiError())
		}
		c.release(r)
	}
	return nil
}
