package brevo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/crmsync/crmsync/sync/connector"
)

// Write creates contacts one call each (POST /v3/contacts, a few at once),
// or, ImportMin or more for the same lists, through imports (imports.go),
// and updates them in batches of up to BatchSize by id (POST
// /v3/contacts/batch). It returns one Result per op, in order; a contact
// Brevo refused fails only its own Result, with Brevo's code and message
// and the field the message names.
//
// An update that changes a blacklisted contact's email also sends
// emailBlacklisted true (keepOptOuts), since Brevo would resubscribe it.
//
// A create whose email Brevo already holds fails with Brevo's
// duplicate_parameter (a conflict); an upsert (OpUpsert, or Upsert) updates
// that contact instead.
func (c *Connector) Write(ctx context.Context, object string, ops []connector.Op) ([]connector.Result, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	for _, op := range ops {
		switch op.Kind {
		case connector.OpCreate, connector.OpUpdate, connector.OpUpsert:
		default:
			return nil, fmt.Errorf("brevo: write %s: unknown op kind %d", object, op.Kind)
		}
	}
	return c.write(ctx, ops)
}

// UpsertKey is email: POST /v3/contacts with updateEnabled updates the
// contact holding the email, or creates one.
func (c *Connector) UpsertKey(ctx context.Context, object string) (string, error) {
	if err := checkObject(object); err != nil {
		return "", err
	}
	return fEmail, nil
}

// Upsert writes ops by email: replayed, the same ops update the contacts
// they created the first time.
func (c *Connector) Upsert(ctx context.Context, object, keyField string, ops []connector.Op) ([]connector.Result, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	if keyField != fEmail {
		return nil, fmt.Errorf("brevo: upsert %s: Brevo upserts contacts by email only, not by %s", object, keyField)
	}
	res, err := connector.UpsertByKey(ctx, vendor, objContacts, fEmail, ops, c.write)
	if err != nil {
		return nil, fmt.Errorf("brevo: upsert %s: %w", object, err)
	}
	return res, nil
}

// write builds every op's item, then runs the single calls and the
// batches.
func (c *Connector) write(ctx context.Context, ops []connector.Op) ([]connector.Result, error) {
	res := make([]connector.Result, len(ops))
	if len(ops) == 0 {
		return res, nil
	}
	d, err := c.schemaData(ctx)
	if err != nil {
		return nil, fmt.Errorf("brevo: write: %w", err)
	}
	var singles, updates []item
	for i, op := range ops {
		it, rerr := buildItem(i, op, d)
		switch {
		case rerr != nil:
			res[i].Err = rerr
		case op.Kind == connector.OpUpdate:
			updates = append(updates, it)
		default:
			singles = append(singles, it)
		}
	}
	singles, imports := c.splitImports(singles, d)
	for _, g := range imports {
		if err := c.importAll(ctx, g, res); err != nil {
			return nil, fmt.Errorf("brevo: import: %w", err)
		}
	}
	if err := c.createAll(ctx, singles, res); err != nil {
		return nil, fmt.Errorf("brevo: create: %w", err)
	}
	updates, err = c.keepOptOuts(ctx, d, updates, res)
	if err != nil {
		return nil, fmt.Errorf("brevo: batch update: %w", err)
	}
	for start := 0; start < len(updates); start += c.batchSize {
		if err := c.updateBatch(ctx, updates[start:min(len(updates), start+c.batchSize)], res); err != nil {
			return nil, fmt.Errorf("brevo: batch update: %w", err)
		}
	}
	if err := c.reblock(ctx, updates, res); err != nil {
		return nil, fmt.Errorf("brevo: blocklist again after an email change: %w", err)
	}
	return res, nil
}

// reblock sends emailBlacklisted true again, in a request of its own, for
// each written update that moved a blocklisted contact to a new email:
// Brevo lifts the blocklisting on an email change and does not say whether
// an emailBlacklisted in the same request wins (update-contact).
func (c *Connector) reblock(ctx context.Context, updates []item, res []connector.Result) error {
	var again []item
	for _, it := range updates {
		attrs, _ := it.body["attributes"].(map[string]any)
		if _, moves := attrs["EMAIL"]; moves && it.body[fEmailBlacklisted] == true && res[it.i].Err == nil {
			again = append(again, item{i: it.i, op: it.op, body: map[string]any{"id": it.body["id"], fEmailBlacklisted: true}})
		}
	}
	for start := 0; start < len(again); start += c.batchSize {
		if err := c.updateBatch(ctx, again[start:min(len(again), start+c.batchSize)], res); err != nil {
			return err
		}
	}
	return nil
}

