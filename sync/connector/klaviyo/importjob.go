package klaviyo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// jobsPath is the bulk profile import jobs' collection.
const jobsPath = "/api/profile-bulk-import-jobs"

// job is a bulk profile import job as Klaviyo reports it.
type job struct {
	ID         string `json:"id"`
	Attributes struct {
		Status      string `json:"status"` // queued, processing, complete, cancelled
		TotalCount  int    `json:"total_count"`
		FailedCount *int   `json:"failed_count"`
	} `json:"attributes"`
}

// importItems imports items through one job and sets each one's Result.
// A 400 that blames profiles by their place in the job fails those and
// sends the rest again; one that blames none splits the job in halves
// until each profile passes or fails on its own.
func (c *Connector) importItems(ctx context.Context, items []item, res []connector.Result, existed map[string]bool) error {
	j, rejected, err := c.submit(ctx, items)
	if err != nil {
		return err
	}
	if rejected != nil {
		blamed := map[int]apiError{}
		for _, e := range rejected.errs {
			if n, ok := profileIndex(e.Source.Pointer); ok && n < len(items) {
				if _, dup := blamed[n]; !dup {
					blamed[n] = e
				}
			}
		}
		switch {
		case len(blamed) > 0:
			var rest []item
			for n, it := range items {
				if e, ok := blamed[n]; ok {
					res[it.i].Err = recordError(it, e)
				} else {
					rest = append(rest, it)
				}
			}
			if len(rest) == 0 {
				return nil
			}
			return c.importItems(ctx, rest, res, existed)
		case len(items) == 1:
			res[items[0].i].Err = rejected.recordError(items[0])
			return nil
		}
		half := len(items) / 2
		if err := c.importItems(ctx, items[:half], res, existed); err != nil {
			return err
		}
		return c.importItems(ctx, items[half:], res, existed)
	}
	if j, err = c.await(ctx, j); err != nil {
		return err
	}
	return c.collect(ctx, j, items, res, existed)
}

// rejection is a job Klaviyo refused as a whole (400, 413, 422).
type rejection struct {
	status int
	errs   []apiError
}

// recordError fails it with the rejection's first error.
func (r *rejection) recordError(it item) *connector.RecordError {
	if len(r.errs) > 0 {
		return recordError(it, r.errs[0])
	}
	return &connector.RecordError{Vendor: vendor, Object: objProfiles, RecordID: it.op.ID, Category: connector.CatValidation,
		Code: strconv.Itoa(r.status), Message: fmt.Sprintf("Klaviyo refused the profile (HTTP %d) without saying why", r.status)}
}

// recordError is a profile Klaviyo refused, with its code, detail and the
// field its pointer names.
func recordError(it item, e apiError) *connector.RecordError {
	if e.Code == "duplicate_profile" {
		return duplicateError(it, e)
	}
	return &connector.RecordError{Vendor: vendor, Object: objProfiles, RecordID: it.op.ID, Category: connector.CatValidation,
		Field: fieldOf(e.Source.Pointer), Code: e.Code, Message: e.message()}
}

// profileIndex is the place of the profile a pointer names in the job's
// profiles (…/profiles/data/3/…) [unverified: the spec gives the pointer's
// form only as "/data"].
func profileIndex(pointer string) (int, bool) {
	_, rest, ok := strings.Cut(pointer, "/profiles/data/")
	if !ok {
		return 0, false
	}
	digits, _, _ := strings.Cut(rest, "/")
	n, err := strconv.Atoi(digits)
	return n, err == nil && n >= 0
}

