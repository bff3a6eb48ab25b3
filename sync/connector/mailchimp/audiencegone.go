package mailchimp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/crmsync/crmsync/sync/connector"
)

// unlessAudienceGone checks a member's "not found" (which the engine
// holds as the member deleted in Mailchimp) against its audience:
// Mailchimp answers 404 Resource Not Found alike for a member path of an
// audience that was deleted, and every member would then pass for
// deleted. When the audience is gone, err becomes a failure naming it with
// Mailchimp's answer (connector.CatTarget), returned too: every other
// member's call would meet the same answer, so the writes stop there. When
// that cannot be told, a server failure to retry. Only a failure that stops
// the run is returned.
func (c *Connector) unlessAudienceGone(ctx context.Context, sc *schema, err error) error {
	var re *connector.RecordError
	if !errors.As(err, &re) || re.Category != connector.CatNotFound || re.Field != "" {
		return nil
	}
	gone, cerr := c.audienceDeleted(ctx, sc.aud)
	switch {
	case cerr != nil && connector.Stops(ctx, cerr):
		return cerr
	case cerr != nil:
		re.Category = connector.CatServer
		re.Message += fmt.Sprintf(" (could not tell whether the %s still exists: %v)", sc.aud, cerr)
	case gone != nil:
		re.Category, re.Code = connector.CatTarget, gone.Code
		re.Message = gone.Message + " (" + gone.Endpoint + ")"
		if re.RecordID != "" {
			re.Message = "member " + re.RecordID + ": " + re.Message
		}
		return re
	}
	return nil
}

// audienceDeleted reads the audience (GET /lists/{list_id}?fields=id, one
// call): nil when it exists, audienceGone's error when Mailchimp answers
// 404. A deleted audience is remembered for the session, so its other
// members cost no more calls.
func (c *Connector) audienceDeleted(ctx context.Context, aud audience) (*connector.Error, error) {
	c.mu.Lock()
	gone := c.goneAudiences[aud.ID]
	c.mu.Unlock()
	if gone != nil {
		return gone, nil
	}
	r, err := c.call(ctx, http.MethodGet, "/lists/"+url.PathEscape(aud.ID)+"?fields=id", nil)
	if err != nil {
		return nil, err
	}
	switch r.Status {
	case http.StatusOK:
		return nil, nil
	case http.StatusNotFound:
		gone = c.audienceGone(ctx, r, aud)
	default:
		return nil, r.apiError()
	}
	c.mu.Lock()
	if c.goneAudiences == nil {
		c.goneAudiences = map[string]*connector.Error{}
	}
	c.goneAudiences[aud.ID] = gone
	c.mu.Unlock()
	return gone, nil
}
