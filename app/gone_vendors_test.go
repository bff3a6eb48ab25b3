package app_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// goneRunWith is goneRun with the run's progress callback (nil for none).
func goneRunWith(t *testing.T, a *app.App, name string, edit func() error, progress func(engine.Progress)) app.RunResult {
	t.Helper()
	time.Sleep(5 * time.Millisecond)
	if err := edit(); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), name, app.RunOptions{Confirm: true, Progress: progress})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res
}

// editAgainWritesNothing edits the kept partner once more after the delete
// was held and runs the sync: the held record is neither written nor
// created again, and nothing fails.
func editAgainWritesNothing(t *testing.T, a *app.App, name string, edit func() error) {
	t.Helper()
	res := goneRunWith(t, a, name, edit, nil)
	if s := res.Summary; s.Created+s.Updated+s.Failed+s.Deleted != 0 || s.Status != "success" {
		t.Fatalf("run after editing the kept partner again: %+v\n%s", s, res.Plan.Summary())
	}
}

// deleteWhenPlanned is a run's progress callback that calls del once, when
// the plan is stored and nothing is written yet: a delete between the
// plan's read and its write, which no read of that run can see.
func deleteWhenPlanned(t *testing.T, del func() error) (func(engine.Progress), *bool) {
	t.Helper()
	deleted := false
	return func(p engine.Progress) {
		if p.Phase == "store" && p.Done == p.Total && !deleted {
			if err := del(); err != nil {
				t.Errorf("delete between plan and write: %v", err)
				return
			}
			deleted = true
		}
	}, &deleted
}

// TestGoneInZohoHeldSameRun: a Zoho contact deleted between the
// plan's read and its write meets Zoho's answer to the update of a
// deleted record, a per-record INVALID_DATA "the id given seems to be
// invalid" naming api_name "id" (update-records doc, v8). That is the
// delete, held in the same run: no failure, a warning naming both records,
// the HubSpot contact kept and nothing created in Zoho.
func TestGoneInZohoHeldSameRun(t *testing.T) {
	a, srv := syncedThrough(t, 41, 12, "zoho", "zc", app.DemoZohoSync("s", "hs", "zc"))
	hs, zc := srv.HubSpot(), srv.Zoho()
	l := syncLinks(t, a, "s")[0]
	zohoLive := zc.Count("Contacts")
	progress, deleted := deleteWhenPlanned(t, func() error { return zc.Delete("Contacts", l.BID) })
	res := goneRunWith(t, a, "s", func() error {
		_, err := hs.Update("contacts", l.AID, map[string]string{"jobtitle": "Audit: edited before the Zoho delete"})
		return err
	}, progress)
	if !*deleted {
		t.Fatal("the Zoho contact was not deleted between plan and write")
	}
	assertGoneHeld(t, a, "s", res, l.BID, l.AID)
	if r, ok := hs.Get("contacts", l.AID); !ok || r.Archived {
		t.Fatalf("HubSpot contact %s archived after its Zoho partner's delete", l.AID)
	}
	editAgainWritesNothing(t, a, "s", func() error {
		_, err := hs.Update("contacts", l.AID, map[string]string{"jobtitle": "Audit: edited again"})
		return err
	})
	if r, ok := zc.Get("Contacts", l.BID); !ok || !r.Deleted {
		t.Fatalf("Zoho contact %s restored (%+v)", l.BID, r)
	}
	if n := zc.Count("Contacts"); n != zohoLive-1 {
		t.Fatalf("Zoho contacts %d → %d, want the deleted one not created again", zohoLive, n)
	}
}

