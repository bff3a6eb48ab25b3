package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
)

// TestBrevoHourlyLimitStopGivesBrevosWords: the account's contacts
// endpoints have spent their 36,000 requests of the hour (Brevo's
// "Rate limits"); Brevo answers 429 with x-sib-ratelimit-reset up to an
// hour away, more than the connector waits within a call. The run stops
// with Brevo's own code and message and the wait, for the scheduler, not
// only the transport's words; once the hour is over the contact is written.
func TestBrevoHourlyLimitStopGivesBrevosWords(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 9431, 6, "brevo", "bv", app.DemoBrevoSync("bv", "hs", "bv"))
	if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": "hourly@example.com", "firstname": "Hour", "lastname": "Ly"}); err != nil {
		t.Fatal(err)
	}
	bv := srv.Brevo()
	before := bv.Count()
	bv.SpendContactsHour()
	res, err := a.Run(ctx, "bv", app.RunOptions{Confirm: true})
	t.Logf("run: %v %+v %v", err, res.Summary, res.Failures)
	stop := err
	if stop == nil && res.Summary != nil {
		stop = res.Summary.Stopped
	}
	if stop == nil {
		t.Fatalf("run with Brevo's hourly limit spent: %+v; want it stopped", res.Summary)
	}
	var ce *connector.Error
	if !errors.As(stop, &ce) || ce.Category != connector.CatRateLimit || ce.RetryAfter < 30*time.Minute {
		t.Errorf("stopped for %v (%+v); want a rate_limit error with Brevo's wait of up to an hour", stop, ce)
	}
	if msg := stop.Error(); !strings.Contains(msg, "too_many_requests") || !strings.Contains(msg, "Too many requests") {
		t.Errorf("stopped for %q; want Brevo's code and message", msg)
	}
	if st, d := connStatus(t, a, "bv"); st == "reconnect" {
		t.Errorf("connection bv marked reconnect (%s) for a rate limit", d)
	}
	bv.SetRateLimits(false)
	if res, err := a.Run(ctx, "bv", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the hour: %v %+v", err, res.Summary)
	}
	if bv.Count() != before+1 {
		t.Errorf("Brevo contacts %d → %d; want the new one written", before, bv.Count())
	}
}

// TestRetryFailedRightAwayWritesTheRecord: a Salesforce row stays
// locked through the connector's retries, so the run fails that record;
// the lock then passes and the person presses History's "Retry failed"
// at once. The run they asked for writes the record: it does not report
// success having written nothing because the retry queue's back-off has
// a minute to go.
func TestRetryFailedRightAwayWritesTheRecord(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 9432, false)
	l := links[0]
	srv.Salesforce().LockRow(l.BID, -1)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"jobtitle": "Retried at once"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Failed != 1 {
		t.Fatalf("run with the row locked: %v %+v; want one failed record", err, res.Summary)
	}
	srv.Salesforce().LockRow(l.BID, 0)
	res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true, Trigger: app.TriggerRetry})
	t.Logf("retry: %v %+v", err, res.Summary)
	if got, _ := srv.Salesforce().Get("Contact", l.BID); got.Fields["Title"] != "Retried at once" {
		t.Errorf("after Retry failed: Salesforce Contact %s Title %q, run %+v; want the edit written", l.BID, got.Fields["Title"], res.Summary)
	}
}

// TestZohoNoPermissionIsNotReconnect: the Zoho user crmsync signs in
// as has a profile without the permission to create contacts; Zoho answers
// 403 NO_PERMISSION, naming the profile permission missing (v8 API's
// 403 examples). Its OAuth scope is fine (that refusal is 401
// OAUTH_SCOPE_MISMATCH), so connecting again cannot help: the connection
// is not sent to reconnect, and the failure gives Zoho's code and words.
func TestZohoNoPermissionIsNotReconnect(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 9433, 6, "zoho", "zh", app.DemoZohoSync("zh", "hs", "zh"))
	if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": "noperm@example.com", "firstname": "No", "lastname": "Perm"}); err != nil {
		t.Fatal(err)
	}
	srv.Zoho().DenyCreate("Contacts", true)
	res, err := a.Run(ctx, "zh", app.RunOptions{Confirm: true})
	t.Logf("run: %v %+v %v", err, res.Summary, res.Failures)
	msg := runWords(err, res)
	if !strings.Contains(msg, "NO_PERMISSION") || !strings.Contains(msg, "permission denied") {
		t.Errorf("run failure %q; want Zoho's code and message", msg)
	}
	if st, d := connStatus(t, a, "zh"); st == "reconnect" {
		t.Errorf("connection zh marked reconnect (%s); a profile's permission is an administrator's to give", d)
	}
	srv.Zoho().DenyCreate("Contacts", false)
	if res, err := a.Run(ctx, "zh", app.RunOptions{Confirm: true, Trigger: app.TriggerRetry}); err != nil || res.Summary.Status != "success" || res.Summary.Created != 1 {
		t.Errorf("run once the permission is given: %v %+v; want the contact created", err, res.Summary)
	}
}
