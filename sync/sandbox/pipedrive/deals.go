package pipedrive

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Deals follow the v2 spec's Deal schema and its AddDealRequest / UpdateDealRequest
// bodies (developers.pipedrive.com, openapi v2), with the behaviour the changelog adds.

// origin is set by Pipedrive when a deal is created and cannot be changed (changelog
// 2024-05-17: "e.g. Import, API, Manually created"); the exact strings but the spec's
// example "ManuallyCreated" are [unverified].
const (
	originAPI    = "API"
	originManual = "ManuallyCreated" // seeded deals stand for deals typed into the app
)

var dealStatuses = []string{"open", "won", "lost"}

// titleMissing is v1's refusal of a deal without a title, kept by v2 [unverified].
const titleMissing = "Deal title must be given."

// deletedRetention: deleted deals are purged after 30 days ("Delete a deal"), and
// status=deleted lists those "deleted up to 30 days ago".
const deletedRetention = 30 * 24 * time.Hour

// dealInput holds the properties of a deal body that are settled after every key is read.
type dealInput struct {
	gotTitle            bool
	stageID, pipelineID *int64
	won, lost, close    timeInput // explicit won_time, lost_time, close_time
	sentLostReason      bool      // a lost_reason, not null
	gotArchived         bool
	archiveTime         *time.Time
}

// timeInput is a nullable time property: got says it was sent, at nil means null.
type timeInput struct {
	at  *time.Time
	got bool
}

// applyDeal validates body against AddDealRequest / UpdateDealRequest and writes it
// into r, a clone owned by the caller.
func (s *Sim) applyDeal(r *record, body map[string]json.RawMessage, create bool) error {
	// Archived deals "will not be editable through the API" (changelog 2025-04-15);
	// unarchiving in the same PATCH is let through [unverified].
	if r.deal.archived && strings.TrimSpace(string(body["is_archived"])) != "false" {
		return errors.New("Archived deal cannot be edited. Unarchive it first with is_archived false.")
	}
	wasStatus := r.deal.status
	var in dealInput
	if err := s.applyKeys(kindDeal, r, body, create, func(key string, raw json.RawMessage) error {
		return s.applyDealKey(r, &in, key, raw)
	}); err != nil {
		return err
	}
	if create && !in.gotTitle {
		return errors.New(titleMissing)
	}
	if err := s.placeDeal(r, in, create); err != nil {
		return err
	}
	s.settleStatus(r.deal, wasStatus)
	return in.settleTimes(r.deal, s.nowSecond())
}

// applyDealKey reads one deal-only property.
func (s *Sim) applyDealKey(r *record, in *dealInput, key string, raw json.RawMessage) error {
	d := r.deal
	var err error
	switch key {
	case "title":
		r.name, err = parseName(raw, key, titleMissing)
		in.gotTitle = true
	case "person_id":
		d.personID, err = s.linkID(kindPerson, raw, key)
	case "org_id":
		r.orgID, err = s.linkID(kindOrg, raw, key)
	case "stage_id":
		in.stageID, err = reqInt(raw, key)
	case "pipeline_id":
		in.pipelineID, err = reqInt(raw, key)
	case "value":
		d.value, err = parseFloat(raw, key)
	case "currency":
		if d.currency, err = parseStringValue(raw, key); err == nil {
			err = checkCurrency(d.currency)
		}
	case "status":
		if d.status, err = parseStringValue(raw, key); err == nil && !slices.Contains(dealStatuses, d.status) {
			err = fmt.Errorf("status must be one of %s", strings.Join(dealStatuses, ", "))
		}
	case "probability":
		d.probability, err = parseProbability(raw)
	case "lost_reason":
		d.lostReason, err = optString(raw, key)
		in.sentLostReason = d.lostReason != nil
	case "expected_close_date":
		d.expectedClose, err = optDate(raw, key)
	case "won_time":
		in.won, err = optTime(raw, key)
	case "lost_time":
		in.lost, err = optTime(raw, key)
	case "close_time":
		in.close, err = optTime(raw, key)
	case "is_deleted": // true deletes as DELETE does [unverified]
		r.deleted, err = parseBool(raw, key)
	case "is_archived":
		d.archived, err = parseBool(raw, key)
		in.gotArchived = true
	case "archive_time":
		in.archiveTime, err = parseArchiveTime(raw)
	default:
		return fmt.Errorf("unknown property %q", key)
	}
	return err
}

