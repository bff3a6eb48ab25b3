package hubspot

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/sync/connector"
)

// HubSpot moves a contact's or a company's lifecycle stage only forward
// through the API; to move it backward the stage is cleared ("") first, in
// a call of its own (CRM API | Contacts / Companies guides, "Update";
// integrate.hubspot.com/t/update-lifecycle-stage-using-api/1333, where a
// backward set is answered as a success and the stage stays). The order
// is the property's options' displayOrder, which a portal may customize;
// the schema keeps its options in that order. See the sandbox's
// lifecycle.go for the sources.
//
// So an update that moves a stage backward (by what the plan read, Op.Was)
// is preceded by one batch clearing those records' stages; an update whose
// answer still holds another stage is an error (stageKept), not a write
// done, unless clearing and setting it again lands it.
const stageProp = "lifecyclestage"

const stageKeptCode = "LIFECYCLE_STAGE_KEPT"

// hasStages reports whether object's lifecycle stage moves forward only.
func hasStages(object string) bool { return object == "contacts" || object == "companies" }

// stageKept is a write HubSpot answered as done whose record still holds
// another stage. It leaves Write as its plain *connector.RecordError.
type stageKept struct {
	*connector.RecordError
	kept, wanted string
}

func (e *stageKept) Unwrap() error { return e.RecordError }

// keptStage checks a batch result against the stage its input sent; nil
// when it holds it, or when HubSpot did not echo the property.
func keptStage(object string, p pending, o *hsObject) error {
	wanted, sent := p.in.Properties[stageProp]
	if !sent || !hasStages(object) {
		return nil
	}
	got := o.Properties.get(stageProp)
	if got == nil || *got == wanted {
		return nil
	}
	return &stageKept{RecordError: &connector.RecordError{Vendor: vendor, Object: object, RecordID: o.ID,
		Category: connector.CatValidation, Field: stageProp, Code: stageKeptCode,
		Message: fmt.Sprintf("HubSpot answered the update as done but kept the lifecycle stage %q instead of %q", *got, wanted)},
		kept: *got, wanted: wanted}
}

// stageRanks maps each lifecycle stage to its place in the portal's order,
// from the (cached) schema.
func (c *Connector) stageRanks(ctx context.Context, object string) (map[string]int, error) {
	sc, err := c.Schema(ctx, object)
	if err != nil {
		return nil, err
	}
	f, _ := sc.Field(stageProp)
	ranks := make(map[string]int, len(f.Options))
	for i, o := range f.Options {
		ranks[o.Value] = i
	}
	return ranks, nil
}

// backward reports whether moving a stage from have to want goes back in
// the order; unknown stages are not judged.
func backward(ranks map[string]int, have, want string) bool {
	h, okH := ranks[have]
	w, okW := ranks[want]
	return okH && okW && w < h
}

// clearBackward clears, in batches, the stage of each update in ps that
// moves it backward from what the plan read. A record whose clear failed
// gets that error and is not updated. It returns the records cleared,
// index -> the stage they held.
func (c *Connector) clearBackward(ctx context.Context, object string, ps []prepped, results []connector.Result) (map[int]string, error) {
	if !hasStages(object) {
		return nil, nil
	}
	var cand []pending
	for _, pk := range ps {
		p := pk.p
		if pk.kind == kindUpdate && results[p.idx].Err == nil && p.stageWas != "" && p.in.Properties[stageProp] != "" {
			cand = append(cand, p)
		}
	}
	if len(cand) == 0 {
		return nil, nil
	}
	ranks, err := c.stageRanks(ctx, object)
	if err != nil {
		return nil, err
	}
	var back []pending
	for _, p := range cand {
		if backward(ranks, p.stageWas, p.in.Properties[stageProp]) {
			back = append(back, p)
		}
	}
	done, err := c.setStages(ctx, object, back, func(pending) string { return "" }, results)
	if err != nil {
		return nil, err
	}
	cleared := make(map[int]string, len(done))
	for _, p := range done {
		cleared[p.idx] = p.stageWas
	}
	return cleared, nil
}

