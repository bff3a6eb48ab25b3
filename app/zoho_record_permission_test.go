package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
)

// TestZohoDeniedRecordFailsAlone: a Zoho contact the signed-in user
// may read but not change (its role, or the record's sharing rules in
// Zoho CRM) is refused its update with NO_PERMISSION, "no permission to
// perform an action on this record" (crm-oas v8.0 record.json
// API_Exception). The run fails that contact alone: its error row (in the
// store) and the run's failure line name it with Zoho's code and words,
// say it is a permission in Zoho CRM that a Zoho CRM administrator grants,
// and are not filed as a passing fault on Zoho's side ("server"). The
// other contact is written, the connection stays connected, and once the
// permission is given the edit is written.
func TestZohoDeniedRecordFailsAlone(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 4721, 6, "zoho", "zc", app.DemoZohoSync("s", "hs", "zc"))
	zc := srv.Zoho()
	links := syncLinks(t, a, "s")
	denied, free := links[0], links[1]
	if err := zc.DenyRecord("Contacts", denied.BID, true); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{denied.AID, free.AID} {
		if _, err := srv.HubSpot().Update("contacts", l, map[string]string{"jobtitle": "Shared read-only"}); err != nil {
			t.Fatal(err)
		}
	}
	res, errs := runAndErrors(t, a, "s")
	if len(errs) != 1 || errs[0].RecordID != denied.BID || errs[0].Code != "NO_PERMISSION" ||
		!strings.Contains(errs[0].Message, "no permission to perform an action on this record") {
		t.Fatalf("run errors %+v; want %s failed with Zoho's NO_PERMISSION and words", errs, denied.BID)
	}
	if c := errs[0].Category; c != string(connector.CatValidation) {
		t.Errorf("denied record's category %q; a permission in Zoho CRM is no passing fault on Zoho's side", c)
	}
	if len(res.Failures) != 1 {
		t.Fatalf("run failures %+v; want the denied contact's group alone", res.Failures)
	}
	line := res.Failures[0].Line()
	for _, want := range []string{denied.BID, "NO_PERMISSION", "permission in Zoho CRM", "Zoho CRM administrator"} {
		if !strings.Contains(line, want) {
			t.Errorf("failure line %q does not say %q", line, want)
		}
	}
	if r, _ := zc.Get("Contacts", free.BID); r.Fields["Title"] != "Shared read-only" {
		t.Errorf("permitted contact %s Title %q; want the edit written", free.BID, r.Fields["Title"])
	}
	if r, _ := zc.Get("Contacts", denied.BID); r.Fields["Title"] == "Shared read-only" {
		t.Errorf("denied contact %s was written", denied.BID)
	}
	if st, d := connStatus(t, a, "zc"); st != "connected" {
		t.Errorf("connection zc: %q (%s); a record's permission is no account or sign-in problem", st, d)
	}

	if err := zc.DenyRecord("Contacts", denied.BID, false); err != nil {
		t.Fatal(err)
	}
	again, err := a.Run(ctx, "s", app.RunOptions{Confirm: true, Trigger: app.TriggerRetry})
	if err != nil || again.Summary.Status != "success" {
		t.Fatalf("run after the permission was given: %v %+v %v", err, again.Summary, again.Failures)
	}
	if r, _ := zc.Get("Contacts", denied.BID); r.Fields["Title"] != "Shared read-only" {
		t.Errorf("contact %s Title %q once permitted; want the edit written", denied.BID, r.Fields["Title"])
	}
}
