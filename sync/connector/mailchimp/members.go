package mailchimp

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/crmsync/crmsync/sync/connector"
)

// updateAll updates ops[idx], one PATCH per member, a few at once. A
// failure that stops the run (sign-in, budget, cancel) is returned; any
// other fails its own member.
func (c *Connector) updateAll(ctx context.Context, sc *schema, ops []connector.Op, idx []int, results []connector.Result) error {
	err := c.each(ctx, len(idx), func(ctx context.Context, j int) error {
		i := idx[j]
		res, err := c.update(ctx, sc, ops[i])
		if err != nil {
			if connector.Stops(ctx, err) {
				return err
			}
			res = connector.Result{Err: connector.RecordFailure(vendor, sc.Object, ops[i].ID, err)}
		}
		if err := c.unlessAudienceGone(ctx, sc, res.Err); err != nil {
			return err
		}
		results[i] = res
		return nil
	})
	if err != nil {
		return fmt.Errorf("mailchimp: update members: %w", err)
	}
	return nil
}

// update changes one member's given fields (PATCH
// /lists/{list_id}/members/{contact_id}), its email address included: the
// contact_id stays. An address is written whole, so parts the op does not
// change are read first and sent as they are. PATCH takes no tags: the
// member's tags are then set through its tags endpoint (setTags).
func (c *Connector) update(ctx context.Context, sc *schema, op connector.Op) (connector.Result, error) {
	if op.ID == "" {
		return connector.Result{Err: refuse(sc.Object, "", "", "MISSING_ID", "an update needs the member's contact_id")}, nil
	}
	b, addrs, rerr := sc.body(op)
	if rerr != nil {
		return connector.Result{Err: rerr}, nil
	}
	tags, setTags := b[fTags].([]string)
	delete(b, fTags)
	var current *member
	missing := func() connector.Result {
		return connector.Result{Err: &connector.RecordError{Vendor: vendor, Object: sc.Object, RecordID: op.ID, Category: connector.CatNotFound,
			Code: "Resource Not Found", Message: "the " + sc.aud.String() + " has no member " + op.ID}}
	}
	// load reads the member once, for what it holds now; false when it
	// is gone.
	load := func() (bool, error) {
		if current != nil {
			return true, nil
		}
		m, found, err := c.getMember(ctx, sc, op.ID)
		if found {
			current = &m
		}
		return found, err
	}
	for tag, parts := range addrs {
		if len(parts) < len(addressParts) {
			if found, err := load(); err != nil || !found {
				return missing(), err
			}
			have, err := readAddress(current.MergeFields[tag])
			if err != nil {
				return connector.Result{}, &connector.Error{Vendor: vendor, Category: connector.CatServer, Message: fmt.Sprintf("member %s: merge field %s: %v", op.ID, tag, err)}
			}
			for p, v := range have {
				if _, given := parts[p]; !given {
					parts[p] = v
				}
			}
		}
		mergeFields(b)[tag] = addressValue(parts)
	}
	id := op.ID
	if len(b) > 0 {
		r, err := c.call(ctx, http.MethodPatch, c.memberPath(sc, op.ID), b)
		if err != nil {
			return connector.Result{}, err
		}
		if r.Status != http.StatusOK {
			res, err := c.failed(r, sc, op.ID)
			if re, ok := res.Err.(*connector.RecordError); ok && re.Field == "" {
				re.Field = sc.interestFieldOf(re.Message, op)
			}
			return res, err
		}
		var m member
		if err := r.Decode(&m); err != nil {
			return connector.Result{}, err
		}
		if setTags {
			if err := c.completeTags(ctx, sc, &m); err != nil {
				return connector.Result{}, err
			}
		}
		id, current = firstNonEmpty(m.ContactID, op.ID), &m // the member as it is now, tags included
	}
	if !setTags {
		return connector.Result{ID: id}, nil
	}
	if found, err := load(); err != nil || !found {
		return missing(), err
	}
	return c.setTags(ctx, sc, op, id, *current, tags)
}

