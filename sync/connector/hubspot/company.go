package hubspot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// A record's primary company is an association, made and read through the
// associations API, and the connector offers it as one writable field:
//   - contacts: associatedcompanyid, the property HubSpot shows the primary
//     company in; read-only since 2019, so it is written as association
//     type 1;
//   - deals: no property holds it, so the field is the connector's own,
//     dealCompanyField, read after each page through the associations
//     batch read and written as association type 5.
//
// Either way a record's company is written after the record itself.
type companyAssoc struct {
	field   string // the field offered
	primary int    // the HUBSPOT_DEFINED type of the primary company
	virtual bool   // no property: read through the associations API
}

// dealCompanyField is a deal's primary company. HubSpot property names
// hold no dot, so it cannot clash with a property.
const dealCompanyField = "associations.company"

var companyAssocs = map[string]companyAssoc{
	"contacts": {field: "associatedcompanyid", primary: 1},
	"deals":    {field: dealCompanyField, primary: 5, virtual: true},
}

// companyField names object's primary-company field, or "".
func companyField(object string) string { return companyAssocs[object].field }

// companyWritable marks the primary-company field writable, adding it to a
// deals schema.
func companyWritable(sc connector.Schema) connector.Schema {
	a, ok := companyAssocs[sc.Object]
	if !ok {
		return sc
	}
	if a.virtual {
		sc.Fields = append(sc.Fields, connector.Field{Name: a.field, Label: "Company (primary association)", Type: connector.TypeID})
		return sc
	}
	for i := range sc.Fields {
		if sc.Fields[i].Name == a.field {
			sc.Fields[i].ReadOnly = false
		}
	}
	return sc
}

// searchable reports whether field is a property search can return.
func searchable(object, field string) bool {
	a, ok := companyAssocs[object]
	return !ok || !a.virtual || field != a.field
}

// takeCompany removes the primary-company field from a record's properties
// and returns its value ("" when absent or blank: a primary company is
// set, never removed, so a blank never takes one away).
func takeCompany(object string, props map[string]string) string {
	a, ok := companyAssocs[object]
	if !ok {
		return ""
	}
	v := strings.TrimSpace(props[a.field])
	delete(props, a.field)
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

// setCompanies makes each updated or upserted record's company its
// primary company, 100 pairs per call, and fails the result of any contact
// whose association was refused, naming the field and HubSpot's message:
// resending an update or an upsert cannot duplicate the contact. (A created
// contact takes its company in the create itself.) ps are the ops whose
// company is set; results hold the written contacts' ids.
func (c *Connector) setCompanies(ctx context.Context, object string, ps []pending, results []connector.Result) error {
	var todo []pending
	for _, p := range ps {
		if p.company != "" && results[p.idx].Err == nil && results[p.idx].ID != "" {
			todo = append(todo, p)
		}
	}
	for start := 0; start < len(todo); start += batchSize {
		batch := todo[start:min(start+batchSize, len(todo))]
		inputs := make([]assocInput, len(batch))
		byContact := make(map[string][]pending, len(batch))
		for i, p := range batch {
			id := results[p.idx].ID
			inputs[i] = assocInput{From: assocRef{id}, To: assocRef{p.company}, Types: []assocSpec{{"HUBSPOT_DEFINED", companyAssocs[object].primary}}}
			byContact[id] = append(byContact[id], p)
		}
		r, err := c.call(ctx, http.MethodPost, "/crm/associations/"+apiVersion+"/"+object+"/companies/batch/create", map[string]any{"inputs": inputs})
		if err != nil {
			return fmt.Errorf("hubspot: primary company of %s: %w", object, err)
		}
		switch r.status {
		case http.StatusOK, http.StatusCreated, http.StatusMultiStatus:
		default:
			if cat := statusCategory(r.status); cat != connector.CatValidation && cat != connector.CatNotFound {
				return fmt.Errorf("hubspot: primary company of %s: %w", object, r.apiError())
			}
			e := r.apiError()
			c.release(r) // e holds copies
			for _, p := range batch {
				results[p.idx].Err = &connector.RecordError{Vendor: vendor, Object: object, RecordID: results[p.idx].ID, Category: e.Category,
					Field: companyField(object), Code: e.Code, Message: "company " + p.company + ": " + e.Message}
			}
			continue
		}
		var ar assocResponse
		err = r.decode(&ar)
		c.release(r)
		if err != nil {
			return fmt.Errorf("hubspot: primary company of %s: %w", object, err)
		}
		for _, se := range ar.Errors {
			for _, id := range se.Context["fromObjectId"] {
				for _, p := range byContact[id] {
					re := recordError(object, pending{}, se)
					re.RecordID, re.Field = id, companyField(object)
					re.Message = "company " + p.company + ": " + re.Message
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

// readCompanies fills each record's primary company, for an object whose
// primary company no property holds (deals): one associations batch read
// per 1,000 records, so one call per search page. A record HubSpot reports
// as having no company (OBJECT_NOT_FOUND) reads as a blank; any other error
// fails the read with HubSpot's message, so no company is guessed.
func (c *Connector) readCompanies(ctx context.Context, object string, recs []connector.Record) error {
	a, ok := companyAssocs[object]
	if !ok || !a.virtual {
		return nil
	}
	const what = "primary companies"
	for start := 0; start < len(recs); start += assocReadBatch {
		chunk := recs[start:min(start+assocReadBatch, len(recs))]
		inputs := make([]assocRef, len(chunk))
		at := make(map[string]int, len(chunk))
		for i, r := range chunk {
			inputs[i] = assocRef{r.ID}
			at[r.ID] = i
			r.Fields[a.field] = ""
		}
		path := "/crm/associations/" + apiVersion + "/" + object + "/companies/batch/read"
		r, err := c.call(ctx, http.MethodPost, path, map[string]any{"inputs": inputs})
		if err != nil {
			return fmt.Errorf("hubspot: read %s: %s: %w", object, what, err)
		}
		if r.status != http.StatusOK && r.status != http.StatusMultiStatus {
			return fmt.Errorf("hubspot: read %s: %s: %w", object, what, r.apiError())
		}
		var out assocReadResponse
		if err := r.decode(&out); err != nil {
			return fmt.Errorf("hubspot: read %s: %s: %w", object, what, err)
		}
		c.release(r)
		for _, res := range out.Results {
			i, ok := at[res.From.ID]
			if !ok {
				continue
			}
			for _, to := range res.To {
				for _, t := range to.AssociationTypes {
					if t.Category == "HUBSPOT_DEFINED" && t.TypeID == a.primary {
						chunk[i].Fields[a.field] = string(to.ToObjectID)
					}
				}
			}
		}
		for _, e := range out.Errors {
			if e.Category == "OBJECT_NOT_FOUND" {
				continue // no company
			}
			return fmt.Errorf("hubspot: read %s: %s: %w", object, what, &connector.Error{Vendor: vendor, Endpoint: "POST " + path,
				Category: statusCategory(http.StatusBadRequest), Code: e.Category, Message: fmt.Sprintf("%s %v: %s", object, e.Context["fromObjectId"], e.Message)})
		}
	}
	return nil
}