// submit sends one job. A refusal of the request's content comes back as
// a rejection; any other failure as an error.
func (c *Connector) submit(ctx context.Context, items []item) (job, *rejection, error) {
	profs := make([]profileBody, len(items))
	for k, it := range items {
		profs[k] = it.body
	}
	body := map[string]any{"data": map[string]any{
		"type":       "profile-bulk-import-job",
		"attributes": map[string]any{"profiles": map[string]any{"data": profs}},
	}}
	r, err := c.call(ctx, http.MethodPost, jobsPath, body)
	if err != nil {
		return job{}, nil, err
	}
	defer r.Release()
	switch r.Status {
	case http.StatusAccepted, http.StatusOK, http.StatusCreated:
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return job{}, &rejection{status: r.Status, errs: r.errorsOf()}, nil
	default:
		return job{}, nil, r.apiError()
	}
	var doc struct {
		Data job `json:"data"`
	}
	if err := r.Decode(&doc); err != nil {
		return job{}, nil, err
	}
	if doc.Data.ID == "" {
		return job{}, nil, r.Fail("the import job came back without an id")
	}
	return doc.Data, nil, nil
}

// await polls the job until Klaviyo has processed it, waiting longer
// between polls each time (pollMin doubling up to pollMax).
func (c *Connector) await(ctx context.Context, j job) (job, error) {
	wait := c.pollMin
	for j.Attributes.Status != "complete" && j.Attributes.Status != "cancelled" {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return j, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, c.pollMax)
		r, err := c.call(ctx, http.MethodGet, jobsPath+"/"+url.PathEscape(j.ID), nil)
		if err != nil {
			return j, err
		}
		if r.Status != http.StatusOK {
			err := r.apiError()
			r.Release()
			return j, err
		}
		var doc struct {
			Data job `json:"data"`
		}
		err = r.Decode(&doc)
		r.Release()
		if err != nil {
			return j, err
		}
		doc.Data.ID = j.ID
		j = doc.Data
	}
	return j, nil
}

// importError is one entry of the job's import errors.
type importError struct {
	Attributes struct {
		apiError
		OriginalPayload json.RawMessage `json:"original_payload"`
	} `json:"attributes"`
}

// collect reads what the job did: its import errors (when it counts any)
// and its profiles (when ops created profiles, or some failed), and sets
// each item's Result.
func (c *Connector) collect(ctx context.Context, j job, items []item, res []connector.Result, existed map[string]bool) error {
	if j.Attributes.Status == "cancelled" {
		for _, it := range items {
			res[it.i].Err = &connector.RecordError{Vendor: vendor, Object: objProfiles, RecordID: it.op.ID,
				Category: connector.CatServer, Code: "cancelled", Message: "Klaviyo cancelled the import job " + j.ID}
		}
		return nil
	}
	failedSome := j.Attributes.FailedCount == nil || *j.Attributes.FailedCount > 0
	var loose []apiError // errors no item could be matched to
	if failedSome {
		var ierrs []importError
		err := c.list(ctx, jobsPath+"/"+url.PathEscape(j.ID)+"/import-errors", func(raw json.RawMessage) error {
			var e importError
			if err := json.Unmarshal(raw, &e); err != nil {
				return err
			}
			ierrs = append(ierrs, e)
			return nil
		})
		if err != nil {
			return err
		}
		for _, e := range ierrs {
			if k, ok := matchError(items, e); ok {
				if res[items[k].i].Err == nil {
					res[items[k].i].Err = recordError(items[k], e.Attributes.apiError)
				}
				continue
			}
			loose = append(loose, e.Attributes.apiError)
		}
	}
	needProfiles := failedSome
	for _, it := range items {
		needProfiles = needProfiles || it.op.Kind != connector.OpUpdate
	}
	if !needProfiles {
		for _, it := range items {
			res[it.i].ID = it.op.ID
		}
		return nil
	}
	idx := newProfileIndex()
	err := c.list(ctx, jobsPath+"/"+url.PathEscape(j.ID)+"/profiles", func(raw json.RawMessage) error {
		var p profile
		if err := json.Unmarshal(raw, &p); err != nil {
			return err
		}
		idx.add(p)
		return nil
	})
	if err != nil {
		return err
	}
	given := map[string]item{} // profile id → the item it was given to
	for _, it := range items {
		if res[it.i].Err != nil {
			continue
		}
		p, ok := idx.find(it)
		if !ok {
			res[it.i].Err = unreported(it, loose, j.ID)
			continue
		}
		if other, dup := given[p.ID]; dup {
			// Klaviyo merged two of the job's profiles: one profile cannot
			// stand for two records.
			res[it.i].Err = taken(it, fEmail, fmt.Sprintf("the import job %s merged it into profile %s, given to %s in the same write", j.ID, p.ID, describe(other.email)))
			continue
		}
		given[p.ID] = it
		res[it.i].ID = p.ID
		res[it.i].Created = it.op.Kind != connector.OpUpdate && !existed[p.ID]
	}
	return nil
}