// placeDeal puts the deal in a stage. stage_id brings its pipeline and a pipeline_id
// beside it "will be ignored"; pipeline_id alone means the first stage of that
// pipeline (v1 UpdateDealRequest docs, changelog 2023-02-08); a new deal without
// either starts in the first stage of the default pipeline. A pipeline_id naming the
// deal's own pipeline leaves its stage alone [unverified].
func (s *Sim) placeDeal(r *record, in dealInput, create bool) error {
	d := r.deal
	var st *Stage
	switch {
	case in.stageID != nil:
		if st = s.catalog.stage(*in.stageID); st == nil {
			return fmt.Errorf("stage_id: stage %d not found", *in.stageID)
		}
	case in.pipelineID != nil:
		if s.catalog.pipeline(*in.pipelineID) == nil {
			return fmt.Errorf("pipeline_id: pipeline %d not found", *in.pipelineID)
		}
		if !create && *in.pipelineID == d.pipelineID {
			return nil
		}
		st = s.catalog.firstStage(*in.pipelineID)
	case create:
		st = s.catalog.firstStage(s.catalog.pipelines[0].id)
	default:
		return nil
	}
	if !create && st.ID != d.stageID { // a new deal's stage_change_time stays null [unverified]
		d.stageChange = s.nowSecond()
	}
	d.stageID, d.pipelineID = st.ID, st.PipelineID
	return nil
}

// settleStatus stamps a change of status: won and lost close the deal, reopening
// clears close_time. won_time and lost_time outlive a reopening [unverified].
func (s *Sim) settleStatus(d *dealData, was string) {
	if d.status == was {
		return
	}
	now := s.nowSecond()
	switch d.status {
	case "won":
		d.wonTime, d.closeTime = now, now
	case "lost":
		d.lostTime, d.closeTime = now, now
	default:
		d.closeTime = time.Time{}
	}
}

// settleTimes applies explicit close times and archiving once the status is known:
// won_time "can only be set if deal status is won", lost_time and lost_reason if it
// is lost, close_time if it is either (AddDealRequest).
func (in dealInput) settleTimes(d *dealData, now time.Time) error {
	if err := cmp.Or(in.won.set(&d.wonTime, d.status == "won", "won_time", "won"),
		in.lost.set(&d.lostTime, d.status == "lost", "lost_time", "lost"),
		in.close.set(&d.closeTime, d.status != "open", "close_time", "won or lost")); err != nil {
		return err
	}
	if in.sentLostReason && d.status != "lost" {
		return errors.New("lost_reason can only be set if deal status is lost")
	}
	switch {
	case in.archiveTime != nil && !d.archived:
		return errors.New("archive_time can only be set if is_archived is true")
	case in.archiveTime != nil:
		d.archiveTime = *in.archiveTime
	case in.gotArchived && d.archived && d.archiveTime.IsZero(): // "If omitted ... set to the current date and time"
		d.archiveTime = now
	case !d.archived:
		d.archiveTime = time.Time{}
	}
	return nil
}

// set writes a sent time into dst; a time, not null, needs the deal in status (ok).
func (t timeInput) set(dst *time.Time, ok bool, name, status string) error {
	switch {
	case !t.got:
	case t.at == nil:
		*dst = time.Time{}
	case !ok:
		return fmt.Errorf("%s can only be set if deal status is %s", name, status)
	default:
		*dst = *t.at
	}
	return nil
}

// reqInt reads an integer that may not be null.
func reqInt(raw json.RawMessage, where string) (*int64, error) {
	v, err := parseInt(raw, where)
	return &v, err
}