// memberTag is one change of POST
// /lists/{list_id}/members/{subscriber_hash}/tags.
type memberTag struct {
	Name   string `json:"name"`
	Status string `json:"status"` // active adds the tag, inactive removes it
}

// tagChanges turns a member's tags into want: each wanted tag it lacks is
// made active, each it has that is not wanted inactive. A tag whose name
// holds connector.MultiSep is never removed: the tags field cannot show
// it, so no value read from it can mean to drop it.
func tagChanges(have []string, want []string) []memberTag {
	var out []memberTag
	for _, t := range want {
		if !slices.Contains(have, t) {
			out = append(out, memberTag{Name: t, Status: "active"})
		}
	}
	for _, t := range have {
		if !slices.Contains(want, t) && !strings.Contains(t, connector.MultiSep) {
			out = append(out, memberTag{Name: t, Status: "inactive"})
		}
	}
	return out
}

// setTags gives member m (as just read or patched) exactly the tags want:
// POST /lists/{list_id}/members/{subscriber_hash}/tags with the
// difference, nothing when there is none. The endpoint takes the
// subscriber hash of the member's address (the spec names no other key for
// it) and answers 204; tags it is not sent stay, so one added in Mailchimp
// meanwhile is kept. is_syncing is left false: automations a marketer
// triggers by tag run as they do for tags batch subscribe sets.
func (c *Connector) setTags(ctx context.Context, sc *schema, op connector.Op, id string, m member, want []string) (connector.Result, error) {
	have := make([]string, 0, len(m.Tags))
	for _, t := range m.Tags {
		have = append(have, t.Name)
	}
	changes := tagChanges(have, want)
	if len(changes) == 0 {
		return connector.Result{ID: id}, nil
	}
	if m.EmailAddress == "" {
		return connector.Result{}, &connector.Error{Vendor: vendor, Category: connector.CatServer, Message: "member " + op.ID + " was read without its email address"}
	}
	r, err := c.call(ctx, http.MethodPost, c.memberPath(sc, subscriberHash(m.EmailAddress))+"/tags", map[string]any{"tags": changes})
	if err != nil {
		return connector.Result{}, err
	}
	if r.Status != http.StatusNoContent && r.Status != http.StatusOK {
		res, err := c.failed(r, sc, op.ID)
		if re, ok := res.Err.(*connector.RecordError); ok {
			re.Field = fTags // the fields a 400 names are the request's (name, status)
		}
		return res, err
	}
	return connector.Result{ID: id}, nil
}

// failed reads a single member call's failure: a lost sign-in stops the
// run (returned as the call's error); anything else is the member's
// RecordError, naming the field a 400's errors blame.
func (c *Connector) failed(r *response, sc *schema, id string) (connector.Result, error) {
	if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden {
		return connector.Result{}, r.apiError()
	}
	e := r.apiError()
	re := &connector.RecordError{Vendor: vendor, Object: sc.Object, RecordID: id, Category: e.Category, Code: e.Code, Message: e.Message}
	if p, ok := r.problemOf(); ok && len(p.Errors) > 0 {
		re.Field = sc.fieldOf(p.Errors[0].Field)
	}
	return connector.Result{Err: re}, nil
}

