package mailchimp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/crmsync/crmsync/sync/connector"
)

// minBatchUpdates is the fewest batchable updates worth a scan of the
// audience: one page and one batch subscribe must cost less than a PATCH
// each.
const minBatchUpdates = 4

// batchStatuses are the statuses of members whose updates may go through
// batch subscribe. Such a member is sent without a status, which leaves it
// as it is (as the upsert pass relies on); a pending member stays on PATCH
// so no write can start its confirmation again, a cleaned or archived one
// so batch subscribe never adds it back (archived members are not listed
// by default, so the scan never finds them).
var batchStatuses = map[string]bool{"subscribed": true, "unsubscribed": true, "transactional": true}

// scanned is a member as the audience scan saw it.
type scanned struct{ email, status string }

// batchUpdates sends the updates it can through batch subscribe
// (update_existing true, 500 a call) and returns the ones left for PATCH.
// An update's op names the member by contact_id and carries only the
// fields that change, while batch subscribe finds members by address:
// the audience is scanned (1,000 members a page, contact_id, address and
// status only) when that and the batches cost fewer calls than a PATCH
// each. A member goes in a batch only if the scan found it with a status
// of batchStatuses, the op keeps its address and sets no status, tags
// (set by difference, so a tag added meanwhile stays) or address parts
// (written whole, so read first).
func (c *Connector) batchUpdates(ctx context.Context, sc *schema, ops []connector.Op, idx []int, results []connector.Result) ([]int, error) {
	defer c.forget(sc, ops, idx)
	var cand, rest []int
	for _, i := range idx {
		if batchable(sc, ops[i]) {
			cand = append(cand, i)
		} else {
			rest = append(rest, i)
		}
	}
	if len(cand) < minBatchUpdates {
		return idx, nil
	}
	want := make(map[string]bool, len(cand))
	for _, i := range cand {
		want[ops[i].ID] = true
	}
	found, ok, err := c.scan(ctx, sc, want, len(cand))
	if err != nil {
		if connector.Stops(ctx, err) {
			return nil, fmt.Errorf("mailchimp: scan %s for batched updates: %w", sc.aud, err)
		}
		// The updates still go one by one.
		if c.log != nil {
			c.log.Warn("mailchimp: scan for batched updates failed; updating one member a call", "audience", sc.aud.ID, "error", err)
		}
		return idx, nil
	}
	if !ok {
		return idx, nil
	}
	var batch []int
	for _, i := range cand {
		m, seen := found[ops[i].ID]
		email, sent := ops[i].Fields[fEmail]
		if !seen || !batchStatuses[m.status] || sent && strings.TrimSpace(email) != m.email {
			rest = append(rest, i)
			continue
		}
		batch = append(batch, i)
	}
	for start := 0; start < len(batch); start += BatchSize {
		if err := c.batchUpdate(ctx, sc, ops, batch[start:min(start+BatchSize, len(batch))], found, results); err != nil {
			return nil, err
		}
	}
	return rest, nil
}

// batchable reports whether op could go in a batch subscribe, its member
// not yet known.
func batchable(sc *schema, op connector.Op) bool {
	if op.ID == "" {
		return false
	}
	for name := range op.Fields {
		if name == fStatus || name == fTags || sc.refs[name].part != "" {
			return false
		}
	}
	return true
}

