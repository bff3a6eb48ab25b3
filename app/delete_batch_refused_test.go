package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

const (
	hsArchive = "POST /crm/objects/2026-03/contacts/batch/archive"
	sfDelete  = "DELETE /services/data/v67.0/composite/sobjects"
)

// approvedCopyDeletes makes a run that copies toHS Salesforce contacts to
// HubSpot and toSF HubSpot contacts to Salesforce, undoes it and approves
// every delete of a copy the undo holds; the deletes go on the next run.
func approvedCopyDeletes(t *testing.T, toSF, toHS int) (*killable, []string, []string) {
	t.Helper()
	ctx := context.Background()
	k, runID, copiesHS, copiesSF := createdRun(t, toSF, toHS)
	if _, err := k.a.Undo(ctx, runID, app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("undo: %v", err)
	}
	items, err := k.a.Reviews(ctx, "contacts", "delete", "open")
	if err != nil || len(items) != toSF+toHS {
		t.Fatalf("delete items: %v %d, want %d", err, len(items), toSF+toHS)
	}
	for _, it := range items {
		if err := k.a.Decide(ctx, it.ID, engine.Decision{Action: "delete"}); err != nil {
			t.Fatal(err)
		}
	}
	return k, copiesHS, copiesSF
}

// checkErrorsName says each of ids failed once in errs, with message.
func checkErrorsName(t *testing.T, errs []store.RunErrorRow, ids []string, message string) {
	t.Helper()
	by := map[string]store.RunErrorRow{}
	for _, e := range errs {
		by[e.RecordID] = e
	}
	for _, id := range ids {
		e, ok := by[id]
		if !ok {
			t.Errorf("no error names %s; errors: %+v", id, errs)
			continue
		}
		if !strings.Contains(e.Message, message) {
			t.Errorf("the error of %s says %q, want the vendor's %q", id, e.Message, message)
		}
	}
}

// checkLive says every id is still there in its CRM.
func checkLive(t *testing.T, k *killable, copiesHS, copiesSF []string) {
	t.Helper()
	for _, id := range copiesHS {
		if r, ok := k.srv.HubSpot().Get("contacts", id); !ok || r.Archived {
			t.Errorf("HubSpot %s was archived, though its delete was refused", id)
		}
	}
	for _, id := range copiesSF {
		if r, ok := k.srv.Salesforce().Get("Contact", id); !ok || r.Deleted {
			t.Errorf("Salesforce %s was deleted, though its delete was refused", id)
		}
	}
}

// deletesAfterLifting lifts the refusals and runs again: the approved
// deletes that failed are carried out then.
func deletesAfterLifting(t *testing.T, k *killable, want int) {
	t.Helper()
	k.srv.HubSpot().Faults().RefuseEndpoint(hsArchive, simkit.Refusal{})
	k.srv.Salesforce().Faults().RefuseEndpoint(sfDelete, simkit.Refusal{})
	res, errs := runAndErrors(t, k.a, "contacts")
	if res.Summary.Deleted != want || len(errs) != 0 {
		t.Errorf("the run after the refusals were lifted deleted %d, want %d: %+v", res.Summary.Deleted, want, errs)
	}
}

// TestDeleteBatchRefused4xxGoesOneByOne: HubSpot's batch/archive and
// Salesforce's sObject Collections DELETE refuse every call with a 400 in
// their own shape. Each batch of approved deletes is sent again one record
// at a time, each record fails naming itself and the vendor's words,
// nothing is recorded deleted, and the next run, the refusal lifted,
// deletes them.
func TestDeleteBatchRefused4xxGoesOneByOne(t *testing.T) {
	const n = 3
	k, copiesHS, copiesSF := approvedCopyDeletes(t, n, n)
	hs, sf := k.srv.HubSpot(), k.srv.Salesforce()
	const hsMsg, sfMsg = "Invalid input JSON on line 1, column 12: Cannot build BatchInputSimplePublicObjectId", "Unable to parse the ids parameter"
	hs.Faults().RefuseEndpoint(hsArchive, simkit.Refusal{Status: http.StatusBadRequest, Code: "VALIDATION_ERROR", Message: hsMsg})
	sf.Faults().RefuseEndpoint(sfDelete, simkit.Refusal{Status: http.StatusBadRequest, Code: "MALFORMED_QUERY", Message: sfMsg})
	hs0, sf0 := hs.Stats(), sf.Stats()
	res, errs := runAndErrors(t, k.a, "contacts")
	dHS, dSF := statsDelta(hs0, hs.Stats()), statsDelta(sf0, sf.Stats())
	t.Logf("hubspot %v\nsalesforce %v", dHS, dSF)
	if res.Summary.Deleted != 0 || res.Summary.Failed != 2*n || len(errs) != 2*n {
		t.Errorf("run: deleted %d, failed %d, %d errors; want 0, %d, %d", res.Summary.Deleted, res.Summary.Failed, len(errs), 2*n, 2*n)
	}
	checkErrorsName(t, errs, copiesHS, hsMsg)
	checkErrorsName(t, errs, copiesSF, sfMsg)
	if dHS[hsArchive] != 1+n || dSF[sfDelete] != 1+n {
		t.Errorf("delete calls: HubSpot %d, Salesforce %d; want the batch and then each of its %d records alone: %d each", dHS[hsArchive], dSF[sfDelete], n, 1+n)
	}
	checkLive(t, k, copiesHS, copiesSF)
	deletesAfterLifting(t, k, 2*n)
}

