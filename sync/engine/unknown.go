package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/crmsync/crmsync/store"
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
	return r.e.countUnknown(ctx, r.plan.SyncID, r.id)
}

// countUnknown is run.countUnknown for run runID of sync syncID, also
// asked of a run a crash or kill left open (crashNote).
func (e *Engine) countUnknown(ctx context.Context, syncID, runID int64) (int, error) {
	js, err := e.st.RunPendingJournals(ctx, runID)
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
	known, err := e.failedRecords(ctx, runID, sent)
	if err != nil {
		return 0, err
	}
	n := 0
	for rec, ent := range sent {
		if known[rec] {
			continue
		}
		done, err := e.committedEntry(ctx, syncID, runID, rec.side, ent)
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
func (e *Engine) failedRecords(ctx context.Context, runID int64, sent map[unknownRecord]journalEntry) (map[unknownRecord]bool, error) {
	ids := map[string][]string{}
	for rec := range sent {
		ids[rec.side] = append(ids[rec.side], rec.id)
	}
	out := map[unknownRecord]bool{}
	for side, list := range ids {
		failed, err := e.st.FailedRecords(ctx, runID, side, list)
		if err != nil {
			return nil, err
		}
		for id := range failed {
			out[unknownRecord{side, id}] = true
		}
	}
	return out, nil
}

// committedEntry reports whether run runID committed the write of journal
// entry ent to side after all: an update it audited, a create whose source
// it linked.
func (e *Engine) committedEntry(ctx context.Context, syncID, runID int64, side string, ent journalEntry) (bool, error) {
	if ent.ID != "" {
		rows, err := e.st.AuditOfRecords(ctx, runID, side, []string{ent.ID})
		return len(rows) > 0, err
	}
	pr, ok, err := e.st.Pair(ctx, syncID, otherSide(side), ent.Source)
	return ok && pr.Linked, err
}

// settledNext ends the note of a run that stopped or died with writes of
// unknown outcome: what happens to them next.
const settledNext = ": the next run reads them back and settles them, and History then counts them under this run (a create it cannot look up waits in Review instead of being made twice)"

// unknownNote says, for a run that stopped with records of unknown
// outcome, what is known: how many it wrote before the stop, how many
// the CRM may or may not hold, and that the next run settles them.
func (r *run) unknownNote() string {
	if r.sum.Unknown == 0 {
		return ""
	}
	wrote := r.sum.Created + r.sum.Updated + r.sum.Deleted
	return fmt.Sprintf("; %d written before the stop, %d outcome unknown (sent in a call the stop cut short; the CRM may hold them)", wrote, r.sum.Unknown) + settledNext
}

// crashNote is store.StaleNote for a run a crash or kill left "running":
// like a stopped run's unknownNote, it says how many records the run sent
// in calls no answer came back for, which the next run settles. Failing to
// count must not keep the run from being marked: it is logged instead.
func (e *Engine) crashNote(ctx context.Context, r store.RunRow) string {
	n, err := e.countUnknown(ctx, r.SyncID, r.ID)
	if err != nil {
		e.log.Warn("count the writes a crash or kill left unknown", "run", r.ID, "err", err)
		return ""
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d outcome unknown (sent in a call the crash or kill cut short; the CRM may hold them)", n) + settledNext
}
