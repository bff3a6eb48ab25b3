package mailchimp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/crmsync/crmsync/sync/connector"
)

// listsPage is the most audiences GET /lists returns at once.
const listsPage = 1000

// ListObjects names every audience of the account, oldest first: the
// connection's default audience as "members" (what a sync naming
// "members" reads: the one pinned, or else the oldest), each other as
// "members:<list id>", labelled with the audience's name so a person can
// tell them apart. When the pinned audience is gone, "members" is listed
// last, named as deleted, with a note saying what to do (deletedChoice);
// when the account has no audience at all, "members" says so
// (noAudienceChoice).
func (c *Connector) ListObjects(ctx context.Context) ([]connector.ObjectChoice, error) {
	pinned, err := c.pinnedAudience(ctx)
	if err != nil {
		return nil, err
	}
	var out []connector.ObjectChoice
	listed := false
	for offset := 0; ; offset += listsPage {
		page, err := c.audiences(ctx, listsPage, offset)
		if err != nil {
			return nil, err
		}
		c.keepListedNames(ctx, page.Lists)
		for _, a := range page.Lists {
			if a.ID == "" {
				continue
			}
			name := listPrefix + a.ID
			if a.ID == pinned.ID || pinned.ID == "" && len(out) == 0 {
				name, listed = objMembers, true
			}
			label := "Audience " + strconv.Quote(a.Name) + " (" + name + ")"
			if a.Name == "" {
				label = "Audience " + a.ID + " (" + name + ")"
			}
			out = append(out, connector.ObjectChoice{Name: name, Label: label})
		}
		if len(page.Lists) < listsPage || offset+listsPage >= page.Total {
			break
		}
	}
	switch {
	case pinned.ID != "" && !listed:
		out = append(out, deletedChoice(pinned))
	case len(out) == 0:
		out = append(out, noAudienceChoice())
	}
	return out, nil
}

// noAudienceMessage says what an account without any audience means for
// a sync of "members" and what to do.
const noAudienceMessage = "the Mailchimp account has no audience: create one in Mailchimp (Audience > Create audience), then sync again"

// noAudienceChoice is "members" when the account has no audience at all
// (and none is kept for the connection): labelled as such, with what to
// do, rather than the bare object name as its own label.
func noAudienceChoice() connector.ObjectChoice {
	return connector.ObjectChoice{Name: objMembers, Label: "No audience in this Mailchimp account (members)",
		Note: "The Mailchimp account has no audience, so there are no members to sync. Next: create one in Mailchimp " +
			"(Audience > Create audience), then list the objects again; \"members\" is then that audience."}
}

// deletedChoice is "members" when the audience it is kept to is no longer
// in the account: named, marked as deleted, and with what to do, since
// crmsync never moves "members" to another audience by itself.
func deletedChoice(a audience) connector.ObjectChoice {
	label := "Audience " + strconv.Quote(a.Name)
	if a.Name == "" {
		label = "Audience " + a.ID
	}
	return connector.ObjectChoice{Name: objMembers, Label: label + " (members, deleted in Mailchimp)",
		Note: "Mailchimp no longer has " + a.String() + ", the audience this connection's \"members\" syncs: it was deleted, " +
			"or this connection cannot see it. Nothing is written to another audience. Next: choose another audience as this side's object, " +
			"or, if the audience is in another Mailchimp account, reconnect this connection to that account."}
}

// pinnedAudience is the audience the connection's "members" is kept to
// (defaultAudience): the one pinned, or, for a connection set up before
// pinning, the one its runs cached, however old, which its next run pins;
// zero when there is neither. Listing the oldest audience as "members"
// for such a connection would name another audience than its runs use.
func (c *Connector) pinnedAudience(ctx context.Context) (audience, error) {
	c.mu.Lock()
	a := c.dflt
	c.mu.Unlock()
	if a != nil {
		return *a, nil
	}
	b, ok, err := c.meta.Pinned(ctx, defaultAudienceKey)
	if err != nil {
		return audience{}, fmt.Errorf("mailchimp: the audience this connection syncs: %w", err)
	}
	if !ok {
		b, ok, err = c.meta.Last(ctx, defaultAudienceKey)
		if err != nil {
			return audience{}, fmt.Errorf("mailchimp: the audience this connection's runs used: %w", err)
		}
		if !ok {
			return audience{}, nil
		}
	}
	var p audience
	_ = json.Unmarshal(b, &p)
	return p, nil
}

// audiencePage is one page of GET /lists.
type audiencePage struct {
	Lists    []audience `json:"lists"`
	Total    int        `json:"total_items"`
	endpoint string
}

// audiences reads count of the account's audiences from offset, oldest
// first: the order that makes the first one the default ("members").
func (c *Connector) audiences(ctx context.Context, count, offset int) (audiencePage, error) {
	q := url.Values{"sort_field": {"date_created"}, "sort_dir": {"ASC"}, "count": {strconv.Itoa(count)},
		"offset": {strconv.Itoa(offset)}, "fields": {"lists.id,lists.name,total_items"}}
	r, err := c.call(ctx, http.MethodGet, "/lists?"+q.Encode(), nil)
	if err != nil {
		return audiencePage{}, err
	}
	if r.Status != http.StatusOK {
		return audiencePage{}, r.apiError()
	}
	page := audiencePage{endpoint: r.Endpoint}
	return page, r.Decode(&page)
}