// TestDeleteBatchServerErrorRetried: a 503 on the first call of each
// side's batch of deletes is retried by the connector and the batch is
// deleted, one call more; a 500 on every call fails every record of the
// batch with the vendor's words (no record is sent alone: a server failure
// is no record's fault), nothing is recorded deleted that was not, and the
// next run deletes them.
func TestDeleteBatchServerErrorRetried(t *testing.T) {
	const n = 3
	k, copiesHS, copiesSF := approvedCopyDeletes(t, n, n)
	// The connectors retry each 500 with back-off from 500 ms (15 s a
	// call); a millisecond step makes the same retries, without the wait.
	k.retryMinWait = time.Millisecond
	k.restart()
	hs, sf := k.srv.HubSpot(), k.srv.Salesforce()
	hs.Faults().RefuseEndpoint(hsArchive, simkit.Refusal{Status: http.StatusInternalServerError, Code: "INTERNAL_ERROR", Message: "internal error"})
	sf.Faults().RefuseEndpoint(sfDelete, simkit.Refusal{Status: http.StatusInternalServerError, Code: "UNKNOWN_EXCEPTION", Message: "An unexpected error occurred. Please include this ErrorId if you contact support: 1234-5678"})
	hs0, sf0 := hs.Stats(), sf.Stats()
	res, errs := runAndErrors(t, k.a, "contacts")
	dHS, dSF := statsDelta(hs0, hs.Stats()), statsDelta(sf0, sf.Stats())
	t.Logf("500s: hubspot %v\nsalesforce %v", dHS, dSF)
	if res.Summary.Deleted != 0 {
		t.Errorf("run under 500s recorded %d deleted, want 0", res.Summary.Deleted)
	}
	if res.Summary.Status == "success" {
		t.Errorf("run under 500s ended %q", res.Summary.Status)
	}
	checkLive(t, k, copiesHS, copiesSF)
	if len(errs) != 2*n {
		t.Errorf("run under 500s: %d errors, want one per record (%d)", len(errs), 2*n)
	}
	if dHS[hsArchive] < 2 || dSF[sfDelete] < 2 {
		t.Errorf("delete calls under 500s: HubSpot %d, Salesforce %d; want the batch retried", dHS[hsArchive], dSF[sfDelete])
	}
	checkErrorsName(t, errs, copiesHS, "internal error")
	checkErrorsName(t, errs, copiesSF, "An unexpected error occurred")
	deleted, err := k.a.DB().AuditCount(context.Background(), res.Summary.RunID)
	if err != nil || deleted != 0 {
		t.Errorf("the run under 500s audited %d fields (%v), want none", deleted, err)
	}

	hs.Faults().RefuseEndpoint(hsArchive, simkit.Refusal{Status: http.StatusServiceUnavailable, Code: "INTERNAL_ERROR", Message: "service unavailable", Times: 1})
	sf.Faults().RefuseEndpoint(sfDelete, simkit.Refusal{Status: http.StatusServiceUnavailable, Code: "SERVER_UNAVAILABLE", Message: "Server temporarily unavailable", Times: 1})
	hs0, sf0 = hs.Stats(), sf.Stats()
	res, errs = runAndErrors(t, k.a, "contacts")
	dHS, dSF = statsDelta(hs0, hs.Stats()), statsDelta(sf0, sf.Stats())
	t.Logf("one 503: hubspot %v\nsalesforce %v", dHS, dSF)
	if res.Summary.Deleted != 2*n || len(errs) != 0 {
		t.Errorf("run after one 503 each: deleted %d, want %d: %+v", res.Summary.Deleted, 2*n, errs)
	}
	if dHS[hsArchive] != 2 || dSF[sfDelete] != 2 {
		t.Errorf("delete calls after one 503: HubSpot %d, Salesforce %d; want the refused call and its retry: 2 each", dHS[hsArchive], dSF[sfDelete])
	}
}