// keepOptOuts re-asserts the opt-out of each blacklisted contact whose
// email an update changes: Brevo resubscribes a blocklisted contact whose
// email is updated (update-contact), and crmsync never lifts an opt-out.
// It costs one GET per email change; an item whose read fails is failed.
func (c *Connector) keepOptOuts(ctx context.Context, d *schemaData, items []item, res []connector.Result) ([]item, error) {
	kept := items[:0:0]
	for _, it := range items {
		attrs, _ := it.body["attributes"].(map[string]any)
		if _, moves := attrs["EMAIL"]; !moves || it.body[fEmailBlacklisted] == true {
			kept = append(kept, it)
			continue
		}
		rec, err := c.get(ctx, d, it.op.ID, "contact_id")
		if err != nil {
			if connector.Stops(ctx, err) {
				return nil, err
			}
			res[it.i].Err = connector.RecordFailure(vendor, objContacts, it.op.ID, fmt.Errorf("read its opt-out before changing its email: %w", err))
			continue
		}
		if rec != nil && rec.Fields[fEmailBlacklisted] == "true" {
			it.body[fEmailBlacklisted] = true
		}
		kept = append(kept, it)
	}
	return kept, nil
}

// createAll runs the creates and upserts, workers at a time; a failure
// after which no call can succeed (sign-in, budget, cancel, a spent 429)
// is returned.
func (c *Connector) createAll(ctx context.Context, items []item, res []connector.Result) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		stop error
	)
	sem := make(chan struct{}, workers)
	for _, it := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r, err := c.create(ctx, it)
			// A 429 left after the transport's retries meets every other
			// create too: stop rather than spend their retries.
			if err != nil && (connector.Stops(ctx, err) || connector.CategoryOf(err) == connector.CatRateLimit) {
				mu.Lock()
				if stop == nil {
					stop = err
				}
				mu.Unlock()
				cancel()
				return
			}
			if err != nil {
				r.Err = connector.RecordFailure(vendor, objContacts, "", err)
			}
			res[it.i] = r
		}()
	}
	wg.Wait()
	return stop
}

// create writes one create or upsert (identity.go).
func (c *Connector) create(ctx context.Context, it item) (connector.Result, error) {
	if it.body["updateEnabled"] == true {
		return c.upsert(ctx, it)
	}
	res, err := c.post(ctx, it)
	if err != nil || !isDuplicate(res.Err) {
		return res, err
	}
	return c.refusedCreate(ctx, it, res)
}

// post sends one POST /v3/contacts. Brevo answers 201 with the new
// contact's id, or 204 when updateEnabled updated an existing one; that
// one's id is then read by email. A refused contact is its Result's
// error; only a failed call is returned.
func (c *Connector) post(ctx context.Context, it item) (connector.Result, error) {
	r, err := c.call(ctx, http.MethodPost, "/v3/contacts", it.body)
	if err != nil {
		return connector.Result{}, err
	}
	defer r.Release()
	switch {
	case r.Status == http.StatusCreated || r.Status == http.StatusOK:
		var out struct {
			ID int64 `json:"id"`
		}
		if err := r.Decode(&out); err != nil {
			return connector.Result{}, err
		}
		if out.ID == 0 {
			return connector.Result{}, r.Fail("the created contact's id is missing")
		}
		return connector.Result{ID: strconv.FormatInt(out.ID, 10), Created: true}, nil
	case r.Status == http.StatusNoContent:
		email, _ := it.body["email"].(string)
		id, err := c.idByEmail(ctx, email)
		if err != nil {
			return connector.Result{}, err
		}
		return connector.Result{ID: id}, nil
	}
	return connector.Result{Err: c.recordError(it, r)}, r.failure()
}

// failure is nil for an answer that fails one record (a refused contact),
// or the call's error when no record is to blame.
func (r *response) failure() error {
	switch r.Status {
	case http.StatusUnauthorized, http.StatusPaymentRequired, http.StatusForbidden, http.StatusTooManyRequests:
		return r.apiError()
	}
	if r.Status >= 500 {
		return r.apiError()
	}
	return nil
}

