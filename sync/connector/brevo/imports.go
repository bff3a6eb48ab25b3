package brevo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

const (
	// ImportMin is the fewest creates, all for the same lists, that go
	// through one POST /v3/contacts/import instead of one POST /v3/contacts
	// each: below it the import's polls and read-back cost more.
	ImportMin = 50
	// importMax is the most rows one import carries, and importBytes its
	// largest jsonBody: Brevo takes 10MB and recommends "a safe limit of
	// around 8 MB" (import-contacts).
	importMax   = 5000
	importBytes = 8 << 20
	// pollFirst and pollMax space the GET /v3/processes/{id} polls, which
	// fall under "all other endpoints" of Brevo's rate limits, far below
	// the contacts endpoints'.
	pollFirst = time.Second
	pollMax   = 30 * time.Second
	// importWait is how long an import may run before its contacts fail.
	importWait = 30 * time.Minute
)

// importable is it's import group (its lists, sorted), or "" when it must
// be created alone. An import row is only {email, attributes}
// (RequestContactImportJsonBody) and each import needs listIds ("Mandatory
// if newList is not defined"), so a create with an ext_id, an opt-out
// (only import-wide flags exist) or no list goes alone; so does one with a
// non-text attribute, since the reference does not say how an import
// parses dates, numbers or categories [unverified], and crmsync would not
// guess.
func importable(it item, d *schemaData) string {
	if it.op.Kind != connector.OpCreate || it.body["updateEnabled"] != nil || it.body["ext_id"] != nil ||
		it.body[fEmailBlacklisted] != nil || it.body[fSMSBlacklisted] != nil {
		return ""
	}
	if email, _ := it.body["email"].(string); email == "" {
		return ""
	}
	lists, _ := it.body["listIds"].([]int64)
	if len(lists) == 0 {
		return ""
	}
	attrs, _ := it.body["attributes"].(map[string]any)
	for name, v := range attrs {
		a, ok := d.attribute(name)
		if _, isStr := v.(string); !ok || !isStr || a.Type != "text" {
			return ""
		}
	}
	sorted := slices.Clone(lists)
	slices.Sort(sorted)
	key := make([]string, len(sorted))
	for k, l := range sorted {
		key[k] = strconv.FormatInt(l, 10)
	}
	return strings.Join(key, ",")
}

// splitImports takes out of items the creates that go through imports:
// groups of at least c.importMin for the same lists.
func (c *Connector) splitImports(items []item, d *schemaData) (singles []item, groups [][]item) {
	byKey := map[string][]item{}
	var keys []string
	for _, it := range items {
		k := importable(it, d)
		if k == "" {
			singles = append(singles, it)
			continue
		}
		if byKey[k] == nil {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], it)
	}
	for _, k := range keys {
		if g := byKey[k]; len(g) >= c.importMin {
			groups = append(groups, g)
		} else {
			singles = append(singles, g...)
		}
	}
	return singles, groups
}

// importAll creates a group in imports of up to importMax rows and
// importBytes.
func (c *Connector) importAll(ctx context.Context, group []item, res []connector.Result) error {
	var chunk []item
	size := 0
	for _, it := range group {
		row, _ := json.Marshal(importRow(it))
		if len(chunk) > 0 && (len(chunk) == importMax || size+len(row) > importBytes) {
			if err := c.importChunk(ctx, chunk, res); err != nil {
				return err
			}
			chunk, size = nil, 0
		}
		chunk, size = append(chunk, it), size+len(row)+1
	}
	if len(chunk) == 0 {
		return nil
	}
	return c.importChunk(ctx, chunk, res)
}

func importRow(it item) map[string]any {
	row := map[string]any{"email": it.body["email"]}
	if a, ok := it.body["attributes"]; ok {
		row["attributes"] = a
	}
	return row
}

