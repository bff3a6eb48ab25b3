package hubspot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// A lookup after a lost create answer must see what the call made. CRM
// search lags writes ("a few moments", CRM search guide, Limitations);
// batch/read reads the records themselves, by record id or by a unique
// property's value (idProperty), so Lookup takes it wherever it can
// (POST /crm/objects/2026-03/{objectType}/batch/read, spec
// BatchReadInputSimplePublicObjectId: "Retrieve a batch of contacts by ID
// (contactId) or unique property value (idProperty)"; HubSpot/HubSpot-
// public-api-spec-collection, CRM/Contacts/Rollouts/424/2026-03). It
// answers 200, or 207 beside an OBJECT_NOT_FOUND item for the values no
// record holds (see readContacts). 100 inputs per call [2nd: the spec has
// no maxItems], as many values as one search call takes.

// readKey reports whether Lookup reads records of sc by field through
// batch/read, and the idProperty it sends ("" = record ids):
//   - hs_object_id is the record id, sent without idProperty: a batch
//     update by it is refused ("Unable to perform update/upsert by
//     non-unique 0-2 property hs_object_id", segmentio/action-destinations#3957;
//     a batch/read by it [unverified]);
//   - a contact's email, which idProperty takes although the properties API
//     does not mark it hasUniqueValue ("set the idProperty as email",
//     contacts guide as quoted in HubSpot/hubspot-api-python#100), matched
//     without regard to case [unverified: sent lower-case, as HubSpot
//     stores emails];
//   - a property with hasUniqueValue (the spec's idProperty: "a custom
//     unique value property").
func readKey(sc connector.Schema, field string) (idProp string, ok bool) {
	if field == "hs_object_id" {
		return "", true
	}
	if sc.Object == "contacts" && field == "email" {
		return field, true
	}
	f, ok := sc.Field(field)
	if !ok || !f.Unique || f.Type == connector.TypeID {
		return "", false
	}
	return field, true
}

// readsDirectly reports whether a lookup of object by field goes through
// batch/read, from the schema held (a lookup follows a write, which loaded
// it); without one, it is taken to go through search.
func (c *Connector) readsDirectly(object, field string) bool {
	if field == "hs_object_id" || (object == "contacts" && field == "email") {
		return true
	}
	c.mu.Lock()
	sc, held := c.schemas[object]
	c.mu.Unlock()
	if !held {
		return false
	}
	_, ok := readKey(sc, field)
	return ok
}

// lookupRead finds the records of object whose field (idProp, "" = record
// id) holds one of values through batch/read, 100 values per call.
func (c *Connector) lookupRead(ctx context.Context, sc connector.Schema, field, idProp string, values []string) ([]connector.Record, error) {
	object := sc.Object
	types := typesOf(sc)
	props := searchProps(sc)
	if !slices.Contains(props, field) {
		props = append(props, field) // the engine matches the records by it
	}
	values = readValues(sc, field, values)
	path := objectsPath(object) + "/batch/read"
	var out []connector.Record
	seen := map[string]bool{} // two values may name one record (a merge)
	for start := 0; start < len(values); start += batchSize {
		chunk := values[start:min(start+batchSize, len(values))]
		r, err := c.call(ctx, http.MethodPost, path, newBatchRead(props, idProp, chunk))
		if err != nil {
			return nil, fmt.Errorf("hubspot: lookup %s by %s: %w", object, field, err)
		}
		if r.Status != http.StatusOK && r.Status != http.StatusMultiStatus {
			return nil, fmt.Errorf("hubspot: lookup %s by %s: %w", object, field, r.apiError())
		}
		var br struct {
			Results []searchObject  `json:"results"`
			Errors  []standardError `json:"errors"`
		}
		err = r.Decode(&br)
		c.release(r) // br holds copies
		if err != nil {
			return nil, fmt.Errorf("hubspot: lookup %s by %s: %w", object, field, err)
		}
		if br.Results == nil {
			// Not an answer of none (a gateway's JSON): taking it for one
			// would create the records again.
			return nil, fmt.Errorf("hubspot: lookup %s by %s: %w", object, field, errNoResults(r))
		}
		for _, e := range br.Errors {
			if e.Category != "OBJECT_NOT_FOUND" { // no record holds those values
				return nil, fmt.Errorf("hubspot: lookup %s by %s: %w", object, field, &connector.Error{Vendor: vendor,
					Endpoint: "POST " + path, Category: statusCategory(http.StatusBadRequest), Code: e.Category, Message: e.Message})
			}
		}
		for _, o := range br.Results {
			rec, err := toRecord(o, types, modifiedProp(object))
			if err != nil {
				return nil, fmt.Errorf("hubspot: lookup %s: %w", object, r.Fail(err.Error()))
			}
			if !seen[rec.ID] {
				seen[rec.ID] = true
				out = append(out, rec)
			}
		}
	}
	return out, nil
}