// recordError is the failure of it's contact as Brevo gave it, naming the
// field Brevo's message blames.
func (c *Connector) recordError(it item, r *response) *connector.RecordError {
	e := r.apiError()
	id := it.op.ID
	return &connector.RecordError{Vendor: vendor, Object: objContacts, RecordID: id, Category: e.Category,
		Field: blamed(it.op, e.Message), Code: e.Code, Message: e.Message}
}

// idByEmail is the id of the contact holding email.
func (c *Connector) idByEmail(ctx context.Context, email string) (string, error) {
	d, err := c.schemaData(ctx)
	if err != nil {
		return "", err
	}
	rec, err := c.get(ctx, d, email, "email_id")
	if err != nil {
		return "", err
	}
	if rec == nil {
		return "", &connector.Error{Vendor: vendor, Endpoint: "GET /v3/contacts/{identifier}", Category: connector.CatServer,
			Message: "Brevo updated a contact by email but lists none with it"}
	}
	return rec.ID, nil
}

// updateBatch sends items in one POST /v3/contacts/batch. Brevo answers
// 204 when every contact was updated and 207 with successIds and
// failureIds when some were not; it refuses the whole batch (400, or 404
// for an unknown contact, naming only their indexes) for one bad contact.
// A refused batch is split in halves, and a contact 207 reports failed is
// sent again alone, until each bad contact fails alone with Brevo's own
// code and message. Only a failure after which no call can succeed is
// returned; any other failed call fails the records it carried.
func (c *Connector) updateBatch(ctx context.Context, items []item, res []connector.Result) error {
	if len(items) == 0 {
		return nil
	}
	bodies := make([]map[string]any, len(items))
	for k, it := range items {
		bodies[k] = it.body
	}
	r, err := c.call(ctx, http.MethodPost, "/v3/contacts/batch", map[string]any{"contacts": bodies})
	if err != nil {
		return c.failAll(ctx, items, res, err)
	}
	defer r.Release()
	switch {
	case r.Status == http.StatusNoContent || r.Status == http.StatusOK:
		for _, it := range items {
			res[it.i] = connector.Result{ID: it.op.ID}
		}
		return nil
	case r.Status == http.StatusMultiStatus:
		var out struct {
			SuccessIDs []int64 `json:"successIds"`
		}
		_ = json.Unmarshal(r.Body, &out)
		ok := map[string]bool{}
		for _, id := range out.SuccessIDs {
			ok[strconv.FormatInt(id, 10)] = true
		}
		var again []item
		for _, it := range items {
			if ok[it.op.ID] {
				res[it.i] = connector.Result{ID: it.op.ID}
			} else {
				again = append(again, it)
			}
		}
		if len(items) == 1 {
			for _, it := range again {
				res[it.i].Err = &connector.RecordError{Vendor: vendor, Object: objContacts, RecordID: it.op.ID,
					Category: connector.CatValidation, Code: "update_failed", Message: "Brevo reported the contact's update as failed without a reason"}
			}
			return nil
		}
		for _, it := range again {
			if err := c.updateBatch(ctx, []item{it}, res); err != nil {
				return err
			}
		}
		return nil
	}
	if err := r.failure(); err != nil {
		return c.failAll(ctx, items, res, err)
	}
	if len(items) == 1 {
		res[items[0].i] = connector.Result{Err: c.recordError(items[0], r)}
		return nil
	}
	half := len(items) / 2
	if err := c.updateBatch(ctx, items[:half], res); err != nil {
		return err
	}
	return c.updateBatch(ctx, items[half:], res)
}

// failAll returns err when no call can succeed after it, or fails each of
// items' records with it.
func (c *Connector) failAll(ctx context.Context, items []item, res []connector.Result, err error) error {
	if connector.Stops(ctx, err) {
		return err
	}
	var ce *connector.Error
	if errors.As(err, &ce) && c.log != nil {
		c.log.Warn("brevo: a batch update failed", "error", err)
	}
	for _, it := range items {
		res[it.i] = connector.Result{Err: connector.RecordFailure(vendor, objContacts, it.op.ID, err)}
	}
	return nil
}
