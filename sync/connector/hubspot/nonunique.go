package hubspot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// A batch upsert (or update) by idProperty needs a property whose values
// HubSpot keeps unique ("idProperty query param refers to a property whose
// values are unique for the object", batch/upsert reference, 2026-03). The
// property list is held for a day, so an admin may have turned the
// property's "Require unique values" rule off since the plan chose it as
// the key; HubSpot then refuses the batch, 400 VALIDATION_ERROR "Unable to
// perform update/upsert by non-unique 0-1 property …" (as a user quoted it,
// HubSpot/hubspot-api-nodejs#548). The refusal is read from a whole-batch
// 4xx only: users report the whole batch refused with a 400
// (segmentio/action-destinations#3957); HubSpot's error-handling guide
// describes per-input 207 errors for the batch create endpoints only
// ("Multi-status errors"), and the batch/upsert spec declares a 207
// without saying for which errors. A per-input refusal of the key would
// fail its records with HubSpot's words but keep the cached property list
// [unverified: HubSpot's docs show neither shape for this refusal].
//
// The records are failed, not written another way: the engine planned them
// as idempotent upserts (journal, replay), and without a unique key two
// records may hold the value, which only a plan's matching can sort out.
// The property list is read again (held and cached), so the next run plans
// plain creates with its own matching and lookups instead of meeting the
// same refusal until the cache expires.

// keyRefusal is HubSpot's refusal of a batch written by prop, a key it no
// longer keeps unique.
type keyRefusal struct {
	prop string
	se   standardError
}

func (e *keyRefusal) Error() string {
	return fmt.Sprintf("refused %s as a key: %s", e.prop, e.se.Message)
}

// refusedKey reports whether the batch's error he is HubSpot refusing
// prop, the batch's idProperty, as a key: the message names the property
// and says it is not unique (matched loosely, HubSpot's exact words being
// [unverified]).
func refusedKey(he hsError, prop string) bool {
	if prop == "" || prop == "hs_object_id" || he.Category != "VALIDATION_ERROR" {
		return false
	}
	m := strings.ToLower(he.Message)
	return strings.Contains(m, "unique") && strings.Contains(m, strings.ToLower(prop))
}

// failRefusedKey fails rest (the refused batch and every later input of the
// call, all by the same key) when err is a keyRefusal, after reading the
// property list again; any other err is returned as it is.
func (c *Connector) failRefusedKey(ctx context.Context, object string, rest []pending, results []connector.Result, err error) error {
	var kr *keyRefusal
	if !errors.As(err, &kr) {
		return err
	}
	sc, ferr := c.Schema(connector.WithFreshSchema(ctx), object)
	if ferr != nil {
		return fmt.Errorf("read the properties again after HubSpot %w: %w", kr, ferr)
	}
	what := "no longer requires unique values in HubSpot"
	if f, ok := sc.Field(kr.prop); ok && f.Unique {
		what = "is refused as a unique key by HubSpot although its property list marks it unique" // [unverified] a change still spreading
	}
	for _, p := range rest {
		if r := results[p.idx]; r.Err != nil || r.ID != "" {
			continue // answered by an earlier half of a split batch
		}
		results[p.idx].Err = &connector.RecordError{Vendor: vendor, Object: object, RecordID: p.in.ID,
			Category: connector.CatValidation, Field: kr.prop, Code: kr.se.Category,
			Message: fmt.Sprintf("%s %s, so %s records cannot be created or updated by it; not written (HubSpot: %s); the next run writes them without it",
				kr.prop, what, object, kr.se.Message)}
	}
	return nil
}
