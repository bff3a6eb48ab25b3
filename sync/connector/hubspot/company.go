package hubspot

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// companyProp is a contact's primary company. HubSpot made the property
// read-only in 2019: a primary company is an association (type 1, contact
// to company), made through the associations API. The connector offers the
// property as writable and writes it that way, after the contact itself.
const companyProp = "associatedcompanyid"

// primaryCompanyType is the HUBSPOT_DEFINED association type of a contact's
// primary company.
const primaryCompanyType = 1

// writesCompany reports whether object's companyProp is written through
// associations.
func writesCompany(object string) bool { return object == "contacts" }

// companyWritable marks companyProp writable in a contacts schema.
func companyWritable(sc connector.Schema) connector.Schema {
	if !writesCompany(sc.Object) {
		return sc
	}
	for i := range sc.Fields {
		if sc.Fields[i].Name == companyProp {
			sc.Fields[i].ReadOnly = false
		}
	}
	return sc
}

// takeCompany removes companyProp from a contact's properties and returns
// its value ("" when absent or blank: a primary company is set, never
// removed, so a blank never takes one away).
func takeCompany(object string, props map[string]string) string {
	if !writesCompany(object) {
		return ""
	}
	v := strings.TrimSpace(props[companyProp])
	delete(props, companyProp)
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

// setCompanies makes each updated or upserted contact's company its
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
			inputs[i] = assocInput{From: assocRef{id}, To: assocRef{p.company}, Types: []assocSpec{{"HUBSPOT_DEFINED", primaryCompanyType}}}
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
					Field: companyProp, Code: e.Code, Message: "company " + p.company + ": " + e.Message}
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
					re.RecordID, re.Field = id, companyProp
					re.Message = "company " + p.company + ": " + re.Message
					results[p.idx].Err = re
				}
			}
		}
	}
	return nil
}