// refusedRead reports whether HubSpot refused a batch/read as a whole (400),
// as it does when idProperty is not a unique property [unverified: HubSpot
// documents no answer for it; its batch update and upsert answer 400
// VALIDATION_ERROR "Unable to perform update/upsert by non-unique …
// property …", HubSpot/hubspot-api-nodejs#548].
func refusedRead(err error) bool {
	var ce *connector.Error
	return errors.As(err, &ce) && ce.Status == http.StatusBadRequest
}

// refreshAfterRefusal reads object's properties again after HubSpot refused
// a batch/read by field: the list is held for a day, and an admin may have
// turned off the property's "Require unique values" rule since. When the
// fresh list says field is no longer unique, it is returned for the lookup
// to search by, once the search's lag has passed; otherwise the refusal
// stands. One refresh a refusal, so no loop.
func (c *Connector) refreshAfterRefusal(ctx context.Context, object, field string, refusal error) (connector.Schema, error) {
	sc, err := c.Schema(connector.WithFreshSchema(ctx), object)
	if err != nil {
		return connector.Schema{}, fmt.Errorf("hubspot: lookup %s by %s: read the properties again: %w (after: %w)", object, field, err, refusal)
	}
	if _, ok := readKey(sc, field); ok {
		return connector.Schema{}, refusal
	}
	// The caller was told this lookup does not lag (LookupLag 0) and asked
	// at once; a search now could miss what a lost create made.
	t := time.NewTimer(c.overlap)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return connector.Schema{}, fmt.Errorf("hubspot: lookup %s by %s: wait for the search index: %w", object, field, ctx.Err())
	}
	return sc, nil
}

// readValues are the distinct values worth reading: an email as HubSpot
// stores it (lower case, the case search ignores too), a record id only
// when numeric, as no record has another.
func readValues(sc connector.Schema, field string, values []string) []string {
	f, _ := sc.Field(field)
	out := make([]string, 0, len(values))
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		v = strings.TrimSpace(v)
		if f.Type == connector.TypeEmail {
			v = strings.ToLower(v)
		}
		if v == "" || seen[v] || (field == "hs_object_id" && strings.Trim(v, "0123456789") != "") {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// batchRead is BatchReadInputSimplePublicObjectId, the body of an objects
// batch/read. The 2026-03 spec marks inputs, properties and
// propertiesWithHistory required, so all three are always sent, as lists
// (never null); crmsync reads no history, so propertiesWithHistory is empty.
type batchRead struct {
	Properties            []string      `json:"properties"`
	PropertiesWithHistory []string      `json:"propertiesWithHistory"`
	IDProperty            string        `json:"idProperty,omitempty"` // "" = record ids
	Inputs                []batchReadID `json:"inputs"`
}

type batchReadID struct {
	ID string `json:"id"`
}

// newBatchRead builds the batch/read of ids (record ids, or values of
// idProp) asking for props.
func newBatchRead(props []string, idProp string, ids []string) batchRead {
	b := batchRead{Properties: append([]string{}, props...), PropertiesWithHistory: []string{},
		IDProperty: idProp, Inputs: make([]batchReadID, len(ids))}
	for i, id := range ids {
		b.Inputs[i] = batchReadID{id}
	}
	return b
}