// Delete archives members (DELETE /lists/{list_id}/members/{contact_id}):
// what the Mailchimp app calls deleting a contact. An archived member
// keeps its history and can be added again; ListDeleted reports it.
func (c *Connector) Delete(ctx context.Context, object string, ids []string) ([]connector.Result, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, fmt.Errorf("mailchimp: archive %s: %w", object, err)
	}
	out := make([]connector.Result, len(ids))
	err = c.each(ctx, len(ids), func(ctx context.Context, i int) error {
		id := ids[i]
		if id == "" {
			out[i].Err = refuse(object, "", "", "MISSING_ID", "an archive needs the member's contact_id")
			return nil
		}
		r, err := c.call(ctx, http.MethodDelete, c.memberPath(sc, id), nil)
		if err == nil && r.Status != http.StatusNoContent && r.Status != http.StatusOK {
			out[i], err = c.failed(r, sc, id)
		} else if err == nil {
			out[i] = connector.Result{ID: id}
		}
		if err != nil {
			if connector.Stops(ctx, err) {
				return err
			}
			out[i].Err = connector.RecordFailure(vendor, object, id, err)
		}
		return c.unlessAudienceGone(ctx, sc, out[i].Err)
	})
	if err != nil {
		return nil, fmt.Errorf("mailchimp: archive %s: %w", object, err)
	}
	return out, nil
}

// Lookup finds members by email address, one GET
// /lists/{list_id}/members/{subscriber_hash} per address, a few at once;
// an address the audience does not hold (404) is not found. An archived
// member comes Deleted.
func (c *Connector) Lookup(ctx context.Context, object, field string, values []string) ([]connector.Record, error) {
	if field != fEmail {
		return nil, fmt.Errorf("mailchimp: lookup %s by %s: Mailchimp finds members by email_address only: %w", object, field, connector.ErrNoLookup)
	}
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, fmt.Errorf("mailchimp: lookup %s: %w", object, err)
	}
	found := make([]*connector.Record, len(values))
	err = c.each(ctx, len(values), func(ctx context.Context, i int) error {
		email := strings.TrimSpace(values[i])
		if email == "" {
			return nil
		}
		m, ok, err := c.getMember(ctx, sc, subscriberHash(email))
		if err != nil || !ok {
			return err
		}
		rec, err := c.toRecord(sc, m)
		if err != nil {
			return err
		}
		found[i] = &rec
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mailchimp: lookup %s by %s: %w", object, field, err)
	}
	var out []connector.Record
	seen := map[string]bool{}
	for _, r := range found {
		if r != nil && !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, *r)
		}
	}
	return out, nil
}

// oneMemberFields are what reading one member asks for.
var oneMemberFields = strings.ReplaceAll(strings.TrimSuffix(memberFields, ",total_items"), "members.", "")

// getMember reads one member by subscriber hash, email address or
// contact_id; found is false on a 404.
func (c *Connector) getMember(ctx context.Context, sc *schema, key string) (member, bool, error) {
	var m member
	r, err := c.call(ctx, http.MethodGet, c.memberPath(sc, key)+"?"+url.Values{"fields": {oneMemberFields}}.Encode(), nil)
	if err != nil {
		return m, false, err
	}
	switch r.Status {
	case http.StatusOK:
		if err := r.Decode(&m); err != nil {
			return m, true, err
		}
		return m, true, c.completeTags(ctx, sc, &m)
	case http.StatusNotFound:
		return m, false, nil
	}
	return m, false, r.apiError()
}

func (c *Connector) memberPath(sc *schema, key string) string {
	return "/lists/" + url.PathEscape(sc.aud.ID) + "/members/" + url.PathEscape(key)
}

// subscriberHash is Mailchimp's id of an address in an audience: the MD5
// of its lowercase form.
func subscriberHash(email string) string {
	sum := md5.Sum([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:])
}

// each runs fn(ctx, i) for i in [0, n) on up to workers goroutines, and
// stops starting calls once one returns an error, which it returns (the
// first). fn records its own outcomes; it returns an error only when the
// whole operation must stop.
func (c *Connector) each(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	sem := make(chan struct{}, workers)
	started := 0
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		started++
		wg.Go(func() {
			defer func() { <-sem }()
			if err := fn(ctx, i); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				cancel()
			}
		})
	}
	wg.Wait()
	if first == nil && started < n {
		// Only the caller's context can have ended it early.
		first = context.Cause(ctx)
	}
	return first
}