// TestGoneInPipedriveHeldSameRun: a Pipedrive person deleted since
// the last run is not read by a sync without delete propagation (its
// deletes are found by comparing ids), so an edit of its HubSpot partner
// meets Pipedrive's 404 for the person; held in that run.
func TestGoneInPipedriveHeldSameRun(t *testing.T) {
	a, srv := syncedThrough(t, 41, 12, "pipedrive", "pd", app.DemoPipedriveSync("s", "hs", "pd", ""))
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	l := syncLinks(t, a, "s")[0]
	id, err := strconv.ParseInt(l.BID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	pdLive := pd.CountPersons()
	if err := pd.DeletePerson(id); err != nil {
		t.Fatal(err)
	}
	res := goneRunWith(t, a, "s", func() error {
		_, err := hs.Update("contacts", l.AID, map[string]string{"firstname": "Audited"})
		return err
	}, nil)
	assertGoneHeld(t, a, "s", res, l.BID, l.AID)
	if r, ok := hs.Get("contacts", l.AID); !ok || r.Archived {
		t.Fatalf("HubSpot contact %s archived after its Pipedrive partner's delete", l.AID)
	}
	editAgainWritesNothing(t, a, "s", func() error {
		_, err := hs.Update("contacts", l.AID, map[string]string{"firstname": "Audited again"})
		return err
	})
	if p, ok := pd.GetPerson(id); !ok || !p.Deleted {
		t.Fatalf("Pipedrive person %d restored (%+v)", id, p)
	}
	if n := pd.CountPersons(); n != pdLive-1 {
		t.Fatalf("Pipedrive persons %d → %d, want the deleted one not created again", pdLive, n)
	}
}

// TestGoneInDynamicsHeldSameRun: the same for a Dataverse contact,
// whose update (PATCH of the entity) answers 404 with error code
// 0x80040217 "contact With Id = … Does Not Exist".
func TestGoneInDynamicsHeldSameRun(t *testing.T) {
	a, srv := syncedThrough(t, 41, 12, "dynamics", "dv", app.DemoDynamicsSync("s", "hs", "dv", ""))
	hs, dv := srv.HubSpot(), srv.Dynamics()
	l := syncLinks(t, a, "s")[0]
	dvLive := dv.Count("contacts")
	if err := dv.Delete("contacts", l.BID); err != nil {
		t.Fatal(err)
	}
	res := goneRunWith(t, a, "s", func() error {
		_, err := hs.Update("contacts", l.AID, map[string]string{"jobtitle": "Audit: edited after the Dataverse delete"})
		return err
	}, nil)
	assertGoneHeld(t, a, "s", res, l.BID, l.AID)
	if r, ok := hs.Get("contacts", l.AID); !ok || r.Archived {
		t.Fatalf("HubSpot contact %s archived after its Dataverse partner's delete", l.AID)
	}
	editAgainWritesNothing(t, a, "s", func() error {
		_, err := hs.Update("contacts", l.AID, map[string]string{"jobtitle": "Audit: edited again"})
		return err
	})
	if _, ok := dv.Get("contacts", l.BID); ok {
		t.Fatalf("Dataverse contact %s back after its delete", l.BID)
	}
	if n := dv.Count("contacts"); n != dvLive-1 {
		t.Fatalf("Dataverse contacts %d → %d, want the deleted one not created again", dvLive, n)
	}
}

// TestGoneDealInHubSpotHeldSameRun: a HubSpot deal archived since the
// last run (the deals sync reads no HubSpot archive) and its Opportunity
// edited: the update meets OBJECT_NOT_FOUND, held as for a contact; the
// Opportunity is kept and no deal is created again.
func TestGoneDealInHubSpotHeldSameRun(t *testing.T) {
	a, srv := connectedSandbox(t, 17, 40)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoDealsSync("deals", "hs", "sf", "companies"))
	runOK(t, a, "companies")
	runOK(t, a, "deals")
	l := syncLinks(t, a, "deals")[0]
	deals := hs.Count("deals")
	if !hs.Archive("deals", l.AID) {
		t.Fatal("archive failed")
	}
	res := goneRunWith(t, a, "deals", func() error {
		_, err := sf.Update("Opportunity", l.BID, map[string]string{"Name": "Audit: renamed after the archive"})
		return err
	}, nil)
	assertGoneHeld(t, a, "deals", res, l.AID, l.BID)
	if _, ok := sf.Get("Opportunity", l.BID); !ok {
		t.Fatalf("Opportunity %s deleted", l.BID)
	}
	if n := hs.Count("deals"); n != deals-1 {
		t.Fatalf("HubSpot deals %d → %d, want the archived one not created again", deals, n)
	}
}

// TestGoneAccountInSalesforceHeldSameRun: a Salesforce Account
// deleted between the plan's read and its write of a HubSpot company's
// edit meets ENTITY_IS_DELETED: held, the company kept, no Account
// created again.
func TestGoneAccountInSalesforceHeldSameRun(t *testing.T) {
	a, srv := connectedSandbox(t, 17, 40)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"))
	runOK(t, a, "companies")
	l := syncLinks(t, a, "companies")[0]
	accounts := sf.Count("Account")
	progress, deleted := deleteWhenPlanned(t, func() error {
		if !sf.Delete("Account", l.BID) {
			return errors.New("Salesforce sandbox did not delete Account " + l.BID)
		}
		return nil
	})
	res := goneRunWith(t, a, "companies", func() error {
		_, err := hs.Update("companies", l.AID, map[string]string{"city": "Audit City"})
		return err
	}, progress)
	if !*deleted {
		t.Fatal("the Account was not deleted between plan and write")
	}
	assertGoneHeld(t, a, "companies", res, l.BID, l.AID)
	if r, ok := hs.Get("companies", l.AID); !ok || r.Archived {
		t.Fatalf("HubSpot company %s archived after its Account's delete", l.AID)
	}
	if n := sf.Count("Account"); n != accounts-1 {
		t.Fatalf("Accounts %d → %d, want the deleted one not created again", accounts, n)
	}
}
