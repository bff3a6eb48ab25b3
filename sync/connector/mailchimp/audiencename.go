package mailchimp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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
	if err := c.pinJSON(ctx, audienceNameKey(aud.ID), aud); err != nil {
		return aud, fmt.Errorf("mailchimp: keep the name of %s: %w", aud, err)
	}
	return aud, nil
}

// keepListedNames refreshes the kept name of each listed audience (GET
// /lists, for the sync editor) that a sync chose by id, and of the
// connection's pinned "members", where Mailchimp now names it otherwise.
// The editor then shows the new name; kept as it was, a later failure
// (the audience deleted) would name it as it was before the rename, which
// the user no longer sees anywhere. No extra call: the listing has the
// names. A name that cannot be stored only leaves the old one in
// messages (the cache's owner logs the failure).
func (c *Connector) keepListedNames(ctx context.Context, listed []audience) {
	for _, a := range listed {
		if a.ID == "" || a.Name == "" {
			continue
		}
		if kept := c.chosenAudience(ctx, a.ID); kept.Name != "" && kept.Name != a.Name {
			_ = c.pinJSON(ctx, audienceNameKey(a.ID), a) // the cache's owner logs its failures
		}
	}
	c.keepDefaultName(ctx, listed)
}

// keepDefaultName renames the pinned "members" audience when listed holds
// it under another name. Only a pin is renamed: an audience a
// connection's runs merely cached is pinned by its next run
// (defaultAudience), which says so in the log.
func (c *Connector) keepDefaultName(ctx context.Context, listed []audience) {
	b, ok, _ := c.meta.Pinned(ctx, defaultAudienceKey)
	var kept audience
	if !ok || json.Unmarshal(b, &kept) != nil || kept.ID == "" {
		return
	}
	i := slices.IndexFunc(listed, func(a audience) bool { return a.ID == kept.ID })
	if i < 0 || listed[i].Name == "" || listed[i].Name == kept.Name {
		return
	}
	_ = c.pinJSON(ctx, defaultAudienceKey, listed[i]) // the cache's owner logs its failures
	c.mu.Lock()
	if c.dflt != nil && c.dflt.ID == kept.ID {
		c.dflt.Name = listed[i].Name
	}
	c.mu.Unlock()
}

// pinJSON pins a, as JSON, under key.
func (c *Connector) pinJSON(ctx context.Context, key string, a audience) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return c.meta.Pin(ctx, key, b)
}
