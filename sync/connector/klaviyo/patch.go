package klaviyo

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/crmsync/crmsync/sync/connector"
)

// A bulk import job does not clear fields: "The Bulk Import Profiles API
// does not support setting fields to null to clear them. Only fields
// explicitly provided with non-null values will be updated. To remove a
// field value from a profile, use the Update Profile endpoint with the
// field set to null" (Bulk Import Profiles API guide). So an update that
// blanks a standard attribute or a location part goes, whole, through
// PATCH /api/profiles/{id} (update_profile: "setting a field to null will
// clear out the field"), one call per profile, and stands or fails alone.
// A custom property blanked goes as meta.patch_properties.unset, which the
// job applies, so it needs no PATCH on its own.

// patchAll sends each item by PATCH and sets its Result. Only a failure of
// the whole call (auth, rate limit after retries, server) is returned.
func (c *Connector) patchAll(ctx context.Context, items []item, res []connector.Result) error {
	for _, it := range items {
		if err := c.patch(ctx, it, res); err != nil {
			return fmt.Errorf("klaviyo: update profile %s: %w", it.op.ID, err)
		}
	}
	return nil
}

// patch updates one profile: 200 sets its Result's id; a 4xx about the
// profile (400 invalid, 404 gone, 409 duplicate_profile) fails its Result
// with Klaviyo's code and detail.
func (c *Connector) patch(ctx context.Context, it item, res []connector.Result) error {
	r, err := c.call(ctx, http.MethodPatch, "/api/profiles/"+url.PathEscape(it.op.ID), map[string]any{"data": it.body})
	if err != nil {
		return err
	}
	defer r.Release()
	if r.Status == http.StatusOK || r.Status == http.StatusNoContent {
		res[it.i].ID = it.op.ID
		return nil
	}
	return c.refused(r, it, res)
}