// unreported fails an item the job listed neither among its profiles nor
// its errors: with the one error no item matched, when there is exactly
// one, else as a server error.
func unreported(it item, loose []apiError, jobID string) *connector.RecordError {
	if len(loose) == 1 {
		return recordError(it, loose[0])
	}
	return &connector.RecordError{Vendor: vendor, Object: objProfiles, RecordID: it.op.ID, Category: connector.CatServer,
		Message: "the import job " + jobID + " reported neither the profile nor an error for it"}
}

// matchError finds the item an import error is about: by its pointer's
// place in the job, or by the identifiers of its original payload.
func matchError(items []item, e importError) (int, bool) {
	if n, ok := profileIndex(e.Attributes.Source.Pointer); ok && n < len(items) {
		return n, true
	}
	var orig struct {
		ID         string         `json:"id"`
		Attributes map[string]any `json:"attributes"`
		Email      string         `json:"email"`
		Phone      string         `json:"phone_number"`
		External   string         `json:"external_id"`
	}
	if len(e.Attributes.OriginalPayload) == 0 || json.Unmarshal(e.Attributes.OriginalPayload, &orig) != nil {
		return 0, false
	}
	str := func(k string) string { s, _ := orig.Attributes[k].(string); return s }
	email, phone, ext := firstNonEmpty(orig.Email, str(fEmail)), firstNonEmpty(orig.Phone, str(fPhone)), firstNonEmpty(orig.External, str(fExternalID))
	for k, it := range items {
		switch {
		case orig.ID != "" && it.op.ID == orig.ID,
			email != "" && strings.EqualFold(it.email, email),
			email == "" && phone != "" && it.phone == phone,
			email == "" && phone == "" && ext != "" && it.externalID == ext:
			return k, true
		}
	}
	return 0, false
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// jobProfiles finds a job's profiles by id, email, phone or external id.
type jobProfiles struct {
	byID, byEmail, byPhone, byExternal map[string]profile
}

func newProfileIndex() *jobProfiles {
	return &jobProfiles{byID: map[string]profile{}, byEmail: map[string]profile{}, byPhone: map[string]profile{}, byExternal: map[string]profile{}}
}

func (x *jobProfiles) add(p profile) {
	x.byID[p.ID] = p
	if e := deref(p.Attributes.Email); e != "" {
		x.byEmail[strings.ToLower(e)] = p
	}
	if ph := deref(p.Attributes.PhoneNumber); ph != "" {
		x.byPhone[ph] = p
	}
	if ext := deref(p.Attributes.ExternalID); ext != "" {
		x.byExternal[ext] = p
	}
}

// find is the profile an item became: by id for an update, else by the
// email, phone number or external id it carries, in that order.
func (x *jobProfiles) find(it item) (profile, bool) {
	if it.op.Kind == connector.OpUpdate {
		p, ok := x.byID[it.op.ID]
		return p, ok
	}
	if p, ok := x.byEmail[strings.ToLower(it.email)]; ok && it.email != "" {
		return p, true
	}
	if p, ok := x.byPhone[it.phone]; ok && it.phone != "" {
		return p, true
	}
	p, ok := x.byExternal[it.externalID]
	return p, ok && it.externalID != ""
}

// list walks a job's collection (profiles or import errors) 100 a page
// along links.next, handing each resource to each.
func (c *Connector) list(ctx context.Context, path string, each func(json.RawMessage) error) error {
	return walk(ctx, c, path+"?page%5Bsize%5D="+strconv.Itoa(PageSize), func(data []json.RawMessage) (bool, error) {
		for _, raw := range data {
			if err := each(raw); err != nil {
				return false, fmt.Errorf("%s: %w", path, err)
			}
		}
		return true, nil
	})
}