// importChunk creates items with one POST /v3/contacts/import, polls its
// process until done, then reads the contacts created since the import
// began (GET /v3/contacts?createdSince, 1,000 a page) to learn their ids by
// email. updateExistingContacts is false, so a contact already holding
// an email is left alone; the newest contacts before the import are read
// first (one page) so that none of them, even one created a moment
// before, is taken for a new one. Brevo reports refused rows only as CSV
// files of undocumented form (get-process, info.import), so every row not
// found afterwards, or found holding other values (a contact someone else
// created with that email while the import ran, which the import left
// alone), and a second row for an email, is created alone with
// POST /v3/contacts: it then fails with Brevo's own code and message, or
// as a duplicate naming the contact, and no row is lost.
func (c *Connector) importChunk(ctx context.Context, items []item, res []connector.Result) error {
	var rows []map[string]any
	var sent, missing []item
	seen := map[string]bool{}
	for _, it := range items {
		email := emailKey(it)
		if seen[email] {
			missing = append(missing, it)
			continue
		}
		seen[email] = true
		sent, rows = append(sent, it), append(rows, importRow(it))
	}
	since, before, err := c.newest(ctx)
	if err != nil {
		if connector.Stops(ctx, err) {
			return err
		}
		return c.failAll(ctx, items, res, fmt.Errorf("read the newest contacts before an import: %w", err))
	}
	lists, _ := items[0].body["listIds"].([]int64)
	r, err := c.call(ctx, http.MethodPost, "/v3/contacts/import", map[string]any{"jsonBody": rows, "listIds": lists,
		"updateExistingContacts": false, "disableNotification": true})
	if err != nil {
		if connector.Stops(ctx, err) {
			return err
		}
		return c.failAll(ctx, items, res, fmt.Errorf("import %d contacts: %w", len(sent), err))
	}
	defer r.Release()
	if r.Status != http.StatusAccepted && r.Status != http.StatusOK && r.Status != http.StatusCreated {
		if err := r.failure(); err != nil {
			return c.failAll(ctx, items, res, err)
		}
		// A refused import: each contact alone gets Brevo's answer.
		if c.log != nil {
			c.log.Warn("brevo: an import was refused; creating its contacts one by one", "error", r.apiError())
		}
		return c.createAll(ctx, items, res)
	}
	var out struct {
		ProcessID int64 `json:"processId"`
	}
	if err := r.Decode(&out); err != nil || out.ProcessID == 0 {
		return c.failAll(ctx, items, res, r.Fail("the import's processId is missing"))
	}
	if err := c.awaitProcess(ctx, out.ProcessID); err != nil {
		return c.failAll(ctx, items, res, err)
	}
	ids, err := c.createdSince(ctx, since, before, seen)
	if err != nil {
		return c.failAll(ctx, items, res, fmt.Errorf("read the contacts Brevo's import %d created: %w", out.ProcessID, err))
	}
	for _, it := range sent {
		if ct, ok := ids[emailKey(it)]; ok && holdsRow(ct, it) {
			res[it.i] = connector.Result{ID: strconv.FormatInt(ct.ID, 10), Created: true}
		} else {
			// Not found, or created meanwhile by someone else with other
			// values (the import left it alone): created alone, the row
			// fails as a duplicate naming it, not taken for ours.
			missing = append(missing, it)
		}
	}
	return c.createAll(ctx, missing, res)
}

// holdsRow reports whether ct holds the text attributes the import row of
// it carried, as a contact the import created does. Numbers, dates and
// phones are left out: Brevo may store them in its own form.
func holdsRow(ct contact, it item) bool {
	attrs, _ := it.body["attributes"].(map[string]any)
	for name, v := range attrs {
		want, ok := v.(string)
		if !ok || isPhoneAttr(strings.ToUpper(name)) {
			continue
		}
		var got string
		if raw, ok := ct.Attributes[strings.ToUpper(name)]; ok && json.Unmarshal(raw, &got) != nil {
			continue
		}
		if !strings.EqualFold(strings.TrimSpace(got), strings.TrimSpace(want)) {
			return false
		}
	}
	return true
}

