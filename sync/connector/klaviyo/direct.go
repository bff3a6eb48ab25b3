package klaviyo

import (
	"context"
	"fmt"
	"net/http"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// directMax is the most profiles of a batch written one call each rather
// than through a bulk import job. Klaviyo's Bulk Import Profiles guide:
// the job "should not be used for updating a small number of profiles.
// In those cases, we recommend using our synchronous profile APIs". A job
// costs its submit and at least one poll (usually two: queued, then
// processing), plus its profiles when it creates, all on the jobs' M tier
// (10/s, 150/m); a profile call is one request on the profiles' L tier
// (75/s, 700/m) and answers at once. Up to three profiles, the calls one
// at a time are never more than a job's, and cost a smaller share of a
// far larger window.
const directMax = 3

// directly reports whether items go one call each: few enough, and none a
// create or upsert that blanks a field. A job ignores those nulls while
// create-or-update would clear the field of a profile it lands on, so
// such an item keeps the job's behaviour.
func directly(items []item) bool {
	if len(items) > directMax {
		return false
	}
	for _, it := range items {
		if it.clears && it.op.Kind != connector.OpUpdate {
			return false
		}
	}
	return true
}

// writeDirect writes each item in one call: an update by PATCH
// /api/profiles/{id}, a plain create by POST /api/profiles (Create
// Profile, 409 duplicate_profile when an identifier is held: it never
// lands on another profile), an upsert by POST /api/profile-import
// (Create or Update Profile, 201 created, 200 updated). existed names
// the profiles held before the write, as for a job. Only a failure of a
// whole call is returned.
func (c *Connector) writeDirect(ctx context.Context, items []item, res []connector.Result, existed map[string]bool) error {
	for _, it := range items {
		var err error
		switch it.op.Kind {
		case connector.OpUpdate:
			err = c.patch(ctx, it, res)
		case connector.OpCreate:
			// Not resent after a 5xx or a broken connection: the journal
			// and a lookup settle a create whose answer was lost.
			err = c.createOne(transport.NoReplay(ctx), it, "/api/profiles", res, existed)
		default:
			err = c.createOne(ctx, it, "/api/profile-import", res, existed)
		}
		if err != nil {
			return fmt.Errorf("klaviyo: write profile %s: %w", describe(it.email), err)
		}
	}
	return nil
}

// createOne sends it to path (create, or create-or-update) and sets its
// Result: the profile's id, Created when Klaviyo made it (201) and it was
// not held before.
func (c *Connector) createOne(ctx context.Context, it item, path string, res []connector.Result, existed map[string]bool) error {
	r, err := c.call(ctx, http.MethodPost, path, map[string]any{"data": it.body})
	if err != nil {
		return err
	}
	defer r.Release()
	switch r.Status {
	case http.StatusOK, http.StatusCreated:
		var doc struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		if err := r.Decode(&doc); err != nil {
			return err
		}
		if doc.Data.ID == "" {
			return r.Fail("the profile came back without an id")
		}
		res[it.i].ID = doc.Data.ID
		res[it.i].Created = r.Status == http.StatusCreated && !existed[doc.Data.ID]
		return nil
	}
	return c.refused(r, it, res)
}

// refused fails it's Result with Klaviyo's error for a 4xx about the
// profile (400 invalid, 404 gone, 409 duplicate_profile, 413, 422); any
// other answer is the call's failure.
func (c *Connector) refused(r *response, it item, res []connector.Result) error {
	switch r.Status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		if errs := r.errorsOf(); len(errs) > 0 {
			re := recordError(it, errs[0])
			re.Category = connector.StatusCategory(r.Status)
			res[it.i].Err = re
		} else {
			res[it.i].Err = (&rejection{status: r.Status}).recordError(it)
		}
		return nil
	}
	return r.apiError()
}
