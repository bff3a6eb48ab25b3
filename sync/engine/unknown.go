package engine

import (
	"context"
	"encoding/json"
	"fmt"
)

// unknownRecord names a record a pending journal entry sent: by its id for
// an update, by its source for a create (the CRM's id is not known yet).
type unknownRecord struct{ side, id string }

// countUnknown counts the records sent in calls a stop cut short: the
// entries of the journal rows the run leaves pending, less those it
// committed or recorded as failed anyway (a part of a split batch sent
// again). The vendor may have carried out any of them (a connector
// writing one record a call took some before a 429 storm), so the run
// must not read as having written nothing; the next plan settles them
// (reconcileJournals, reconcileUpdates) and adds them to the run's counts.
func (r *run) countUnknown(ctx context.Context) (int, error) {
	js, err := r.e.st.RunPendingJournals(ctx, r.id)
	if err != nil || len(js) == 0 {
		return 0, err
	}
	sent := map[unknownRecord]journalEntry{}
	for _, j := range js {
		var es []journalEntry
		if json.Unmarshal([]byte(j.Batch), &es) != nil {
			continue // damaged: the next plan drops it with a warning
		}
		for _, e := range es {
			sent[entryRecord(j.Side, e)] = e
		}
	}
	known, err := r.failedRecords(ctx, sent)
	if err != nil {
		return 0, err
	}
	n := 0
	for rec, e := range sent {
		if known[rec] {
			continue
		}
		done, err := r.committedEntry(ctx, rec.side, e)
		if err != nil {
			return 0, err
		}
		if !done {
			n++
		}
	}
	return n, nil
}

// entryRecord is the record journal entry e of side names.
func entryRecord(side string, e journalEntry) unknownRecord {
	if e.ID != "" {
		return unknownRecord{side, e.ID}
	}
	return unknownRecord{side, e.Source}
}

// failedRecords are the records among sent that the run recorded as
// failed, as fail names them (an update's id, a create's source). It asks
// the store about those records alone: a run that failed 100k records
// must not hold every error to count a stopped batch's few hundred.
func (r *run) failedRecords(ctx context.Context, sent map[unknownRecord]journalEntry) (map[unknownRecord]bool, error) {
	ids := map[string][]string{}
	for rec := range sent {
		ids[rec.side] = append(ids[rec.side], rec.id)
	}
	out := map[unknownRecord]bool{}
	for side, list := range ids {
		failed, err := r.e.st.FailedRecords(ctx, r.id, side, list)
		if err != nil {
			return nil, err
		}
		for id := range failed {
			out[unknownRecord{side, id}] = true
		}
	}
	return out, nil
}

// committedEntry reports whether the run committed the write of journal
// entry e to side after all: an update it audited, a create whose source
// it linked.
func (r *run) committedEntry(ctx context.Context, side string, e journalEntry) (bool, error) {
	if e.ID != "" {
		rows, err := r.e.st.AuditOfRecords(ctx, r.id, side, []string{e.ID})
		return len(rows) > 0, err
	}
	pr, ok, err := r.e.st.Pair(ctx, r.plan.SyncID, otherSide(side), e.Source)
	return ok && pr.Linked, err
}

// unknownNote says, for a run that stopped with records of unknown
// outcome, what is known: how many it wrote before the stop, how many
// the CRM may or may not hold, and that the next run settles them.
func (r *run) unknownNote() string {
	if r.sum.Unknown == 0 {
		return ""
	}
	wrote := r.sum.Created + r.sum.Updated + r.sum.Deleted
	return fmt.Sprintf("; %d written before the stop, %d outcome unknown (sent in a call the stop cut short; the CRM may hold them): the next run reads them back and settles them, and History then counts them under this run (a create it cannot look up waits in Review instead of being made twice)",
		wrote, r.sum.Unknown)
}