// isPhoneAttr reports whether name is one of Brevo's phone attributes,
// which it stores normalized.
func isPhoneAttr(name string) bool {
	switch name {
	case "SMS", "WHATSAPP", "LANDLINE_NUMBER":
		return true
	}
	return false
}

func emailKey(it item) string {
	email, _ := it.body["email"].(string)
	return strings.ToLower(strings.TrimSpace(email))
}

// newestPage is how many of the newest contacts newest reads: enough for
// any created in the same millisecond as the newest.
const newestPage = 50

// newest is the creation time of the account's newest contact and the ids
// of those created then or after it (GET /v3/contacts, sort desc by
// creation); zero and none for an empty account.
func (c *Connector) newest(ctx context.Context) (time.Time, map[int64]bool, error) {
	q := url.Values{"limit": {strconv.Itoa(newestPage)}, "offset": {"0"}, "sort": {"desc"}}
	page, err := c.contactsPage(ctx, q)
	if err != nil || len(page) == 0 {
		return time.Time{}, nil, err
	}
	t, err := time.Parse(time.RFC3339Nano, page[0].CreatedAt)
	if err != nil {
		return time.Time{}, nil, fmt.Errorf("the newest contact's createdAt %q: %w", page[0].CreatedAt, err)
	}
	ids := map[int64]bool{}
	for _, ct := range page {
		ids[ct.ID] = true
	}
	return t, ids, nil
}

func (c *Connector) contactsPage(ctx context.Context, q url.Values) ([]contact, error) {
	r, err := c.call(ctx, http.MethodGet, "/v3/contacts?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	defer r.Release()
	if r.Status != http.StatusOK {
		return nil, r.apiError()
	}
	var page struct {
		Contacts []contact `json:"contacts"`
	}
	if err := r.Decode(&page); err != nil {
		return nil, err
	}
	return page.Contacts, nil
}

// awaitProcess polls GET /v3/processes/{id} (get-process: queued,
// in_process, processing, completed, failed, cancelled) until it ends,
// waiting longer each time. A failed or cancelled import is not an error
// here: its rows are looked for like any other.
func (c *Connector) awaitProcess(ctx context.Context, id int64) error {
	wait, deadline := c.pollFirst, time.Now().Add(c.importWait)
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		r, err := c.call(ctx, http.MethodGet, "/v3/processes/"+strconv.FormatInt(id, 10), nil)
		if err != nil {
			return fmt.Errorf("poll Brevo's import process %d: %w", id, err)
		}
		var p struct {
			Status string `json:"status"`
		}
		ok := r.Status == http.StatusOK
		if ok {
			err = r.Decode(&p)
		} else {
			err = r.apiError()
		}
		r.Release()
		if err != nil {
			return fmt.Errorf("poll Brevo's import process %d: %w", id, err)
		}
		switch p.Status {
		case "completed", "failed", "cancelled":
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("brevo: import process %d is still %s after %s: it may yet create these contacts, which the next run then finds as duplicates to link", id, p.Status, c.importWait)
		}
		wait = min(2*wait, c.pollMax)
	}
}

// createdSince is the contact of each wanted email among the contacts
// created since t, other than those in before, read by pages until every
// email is found.
func (c *Connector) createdSince(ctx context.Context, t time.Time, before map[int64]bool, want map[string]bool) (map[string]contact, error) {
	ids := map[string]contact{}
	for offset := 0; len(ids) < len(want); {
		q := url.Values{"limit": {strconv.Itoa(c.pageSize)}, "offset": {strconv.Itoa(offset)}, "sort": {"asc"}}
		if !t.IsZero() {
			q.Set("createdSince", t.UTC().Format(sinceLayout))
		}
		page, err := c.contactsPage(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, ct := range page {
			if ct.Email == nil || before[ct.ID] {
				continue
			}
			if e := strings.ToLower(*ct.Email); want[e] {
				ids[e] = ct
			}
		}
		if len(page) < c.pageSize {
			break
		}
		offset += len(page)
	}
	return ids, nil
}
