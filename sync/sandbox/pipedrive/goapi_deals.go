package pipedrive

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The Go API of deals, for seeding and tests.

// Deal is a Go-side snapshot of a deal. Zero times stand for null.
type Deal struct {
	ID                int64
	Title             string
	OwnerID           int64
	PersonID          int64 // 0 = none
	OrgID             int64 // 0 = none
	PipelineID        int64
	StageID           int64
	Value             float64
	Currency          string
	Status            string   // open, won or lost
	Probability       *float64 // nil = null
	LostReason        string
	ExpectedCloseDate string // YYYY-MM-DD, "" = none
	VisibleTo         int
	LabelIDs          []int64
	CustomFields      map[string]any
	AddTime           time.Time
	UpdateTime        time.Time
	StageChangeTime   time.Time
	CloseTime         time.Time
	WonTime           time.Time
	LostTime          time.Time
	Archived          bool
	Deleted           bool
}

// DealSeed is one trusted deal for SeedDeals.
type DealSeed struct {
	Title             string
	Value             float64
	Currency          string // "" = the company currency (Options.Currency)
	StageID           int64  // 0 = the first stage of the default pipeline
	PersonID          int64  // 0 = none; must exist
	OrgID             int64  // 0 = none; must exist
	OwnerID           int64  // 0 = the sandbox user
	Status            string // "" = open; won and lost close the deal at UpdateTime
	ExpectedCloseDate string // YYYY-MM-DD, "" = none
	CustomFields      map[string]any
	AddTime           time.Time // zero = now
	UpdateTime        time.Time // zero = AddTime
}

func dealOf(r *record) Deal {
	d := r.deal
	return Deal{ID: r.id, Title: r.name, OwnerID: r.ownerID, PersonID: d.personID, OrgID: r.orgID,
		PipelineID: d.pipelineID, StageID: d.stageID, Value: d.value, Currency: d.currency, Status: d.status,
		Probability: clonePtr(d.probability), LostReason: deref(d.lostReason), ExpectedCloseDate: deref(d.expectedClose),
		VisibleTo: r.visibleTo, LabelIDs: append([]int64{}, r.labelIDs...), CustomFields: copyCustom(r.custom),
		AddTime: r.addTime, UpdateTime: r.updateTime, StageChangeTime: d.stageChange, CloseTime: d.closeTime,
		WonTime: d.wonTime, LostTime: d.lostTime, Archived: d.archived, Deleted: r.deleted}
}

// CreateDeal adds a deal through the same validation as POST /api/v2/deals.
func (s *Sim) CreateDeal(body map[string]any) (Deal, error) {
	r, err := s.create(kindDeal, body)
	return snapshot(r, err, dealOf)
}

// UpdateDeal edits a deal as PATCH /api/v2/deals/{id} does (update_time moves).
func (s *Sim) UpdateDeal(id int64, body map[string]any) (Deal, error) {
	r, err := s.update(kindDeal, id, body)
	return snapshot(r, err, dealOf)
}

// DeleteDeal marks a deal deleted.
func (s *Sim) DeleteDeal(id int64) error { return s.remove(kindDeal, id) }

// GetDeal returns a deal by id, deleted ones included.
func (s *Sim) GetDeal(id int64) (Deal, bool) { return lookup(s, s.deals, id, dealOf) }

// CountDeals returns the number of deals not deleted.
func (s *Sim) CountDeals() int { s.mu.RLock(); defer s.mu.RUnlock(); return s.deals.live }

// Deals returns every deal, deleted ones included, in id order.
func (s *Sim) Deals() []Deal { return all(s, s.deals, dealOf) }

// Stages returns the stages of every pipeline, by pipeline and order.
func (s *Sim) Stages() []Stage { return slices.Clone(s.catalog.stages) }

// SeedDeals bulk-loads trusted deals and returns their ids. Persons and organizations
// must be seeded first.
func (s *Sim) SeedDeals(rows []DealSeed) ([]int64, error) {
	return seedRows(s, kindDeal, rows, s.seedDeal)
}

// seedDeal fills r from row with the API's rules, as POST /api/v2/deals would.
func (s *Sim) seedDeal(r *record, row DealSeed) error {
	if err := s.seedRecord(kindDeal, r, "title", row.Title, row.OwnerID, row.CustomFields, row.AddTime, row.UpdateTime); err != nil {
		return err
	}
	st := s.catalog.firstStage(s.catalog.pipelines[0].id)
	if row.StageID != 0 {
		if st = s.catalog.stage(row.StageID); st == nil {
			return fmt.Errorf("stage %d not found", row.StageID)
		}
	}
	if err := cmp.Or(s.seedLink(kindPerson, row.PersonID), s.seedLink(kindOrg, row.OrgID)); err != nil {
		return err
	}
	d := dealData{personID: row.PersonID, pipelineID: st.PipelineID, stageID: st.ID, value: row.Value,
		currency: cmp.Or(row.Currency, s.opts.Currency), status: cmp.Or(row.Status, "open"), origin: originManual}
	if err := checkCurrency(d.currency); err != nil {
		return err
	}
	if !slices.Contains(dealStatuses, d.status) {
		return fmt.Errorf("status must be one of %s", strings.Join(dealStatuses, ", "))
	}
	if row.ExpectedCloseDate != "" {
		if err := checkDate(row.ExpectedCloseDate, "expected_close_date"); err != nil {
			return err
		}
		d.expectedClose = &row.ExpectedCloseDate
	}
	switch d.status {
	case "won":
		d.wonTime, d.closeTime = r.updateTime, r.updateTime
	case "lost":
		d.lostTime, d.closeTime = r.updateTime, r.updateTime
	}
	r.orgID, r.deal = row.OrgID, &d
	return nil
}
