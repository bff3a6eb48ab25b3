package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// A create the target CRM refuses as a likely duplicate of records it
// already holds (Salesforce's duplicate rules: the standard ones are
// active in every org and alert on a person with the same name and
// phone, or name and email, through the API as a refusal) would fail
// again on every run. The source record is held for review instead, a
// "duplicate" item with the records the CRM named as candidates: a
// person links it with one of them, creates it anyway (sent
// acknowledging the alert, connector.WithDuplicatesAllowed), or skips
// it; under a rule that blocks, retries the create once the rule was
// changed (sent as any create). While the item is open, or was skipped,
// plans do not create the record again; a key match still links it.

// kindDuplicate is the review kind of a create held that way.
const kindDuplicate = "duplicate"

// holdDuplicate holds p, a create on side that err refused, for review
// when err names the records the CRM took it for a duplicate of. It
// reports whether it did; otherwise err is an ordinary failure.
func (r *run) holdDuplicate(ctx context.Context, c *store.Commit, side string, p pending, err error) (bool, error) {
	var re *connector.RecordError
	if !errors.As(err, &re) || len(re.Duplicates) == 0 || r.plan.UndoOf != 0 {
		return false, nil
	}
	it := ReviewItem{Kind: kindDuplicate, Side: otherSide(side), RecordID: p.w.Source, Blocked: !re.DuplicatesAllowed}
	key := "duplicate rule " + re.DuplicateRule
	if re.DuplicateRule == "" {
		// A value the CRM keeps unique (HubSpot: a contact's email).
		key = "holds its " + cmp.Or(re.Field, "unique value")
	}
	var linked []string
	for _, id := range re.Duplicates {
		// A candidate linked already cannot be linked again: say with
		// what, as an ambiguous item does (the person may be in the other
		// CRM twice).
		partner, err := r.partnerOf(ctx, side, id)
		if err != nil {
			return false, fmt.Errorf("engine: the record %s named by a duplicate rule: %w", id, err)
		}
		cand := Candidate{Side: side, ID: id, Key: key, LinkedTo: partner}
		if partner != "" {
			linked = append(linked, fmt.Sprintf("%s is already linked with %s on side %s", id, partner, strings.ToUpper(it.Side)))
		}
		it.Candidates = append(it.Candidates, cand)
	}
	what := fmt.Sprintf("%s refused to create it in %s as a duplicate of %s", re.Vendor, re.Object, strings.Join(re.Duplicates, ", "))
	if re.DuplicateRule != "" {
		what = fmt.Sprintf("%s's duplicate rule %s refused to create it in %s as a duplicate of %s", re.Vendor, re.DuplicateRule, re.Object, strings.Join(re.Duplicates, ", "))
	}
	next := "link it with that record, create it anyway, or skip it"
	switch {
	case re.DuplicateRule == "":
		what = fmt.Sprintf("%s refused to create it in %s: %s already holds its %s", re.Vendor, re.Object, strings.Join(re.Duplicates, ", "), cmp.Or(re.Field, "unique value"))
		next = re.Vendor + " allows that value on one record only: link it with that record, or skip it"
	case it.Blocked:
		next = "the rule blocks duplicates: link it with that record, or skip it (or change the rule in " + re.Vendor + ", then retry the create)"
	}
	if len(linked) > 0 {
		next = strings.Join(linked, "; ") + "; " + next
	}
	it.Reason = fmt.Sprintf("%s (%s: %s); %s", what, re.Code, re.Message, next)
	if r.dupDecided[p.w.ReviewID] {
		// Created anyway, and refused again (the rule blocks now, or
		// matched more records): the item goes back to review as it is.
		c.ReviewOpen = append(c.ReviewOpen, p.w.ReviewID)
	} else if p.w.ReviewID != 0 {
		// A create decided on another item (an unmatched record): that
		// decision is spent, and this item asks the new question.
		c.ReviewDone = append(c.ReviewDone, p.w.ReviewID)
	}
	c.Reviews = append(c.Reviews, store.ReviewRow{Kind: it.Kind, Side: it.Side, RecordID: it.RecordID, Detail: reviewDetail(it)})
	r.dupOpened = append(r.dupOpened, sideOf(it.Side, it.RecordID))
	r.sum.Review++
	r.e.log.Log(ctx, slog.LevelWarn, "create held for review", "sync", r.plan.Sync, "side", strings.ToUpper(side),
		"record", p.w.Source, "reason", it.Reason)
	return true, nil
}

// splitDuplicatesDecided takes from ps the creates a person decided on a
// duplicate item, to be sent acknowledging the CRM's alert, and notes
// their items (r.dupDecided); a retry of a blocked one stays in rest.
func (r *run) splitDuplicatesDecided(ctx context.Context, ps []pending) (rest, decided []pending, err error) {
	for _, p := range ps {
		if p.w.ReviewID == 0 {
			rest = append(rest, p)
			continue
		}
		var it store.ReviewRow
		if err := r.locked(func() (err error) {
			it, err = r.e.st.Review(ctx, p.w.ReviewID)
			return err
		}); err != nil {
			return nil, nil, fmt.Errorf("engine: read review item %d: %w", p.w.ReviewID, err)
		}
		if it.Kind != kindDuplicate {
			rest = append(rest, p)
			continue
		}
		if r.dupDecided == nil {
			r.dupDecided = map[int64]bool{}
		}
		r.dupDecided[p.w.ReviewID] = true
		var d Decision
		_ = json.Unmarshal([]byte(it.Decision), &d)
		if d.Action == "retry" {
			// Sent as any create: the rule was changed, or it refuses
			// again and the item reopens with the CRM's answer.
			rest = append(rest, p)
			continue
		}
		decided = append(decided, p)
	}
	return rest, decided, nil
}