// scan reads the contact_id, address and status of the audience's members
// (archived ones are not listed) and keeps those of want. ok is false,
// after the first page, when the scan and the batches of n updates would
// cost as many calls as n PATCHes.
func (c *Connector) scan(ctx context.Context, sc *schema, want map[string]bool, n int) (map[string]scanned, bool, error) {
	found := make(map[string]scanned, len(want))
	c.mu.Lock()
	all, cached := c.scans[sc.aud.ID]
	c.mu.Unlock()
	if cached {
		// One scan serves the session's later writes (the engine hands
		// them over BatchSize at a time): a member changed since goes by
		// PATCH, as in a race with the scan.
		for id := range want {
			if m, ok := all[id]; ok {
				found[id] = m
			}
		}
		return found, true, nil
	}
	all = map[string]scanned{}
	var mu sync.Mutex
	page := func(ctx context.Context, offset int) (int, error) {
		q := url.Values{"count": {strconv.Itoa(c.pageSize)}, "offset": {strconv.Itoa(offset)},
			"fields": {"members.contact_id,members.email_address,members.status,total_items"}}
		p, err := c.listMembers(ctx, sc, q)
		if err != nil {
			return 0, err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, m := range p.Members {
			all[m.ContactID] = scanned{email: m.EmailAddress, status: m.Status}
			if want[m.ContactID] {
				found[m.ContactID] = scanned{email: m.EmailAddress, status: m.Status}
			}
		}
		return p.TotalItems, nil
	}
	total, err := page(ctx, 0)
	if err != nil {
		return nil, false, err
	}
	pages := (total + c.pageSize - 1) / c.pageSize
	if pages+(n+BatchSize-1)/BatchSize >= n {
		return nil, false, nil
	}
	// A member that moves between pages meanwhile may be missed: its
	// update then goes by PATCH.
	err = c.each(ctx, pages-1, func(ctx context.Context, j int) error {
		_, err := page(ctx, (j+1)*c.pageSize)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	if c.scans == nil {
		c.scans = map[string]map[string]scanned{}
	}
	c.scans[sc.aud.ID] = all
	c.mu.Unlock()
	return found, true, nil
}

// forget drops from the session's scan the members whose address ops
// may change, so that no later batch names them by the old one.
func (c *Connector) forget(sc *schema, ops []connector.Op, idx []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	all := c.scans[sc.aud.ID]
	for _, i := range idx {
		if _, ok := ops[i].Fields[fEmail]; ok {
			delete(all, ops[i].ID)
		}
	}
}

// batchUpdate sends ops[batch] in one batch subscribe with update_existing,
// each member by the address the scan found and without a status, and
// fills their results. A member reported as new was not on the list any
// more (archived meanwhile): it is archived again and its update fails.
func (c *Connector) batchUpdate(ctx context.Context, sc *schema, ops []connector.Op, batch []int, found map[string]scanned, results []connector.Result) error {
	members := make([]map[string]any, 0, len(batch))
	sent := make(map[string]int, len(batch))
	for _, i := range batch {
		b, _, rerr := sc.body(ops[i])
		if rerr != nil {
			rerr.RecordID = ops[i].ID
			results[i].Err = rerr
			continue
		}
		email := found[ops[i].ID].email
		b[fEmail] = email
		sent[strings.ToLower(email)] = i
		members = append(members, b)
	}
	if len(members) == 0 {
		return nil
	}
	out, err, stop := c.postBatch(ctx, sc, map[string]any{"members": members, "update_existing": true})
	if stop != nil {
		return fmt.Errorf("mailchimp: batch update: %w", stop)
	}
	if err != nil {
		// Refused as a whole (the docs mark no member field required,
		// which is unverified): each member's PATCH says what is wrong.
		idx := make([]int, 0, len(sent))
		for _, i := range sent {
			idx = append(idx, i)
		}
		slices.Sort(idx)
		return c.updateAll(ctx, sc, ops, idx, results)
	}
	done := map[int]bool{}
	for _, m := range out.Updated {
		if i, ok := sent[strings.ToLower(strings.TrimSpace(m.EmailAddress))]; ok && !done[i] {
			results[i], done[i] = connector.Result{ID: ops[i].ID}, true
			if m.ContactID != "" && m.ContactID != ops[i].ID {
				results[i].Err = &connector.RecordError{Vendor: vendor, Object: sc.Object, RecordID: ops[i].ID, Category: connector.CatConflict, Field: fEmail,
					Code: "ADDRESS_MOVED", Message: fmt.Sprintf("the address %s now belongs to member %s, which was updated instead", m.EmailAddress, m.ContactID)}
			}
		}
	}
	var revived []int
	for _, m := range out.New {
		if i, ok := sent[strings.ToLower(strings.TrimSpace(m.EmailAddress))]; ok && !done[i] {
			revived, done[i] = append(revived, i), true
		}
	}
	for _, e := range out.Errors {
		if i, ok := sent[strings.ToLower(strings.TrimSpace(e.EmailAddress))]; ok && !done[i] {
			re := sc.batchFailure(e, ops[i])
			if _, known := sc.refs[re.Field]; !known || re.Field == fEmail {
				// Not about a field the op sets (the address may have left
				// the member meanwhile, and batch subscribe took it for a
				// new one): the member's PATCH says what is wrong.
				continue
			}
			re.RecordID = ops[i].ID
			results[i], done[i] = connector.Result{Err: re}, true
		}
	}
	if err := c.rearchive(ctx, sc, ops, revived, results); err != nil {
		return err
	}
	var missing []int
	for _, i := range sent {
		if !done[i] {
			missing = append(missing, i)
		}
	}
	// Not reported, or refused for no field of its own: its PATCH says
	// what became of it.
	return c.updateAll(ctx, sc, ops, missing, results)
}

// rearchive archives again the members a batched update brought back, and
// fails their updates: they were archived after the scan.
func (c *Connector) rearchive(ctx context.Context, sc *schema, ops []connector.Op, idx []int, results []connector.Result) error {
	err := c.each(ctx, len(idx), func(ctx context.Context, j int) error {
		i := idx[j]
		r, err := c.call(ctx, http.MethodDelete, c.memberPath(sc, ops[i].ID), nil)
		if err == nil && r.Status != http.StatusNoContent && r.Status != http.StatusOK {
			err = r.apiError()
		}
		if err != nil && connector.Stops(ctx, err) {
			return err
		}
		msg := "the member was archived before its update; it stays archived"
		if err != nil {
			msg = fmt.Sprintf("the member was archived before its update, which brought it back, and archiving it again failed: %v", err)
		}
		results[i].Err = &connector.RecordError{Vendor: vendor, Object: sc.Object, RecordID: ops[i].ID, Category: connector.CatNotFound,
			Code: "ARCHIVED", Message: msg}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mailchimp: archive members a batch update brought back: %w", err)
	}
	return nil
}