func parseFloat(raw json.RawMessage, where string) (float64, error) {
	n, err := parseNumber(raw, where)
	if err != nil {
		return 0, err
	}
	f, err := n.Float64()
	if err != nil {
		return 0, fmt.Errorf("%s must be a number", where)
	}
	return f, nil
}

// checkCurrency: "Accepts a 3-character currency code" (v1 docs). Pipedrive checks it
// against its currency list; the sandbox takes any three capital letters [unverified].
func checkCurrency(c string) error {
	if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return fmt.Errorf("currency must be a 3-letter currency code, e.g. USD")
	}
	return nil
}

// parseProbability reads a nullable percentage; 0 to 100 since changelog 2025-02-20.
func parseProbability(raw json.RawMessage) (*float64, error) {
	if isNull(raw) {
		return nil, nil
	}
	p, err := parseFloat(raw, "probability")
	if err == nil && (p < 0 || p > 100) {
		err = errors.New("probability must be between 0 and 100")
	}
	return &p, err
}

// optTime reads a nullable RFC 3339 time.
func optTime(raw json.RawMessage, where string) (timeInput, error) {
	if isNull(raw) {
		return timeInput{got: true}, nil
	}
	v, err := parseStringValue(raw, where)
	if err != nil {
		return timeInput{}, err
	}
	at, err := parseRFC3339(v, where)
	at = at.Truncate(time.Second)
	return timeInput{at: &at, got: true}, err
}

// archiveTimeFormat is archive_time's documented request format, in UTC.
const archiveTimeFormat = "2006-01-02 15:04:05"

func parseArchiveTime(raw json.RawMessage) (*time.Time, error) {
	v, err := parseStringValue(raw, "archive_time")
	if err != nil {
		return nil, err
	}
	t, err := time.Parse(archiveTimeFormat, v)
	if err != nil {
		return nil, errors.New("archive_time must be in YYYY-MM-DD HH:MM:SS format")
	}
	return &t, nil
}

func fmtOptTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return fmtTime(t)
}

// renderDeal adds the deal-only properties of the v2 Deal schema to m.
func (s *Sim) renderDeal(m map[string]any, r *record) {
	d := r.deal
	m["person_id"], m["org_id"] = nilIfZero(d.personID), nilIfZero(r.orgID)
	m["pipeline_id"], m["stage_id"] = d.pipelineID, d.stageID
	m["value"], m["currency"], m["status"] = d.value, d.currency, d.status
	m["probability"], m["lost_reason"], m["expected_close_date"] = d.probability, d.lostReason, d.expectedClose
	m["stage_change_time"], m["close_time"] = fmtOptTime(d.stageChange), fmtOptTime(d.closeTime)
	m["won_time"], m["lost_time"] = fmtOptTime(d.wonTime), fmtOptTime(d.lostTime)
	m["is_archived"], m["archive_time"] = d.archived, fmtOptTime(d.archiveTime)
	m["origin"], m["origin_id"], m["channel"], m["channel_id"] = d.origin, nil, nil, nil
	// "Only available in Growth and above plans ... Null if there are no products";
	// left out below Growth [unverified].
	if s.opts.Plan != PlanLite {
		m["arr"], m["mrr"], m["acv"] = nil, nil, nil
	}
}

// dealFilter holds the deal-only filters of GET /api/v2/deals; persons and
// organizations carry its zero value unused.
type dealFilter struct {
	personID, pipelineID, stageID int64
	statuses                      map[string]bool // nil: every status, deleted deals left out
	archived                      bool            // GET /api/v2/deals/archived
	purgedBefore                  time.Time       // deleted earlier than this is gone for good
}

