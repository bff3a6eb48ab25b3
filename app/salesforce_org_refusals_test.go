package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
)

// sfContactCreates counts the sObject Collections calls that create
// contacts Salesforce was sent: creates, and upserts by a key.
func sfContactCreates(stats map[string]int64) int64 {
	var n int64
	for k, v := range stats {
		if strings.HasPrefix(k, "POST ") && strings.HasSuffix(k, "/composite/sobjects") ||
			strings.HasPrefix(k, "PATCH ") && strings.Contains(k, "/composite/sobjects/Contact/") {
			n += v
		}
	}
	return n
}

// TestSalesforceStorageFullStopsRun: the org's data storage is full;
// Salesforce refuses each new record with STORAGE_LIMIT_EXCEEDED, and
// every create after it would be refused the same way until an
// administrator frees or buys storage. The run stops at the first refusal
// as the account's problem (no reconnect), in Salesforce's code and words
// with what the administrator must do, instead of failing 250 records one
// batch after another as bad data; once storage is freed the records are
// created once.
func TestSalesforceStorageFullStopsRun(t *testing.T) {
	ctx := context.Background()
	a, srv, _ := syncedContacts(t, 4701, false)
	before := emailCounts(srv)
	for i := range 250 {
		if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": fmt.Sprintf("full%03d@example.com", i), "firstname": "Full", "lastname": fmt.Sprintf("Org %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	sf := srv.Salesforce()
	sf.FillDataStorage(true)
	posts := sfContactCreates(sf.Stats())
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	sent := sfContactCreates(sf.Stats()) - posts
	t.Logf("run: %v %+v %v; %d creates calls", err, res.Summary, res.Failures, sent)
	if sent > 1 {
		t.Errorf("%d create calls sent to a full org; want the run stopped at the first refusal", sent)
	}
	var stop error
	if res.Summary != nil {
		stop = res.Summary.Stopped
	}
	if stop == nil || !errors.Is(stop, connector.ErrAccount) {
		t.Errorf("stopped for %v (category %s); want the run stopped as the account's problem", stop, connector.CategoryOf(stop))
	}
	msg := runWords(err, res)
	for _, w := range []string{"STORAGE_LIMIT_EXCEEDED", "storage limit exceeded", "administrator"} {
		if !strings.Contains(msg, w) {
			t.Errorf("the run's words %q do not say %q", msg, w)
		}
	}
	if st, d := connStatus(t, a, "sf"); st != app.StatusAccount || !strings.Contains(d, "storage limit exceeded") {
		t.Errorf("connection sf: %q (%s); want %q with Salesforce's message", st, d, app.StatusAccount)
	}
	if st, d := connStatus(t, a, "hs"); st != "connected" {
		t.Errorf("connection hs: %q (%s); want connected", st, d)
	}

	sf.FillDataStorage(false)
	res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true, Trigger: app.TriggerRetry})
	if err != nil || res.Summary.Status != "success" || res.Summary.Created != 250 {
		t.Fatalf("run with storage freed: %v %+v %v; want the 250 contacts created", err, res.Summary, res.Failures)
	}
	runsSettle(t, a, srv, before, 2)
	if st, d := connStatus(t, a, "sf"); st != "connected" {
		t.Errorf("connection sf after a run that worked: %q (%s); want connected", st, d)
	}
}

// TestSalesforceApprovalLockIsNotConflict: a Salesforce contact
// submitted for approval is locked by the approval process; Salesforce
// refuses the update with ENTITY_IS_LOCKED "the entity is locked for
// editing". No retry helps until someone approves, rejects or unlocks it,
// and it is no conflict in the data: the failure names the record,
// Salesforce's code and words, and who can lift the lock; the rest of the
// run writes; once unlocked, the edit is written.
func TestSalesforceApprovalLockIsNotConflict(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 4702, false)
	locked, free := links[0], links[1]
	sf := srv.Salesforce()
	sf.LockForApproval(locked.BID, true)
	for _, l := range []string{locked.AID, free.AID} {
		if _, err := srv.HubSpot().Update("contacts", l, map[string]string{"jobtitle": "Awaiting approval"}); err != nil {
			t.Fatal(err)
		}
	}
	res, errs := runAndErrors(t, a, "contacts")
	if len(errs) != 1 || errs[0].RecordID != locked.BID || errs[0].Code != "ENTITY_IS_LOCKED" ||
		!strings.Contains(errs[0].Message, "the entity is locked for editing") {
		t.Fatalf("run errors %+v; want %s failed with Salesforce's ENTITY_IS_LOCKED", errs, locked.BID)
	}
	if c := errs[0].Category; c == string(connector.CatConflict) || c == string(connector.CatServer) {
		t.Errorf("approval-locked record's category %q; it is neither a conflict in the data nor a passing fault", c)
	}
	if !strings.Contains(errs[0].Message, "approv") || !strings.Contains(errs[0].Message, "administrator") {
		t.Errorf("message %q does not say an approval locks the record and who can unlock it", errs[0].Message)
	}
	for _, g := range res.Failures {
		if strings.Contains(g.Line(), "conflict") {
			t.Errorf("failure group %q calls an approval lock a conflict", g.Line())
		}
	}
	if r, _ := sf.Get("Contact", free.BID); r.Fields["Title"] != "Awaiting approval" {
		t.Errorf("unlocked contact %s Title %q; want the edit written", free.BID, r.Fields["Title"])
	}
	if st, d := connStatus(t, a, "sf"); st != "connected" {
		t.Errorf("connection sf: %q (%s); a locked record is no account or sign-in problem", st, d)
	}

	sf.LockForApproval(locked.BID, false)
	res2, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true, Trigger: app.TriggerRetry})
	if err != nil || res2.Summary.Status != "success" {
		t.Fatalf("run after the unlock: %v %+v %v", err, res2.Summary, res2.Failures)
	}
	if r, _ := sf.Get("Contact", locked.BID); r.Fields["Title"] != "Awaiting approval" {
		t.Errorf("contact %s Title %q after the unlock; want the edit written", locked.BID, r.Fields["Title"])
	}
}
