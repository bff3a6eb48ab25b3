package mailchimp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// audienceNameKey keeps the name of an audience a sync chose by id
// ("members:<list id>"), pinned so it outlives the metadata cache that
// audienceGone drops: once Mailchimp answers 404 for the audience its
// name can no longer be read, and the failure should still name it.
func audienceNameKey(listID string) string { return "mailchimp/3.0/audience-name/" + listID }

// chosenAudience is the audience of "members:<id>", named as last read.
// A name that cannot be read from the store only leaves it unnamed in
// messages (the cache's owner logs the failure); the list is the same.
func (c *Connector) chosenAudience(ctx context.Context, id string) audience {
	a := audience{ID: id}
	if b, ok, _ := c.meta.Pinned(ctx, audienceNameKey(id)); ok {
		var kept audience
		if json.Unmarshal(b, &kept) == nil && kept.ID == id {
			a.Name = kept.Name
		}
	}
	return a
}

// learnAudienceName reads the name of aud (GET /lists/{list_id}?fields=id,name,
// one call when the schema is read from Mailchimp, at most daily) and keeps
// it for chosenAudience. A 404 is audienceGone's failure.
func (c *Connector) learnAudienceName(ctx context.Context, aud audience) (audience, error) {
	r, err := c.call(ctx, http.MethodGet, "/lists/"+url.PathEscape(aud.ID)+"?fields=id,name", nil)
	if err != nil {
		return aud, err
	}
	switch r.Status {
	case http.StatusOK:
	case http.StatusNotFound:
		return aud, c.audienceGone(ctx, r, aud)
	default:
		return aud, r.apiError()
	}
	var read audience
	if err := r.Decode(&read); err != nil {
		return aud, err
	}
	if read.Name == "" || read.Name == aud.Name {
		return aud, nil
	}
	aud.Name = read.Name
	b, err := json.Marshal(aud)
	if err == nil {
		err = c.meta.Pin(ctx, audienceNameKey(aud.ID), b)
	}
	if err != nil {
		return aud, fmt.Errorf("mailchimp: keep the name of %s: %w", aud, err)
	}
	return aud, nil
}