func (s *Sim) parseDealFilter(q url.Values, intParam func(string, *int64) error) (dealFilter, error) {
	var f dealFilter
	for name, dst := range map[string]*int64{"person_id": &f.personID, "pipeline_id": &f.pipelineID, "stage_id": &f.stageID} {
		if err := intParam(name, dst); err != nil {
			return f, err
		}
	}
	// "Multiple statuses can be included as a comma separated array."
	if v := q.Get("status"); v != "" {
		f.statuses = map[string]bool{}
		for _, st := range splitList(v) {
			if st != "deleted" && !slices.Contains(dealStatuses, st) {
				return f, errors.New("status must be one of open, won, lost, deleted")
			}
			f.statuses[st] = true
		}
	}
	f.purgedBefore = s.now().Add(-deletedRetention)
	return f, nil
}

// wantsDeleted: status=deleted includes deals "deleted up to 30 days ago".
func (f dealFilter) wantsDeleted(r *record) bool {
	return f.statuses["deleted"] && !r.updateTime.Before(f.purgedBefore)
}

func (f dealFilter) match(r *record) bool {
	d := r.deal
	if d == nil { // a person or organization, listed with the zero filter
		return true
	}
	switch {
	case d.archived != f.archived:
		return false
	case f.statuses != nil && !r.deleted && !f.statuses[d.status]:
		return false
	case f.personID != 0 && d.personID != f.personID:
		return false
	case f.pipelineID != 0 && d.pipelineID != f.pipelineID:
		return false
	case f.stageID != 0 && d.stageID != f.stageID:
		return false
	}
	return true
}

// Stage is one stage of a pipeline.
type Stage struct {
	ID              int64
	PipelineID      int64
	Name            string
	OrderNr         int
	DealProbability int
}

type pipeline struct {
	id      int64
	name    string
	orderNr int
}

// catalog is the company's pipelines, stages and activity types. New builds it and
// nothing changes it, so it is read without Sim.mu.
type catalog struct {
	pipelines     []pipeline // by order_nr: "the lowest order_nr is considered the default"
	stages        []Stage    // by pipeline, then order_nr
	activityTypes []ActivityType
	created       time.Time // add_time and update_time of every pipeline, stage and activity type
}

// defaultCatalog is a new company's pipeline with Pipedrive's default stages. The
// pipeline's name, deal_probability 100 and rotting off are [unverified].
func defaultCatalog(created time.Time) catalog {
	c := catalog{pipelines: []pipeline{{id: 1, name: "Sales pipeline", orderNr: 1}},
		activityTypes: slices.Clone(defaultActivityTypes), created: created}
	for i, name := range []string{"Qualified", "Contact Made", "Demo Scheduled", "Proposal Made", "Negotiations Started"} {
		c.stages = append(c.stages, Stage{ID: int64(i + 1), PipelineID: 1, Name: name, OrderNr: i + 1, DealProbability: 100})
	}
	return c
}

func (c *catalog) stage(id int64) *Stage {
	if i := slices.IndexFunc(c.stages, func(st Stage) bool { return st.ID == id }); i >= 0 {
		return &c.stages[i]
	}
	return nil
}

func (c *catalog) pipeline(id int64) *pipeline {
	if i := slices.IndexFunc(c.pipelines, func(p pipeline) bool { return p.id == id }); i >= 0 {
		return &c.pipelines[i]
	}
	return nil
}

// firstStage is the pipeline's stage with the lowest order_nr.
func (c *catalog) firstStage(pipelineID int64) *Stage {
	var first *Stage
	for i, st := range c.stages {
		if st.PipelineID == pipelineID && (first == nil || st.OrderNr < first.OrderNr) {
			first = &c.stages[i]
		}
	}
	return first
}

// renderStage is the v2 StageItem.
func (c *catalog) renderStage(st Stage) map[string]any {
	return map[string]any{"id": st.ID, "order_nr": st.OrderNr, "name": st.Name, "is_deleted": false,
		"deal_probability": st.DealProbability, "pipeline_id": st.PipelineID, "is_deal_rot_enabled": false,
		"days_to_rotten": nil, "add_time": fmtTime(c.created), "update_time": fmtTime(c.created)}
}