// loadHeldDuplicates reads the records held as likely duplicates (open
// items, and skipped ones: the answer sticks) so that plans do not create
// them again. (A link made since, by a key match or another item, closes
// an open item: store.closeLinkedReviews.) The candidates of a skipped
// item are asked about instead (p.askDup).
func (p *planner) loadHeldDuplicates(ctx context.Context) error {
	items, err := p.e.heldDuplicates(ctx, p.syncID)
	if err != nil {
		return err
	}
	for _, it := range items {
		if p.heldDup == nil {
			p.heldDup, p.askDup = map[string]string{}, map[string]ReviewItem{}
		}
		if err := holdReasons(it, p.heldDup, p.askDup); err != nil {
			return err
		}
		if it.Status == "open" {
			p.noteFoundMany(it)
		}
	}
	return nil
}

// skipFoundMany skips record id of side, ambiguous by a match key, when a
// foundManyItem holds it: the person answers that item, not one more.
func (p *planner) skipFoundMany(side, id string) bool {
	why, held := p.heldFound[sideOf(side, id)]
	if held {
		p.plan.addSkip(side, id, why)
	}
	return held
}

// noteFoundMany marks the records a foundManyItem holds: matching would
// ask about each again as ambiguous, since they share the key the lookup
// found, and the person answers that in the item already.
func (p *planner) noteFoundMany(it store.ReviewRow) {
	var det ReviewItem
	if json.Unmarshal([]byte(it.Detail), &det) != nil || !det.FoundMany {
		return
	}
	if p.heldFound == nil {
		p.heldFound = map[string]string{}
	}
	for _, c := range append([]Candidate{{Side: it.Side, ID: it.RecordID}}, det.Candidates...) {
		k := sideOf(c.Side, c.ID)
		p.heldFound[k] = p.heldDup[k]
	}
}

// holdReasons adds to held ("side:id" -> why) the record duplicate item
// it holds, and the records the CRM matched: copied to the item's side,
// each would be a second record of the same person there, and the item's
// link could no longer be made. Once the item is skipped, the skip is
// about its own record only: a candidate is not held for good unseen but
// asked about in ask (nil: held as well), an ambiguous item naming the
// skipped record, for a plan that would copy it.
func holdReasons(it store.ReviewRow, held map[string]string, ask map[string]ReviewItem) error {
	why := "held in review as a likely duplicate in the other CRM"
	skipped := duplicateSkipped(it)
	if skipped {
		why = "skipped in review as a likely duplicate in the other CRM"
	}
	held[sideOf(it.Side, it.RecordID)] = why
	var det struct {
		Candidates []Candidate `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(it.Detail), &det); err != nil {
		return fmt.Errorf("engine: read duplicate review item %d: %w", it.ID, err)
	}
	for _, c := range det.Candidates {
		k := sideOf(c.Side, c.ID)
		if _, ok := held[k]; ok {
			continue
		}
		if skipped && ask != nil {
			ask[k] = ReviewItem{Kind: "ambiguous", Side: c.Side, RecordID: c.ID,
				Reason: fmt.Sprintf("side %s (%s) took %s on side %s for a likely duplicate of this record, and %s was skipped in review (item %d): create this one on side %s anyway, link the two, or skip it too",
					strings.ToUpper(c.Side), c.Key, it.RecordID, strings.ToUpper(it.Side), it.RecordID, it.ID, strings.ToUpper(it.Side)),
				Candidates: []Candidate{{Side: it.Side, ID: it.RecordID, Key: c.Key}}}
			continue
		}
		held[k] = fmt.Sprintf("the other CRM matched it as a likely duplicate of %s on side %s, %s (review item %d)",
			it.RecordID, strings.ToUpper(it.Side), strings.TrimSuffix(why, " as a likely duplicate in the other CRM"), it.ID)
	}
	return nil
}

// duplicateSkipped says whether duplicate item it was skipped (decided
// so, or done).
func duplicateSkipped(it store.ReviewRow) bool {
	var d Decision
	_ = json.Unmarshal([]byte(it.Decision), &d)
	return it.Status != "open" && d.Action == "skip"
}

// blockedDuplicate says whether duplicate item it is one its CRM refuses
// whatever a person decides.
func blockedDuplicate(it store.ReviewRow) bool {
	var d struct {
		Blocked bool `json:"blocked"`
	}
	_ = json.Unmarshal([]byte(it.Detail), &d)
	return d.Blocked
}

// heldDuplicates are sync's duplicate items that hold their record: the
// open ones, and those skipped (the answer sticks; decided so too, before
// the plan that closes the item).
func (e *Engine) heldDuplicates(ctx context.Context, syncID int64) ([]store.ReviewRow, error) {
	var held []store.ReviewRow
	for _, status := range []string{"open", "decided", "done"} {
		its, err := e.st.Reviews(ctx, syncID, kindDuplicate, status)
		if err != nil {
			return nil, fmt.Errorf("engine: read the %s duplicate items of sync %d: %w", status, syncID, err)
		}
		for _, it := range its {
			if it.Status == "open" || duplicateSkipped(it) {
				held = append(held, it)
			}
		}
	}
	return held, nil
}

// towards is the one-way direction that writes side only.
func towards(side string) mapping.Direction {
	if side == "a" {
		return mapping.BtoA
	}
	return mapping.AtoB
}