// setStages sends one stage per record (stage(p)) through batch/update by
// record id. A record that fails gets the error in results; the records
// whose stage landed are returned.
func (c *Connector) setStages(ctx context.Context, object string, ps []pending, stage func(pending) string, results []connector.Result) ([]pending, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	out := make([]pending, len(ps))
	for i, p := range ps {
		out[i] = pending{idx: p.idx, stageWas: p.stageWas, in: input{ID: p.in.ID, Properties: map[string]string{stageProp: stage(p)}}}
	}
	got := make([]connector.Result, len(results))
	if err := c.batches(ctx, object, kindUpdate, out, got); err != nil {
		return nil, fmt.Errorf("lifecycle stages: %w", err)
	}
	var done []pending
	for _, p := range ps {
		if err := got[p.idx].Err; err != nil {
			results[p.idx] = connector.Result{Err: plain(err)}
			continue
		}
		done = append(done, p)
	}
	return done, nil
}

// settleStages ends a write's lifecycle stages. A record whose update
// HubSpot answered while keeping a later stage (the plan read an older
// one, or an upsert found the record) is cleared and set again, one batch
// each for all of them. A record cleared beforehand whose update then
// failed gets its stage back, as it was. What still did not land stays an
// error naming the record, the field and both stages.
func (c *Connector) settleStages(ctx context.Context, object string, cleared map[int]string, sent []pending, results []connector.Result) error {
	if !hasStages(object) {
		return nil
	}
	var again, restore []pending
	var ranks map[string]int
	for _, p := range sent {
		err := results[p.idx].Err
		if err == nil {
			continue
		}
		if was, ok := cleared[p.idx]; ok {
			restore = append(restore, pending{idx: p.idx, stageWas: was, in: input{ID: p.in.ID}})
			continue
		}
		sk, ok := err.(*stageKept)
		if !ok {
			continue
		}
		if ranks == nil {
			if ranks, err = c.stageRanks(ctx, object); err != nil {
				return err
			}
		}
		if backward(ranks, sk.kept, sk.wanted) {
			again = append(again, pending{idx: p.idx, in: input{ID: sk.RecordID, Properties: map[string]string{stageProp: sk.wanted}}})
		}
	}
	if err := c.clearThenSet(ctx, object, again, results); err != nil {
		return err
	}
	if err := c.restoreStages(ctx, object, restore, results); err != nil {
		return err
	}
	for i := range results {
		if sk, ok := results[i].Err.(*stageKept); ok {
			sk.Message += "; HubSpot moves a lifecycle stage only forward unless it is cleared first"
			results[i].Err = sk.RecordError
		}
	}
	return nil
}

// clearThenSet moves each record's stage to the one its input wanted the
// documented way: a batch of clears, then a batch of sets.
func (c *Connector) clearThenSet(ctx context.Context, object string, ps []pending, results []connector.Result) error {
	cleared, err := c.setStages(ctx, object, ps, func(pending) string { return "" }, results)
	if err != nil {
		return err
	}
	set, err := c.setStages(ctx, object, cleared, func(p pending) string { return p.in.Properties[stageProp] }, results)
	if err != nil {
		return err
	}
	for _, p := range set {
		results[p.idx] = connector.Result{ID: p.in.ID}
	}
	return nil
}

// restoreStages puts back the stage cleared before an update that then
// failed (a set from blank always lands), keeping the update's error.
func (c *Connector) restoreStages(ctx context.Context, object string, ps []pending, results []connector.Result) error {
	failed := make(map[int]error, len(ps))
	for _, p := range ps {
		failed[p.idx] = results[p.idx].Err
	}
	if _, err := c.setStages(ctx, object, ps, func(p pending) string { return p.stageWas }, results); err != nil {
		return err
	}
	for _, p := range ps {
		err := plain(failed[p.idx])
		if now := results[p.idx].Err; now != failed[p.idx] {
			err = notPutBack(err, p.stageWas, now)
		}
		results[p.idx] = connector.Result{Err: err}
	}
	return nil
}

// plain is err as it leaves the connector.
func plain(err error) error {
	if sk, ok := err.(*stageKept); ok {
		return sk.RecordError
	}
	return err
}

// notPutBack adds to a failed update's error that the stage cleared before
// it is still blank.
func notPutBack(err error, stage string, why error) error {
	note := fmt.Sprintf(" (its lifecycle stage %q was cleared first and could not be put back: %v)", stage, why)
	if re, ok := err.(*connector.RecordError); ok {
		cp := *re
		cp.Message += note
		return &cp
	}
	return fmt.Errorf("%w%s", err, note)
}