// renderPipeline is the v2 pipeline object.
func (c *catalog) renderPipeline(p pipeline) map[string]any {
	return map[string]any{"id": p.id, "name": p.name, "order_nr": p.orderNr, "is_deleted": false,
		"is_deal_probability_enabled": false, "add_time": fmtTime(c.created), "update_time": fmtTime(c.created)}
}

// catalogList describes one catalog list endpoint for writeCatalogPage.
type catalogList[T any] struct {
	sortFields []string
	key        func(T, string) int64 // the sort_by value; ties go by id
	id         func(T) int64
	render     func(T) map[string]any
}

// writeCatalogPage answers GET /api/v2/pipelines or /api/v2/stages: sorted by
// (sort_by, id) and offset-paged, as the fields endpoints are.
func writeCatalogPage[T any](s *Sim, w http.ResponseWriter, q url.Values, items []T, l catalogList[T]) {
	var pg offsetPage
	by, asc, err := parseSort(q, l.sortFields...)
	if err == nil {
		pg, err = s.parseOffsetPage(q)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	items = slices.Clone(items)
	slices.SortStableFunc(items, func(a, b T) int {
		c := cmpInt(l.key(a, by), l.key(b, by))
		if c == 0 {
			c = cmpInt(l.id(a), l.id(b))
		}
		if !asc {
			return -c
		}
		return c
	})
	start, end, next := pg.window(len(items))
	out := make([]map[string]any, 0, end-start)
	for _, it := range items[start:end] {
		out = append(out, l.render(it))
	}
	writePage(w, out, next)
}

func (s *Sim) handlePipelines(w http.ResponseWriter, r *http.Request) {
	c := &s.catalog
	writeCatalogPage(s, w, r.URL.Query(), c.pipelines, catalogList[pipeline]{
		sortFields: []string{"id", "update_time", "add_time"},
		key: func(p pipeline, by string) int64 {
			if by == "id" {
				return p.id
			}
			return c.created.Unix() // every pipeline and stage shares it
		},
		id:     func(p pipeline) int64 { return p.id },
		render: c.renderPipeline,
	})
}

// handleStages serves GET /api/v2/stages; pipeline_id narrows it to one pipeline.
func (s *Sim) handleStages(w http.ResponseWriter, r *http.Request) {
	c := &s.catalog
	q := r.URL.Query()
	stages := c.stages
	if v := q.Get("pipeline_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, "pipeline_id must be an integer")
			return
		}
		stages = slices.DeleteFunc(slices.Clone(stages), func(st Stage) bool { return st.PipelineID != id })
	}
	writeCatalogPage(s, w, q, stages, catalogList[Stage]{
		sortFields: []string{"id", "update_time", "add_time", "order_nr"},
		key: func(st Stage, by string) int64 {
			switch by {
			case "id":
				return st.ID
			case "order_nr":
				return int64(st.OrderNr)
			}
			return c.created.Unix()
		},
		id:     func(st Stage) int64 { return st.ID },
		render: c.renderStage,
	})
}

// writeCatalogItem answers GET /api/v2/pipelines/{id} or /api/v2/stages/{id}.
func writeCatalogItem(w http.ResponseWriter, r *http.Request, noun string, find func(int64) map[string]any) {
	id, aerr := parseID(r)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	if out := find(id); out != nil {
		writeData(w, out)
		return
	}
	writeError(w, http.StatusNotFound, noun+" not found")
}

func (s *Sim) handlePipeline(w http.ResponseWriter, r *http.Request) {
	writeCatalogItem(w, r, "Pipeline", func(id int64) map[string]any {
		if p := s.catalog.pipeline(id); p != nil {
			return s.catalog.renderPipeline(*p)
		}
		return nil
	})
}

func (s *Sim) handleStage(w http.ResponseWriter, r *http.Request) {
	writeCatalogItem(w, r, "Stage", func(id int64) map[string]any {
		if st := s.catalog.stage(id); st != nil {
			return s.catalog.renderStage(*st)
		}
		return nil
	})
}
