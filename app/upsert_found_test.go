package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// TestUpsertOntoOthersContactIsNoCreate: a Salesforce Contact is
// planned to be created in HubSpot; before the write another integration
// creates a HubSpot contact with the same email. HubSpot's batch upsert by
// email updates that contact and answers "new": false. crmsync did not
// create it: the link must not say so, the audit must record an update
// (its old values unknown) and an undo must not offer to delete it.
func TestUpsertOntoOthersContactIsNoCreate(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 821, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	const email = "race@upsert-audit.io"
	if _, err := sf.Create("Contact", map[string]string{"Email": email, "FirstName": "Sam", "LastName": "Ours"}); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	var theirs string
	race := onStorePhase(func() {
		h, err := hs.Create("contacts", map[string]string{"email": email, "firstname": "Tess", "lastname": "Theirs"})
		if err != nil {
			t.Error(err)
			return
		}
		theirs = h.ID
	})
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true, Progress: race})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Logf("run: %+v", res.Summary)
	if theirs == "" {
		t.Fatal("the other integration's contact was not made")
	}
	if n := len(hs.Records("contacts")); n != 1 {
		t.Fatalf("%d HubSpot contacts, want 1", n)
	}
	wantLinkedAsFound(t, a, "contacts", "a", theirs, "HubSpot contact")
	rows, err := a.DB().Audit(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	var audited bool
	for _, row := range rows {
		if row.Side != "a" || row.RecordID != theirs {
			continue
		}
		audited = true
		t.Logf("audit: %s %q → %q (%s)", row.Field, row.Old, row.New, row.Rule)
		if strings.HasPrefix(row.Rule, engine.RuleCreate) {
			t.Errorf("the audit says crmsync created %s: %s %q → %q (%s)", theirs, row.Field, row.Old, row.New, row.Rule)
		}
		if row.Field == "firstname" && row.Old == "" && !strings.Contains(row.Rule, "unknown") {
			t.Errorf("the audit invents a blank old firstname of %s without saying it is unknown: %+v", theirs, row)
		}
	}
	if !audited {
		t.Errorf("no audit row for HubSpot contact %s", theirs)
	}
	undo := dryUndoOffersNoDelete(t, a, res.Summary.RunID)
	for _, w := range undo.Plan.Updates {
		for _, ch := range w.Changes {
			if w.ID == theirs && strings.TrimSpace(ch.New) == "" {
				t.Errorf("the undo would blank %s of %s (its old value is unknown): %+v", ch.Field, theirs, ch)
			}
		}
	}
}

// TestBrevoUpsertOntoOthersContactRestoresOld: as above with Brevo,
// where crmsync's upsert by email first tries a plain create and reads the
// contact holding the email when Brevo refuses it: that read gives the old
// values, so the audit records them and an undo writes them back instead
// of offering to delete the contact.
func TestBrevoUpsertOntoOthersContactRestoresOld(t *testing.T) {
	ctx := context.Background()
	k := killableApp(t, 0, [2]string{"hubspot", "hs"}, [2]string{"brevo", "bv"})
	bv := k.srv.Brevo()
	const email = "race@brevo-upsert-audit.io"
	if _, err := k.srv.HubSpot().Create("contacts", map[string]string{"email": email, "firstname": "Sam", "lastname": "Ours"}); err != nil {
		t.Fatal(err)
	}
	def := app.DemoBrevoSync("bv-race", "hs", "bv")
	saveSyncs(t, k.a, def)
	var once sync.Once
	var otherID int64
	k.tr.setHook(func(r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/v3/contacts") {
			once.Do(func() {
				ids, err := bv.SeedContacts([]brevo.ContactSeed{{Email: email, Attributes: map[string]any{"FIRSTNAME": "Tess", "LASTNAME": "Theirs"}}})
				if err != nil {
					t.Error(err)
					return
				}
				otherID = ids[0]
			})
		}
	})
	res, err := k.a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	k.tr.setHook(nil)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Logf("run: %+v", res.Summary)
	if otherID == 0 {
		t.Fatal("no contact was posted to Brevo")
	}
	theirs := fmt.Sprint(otherID)
	if n := len(bv.Contacts()); n != 1 {
		t.Fatalf("%d Brevo contacts, want 1", n)
	}
	wantLinkedAsFound(t, k.a, def.Name, "b", theirs, "Brevo contact")
	rows, err := k.a.DB().Audit(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	var first bool
	for _, row := range rows {
		if row.Side != "b" || row.RecordID != theirs {
			continue
		}
		t.Logf("audit: %s %q → %q (%s)", row.Field, row.Old, row.New, row.Rule)
		if strings.HasPrefix(row.Rule, engine.RuleCreate) {
			t.Errorf("the audit says crmsync created %s: %s %q → %q (%s)", theirs, row.Field, row.Old, row.New, row.Rule)
		}
		first = first || row.Field == "FIRSTNAME" && row.Old == "Tess" && row.New == "Sam"
	}
	if !first {
		t.Errorf("no audit row of %s says FIRSTNAME \"Tess\" → \"Sam\"", theirs)
	}
	k.clock.step(time.Minute)
	undo := dryUndoOffersNoDelete(t, k.a, res.Summary.RunID)
	restores := false
	for _, w := range undo.Plan.Updates {
		for _, ch := range w.Changes {
			restores = restores || w.ID == theirs && ch.Field == "FIRSTNAME" && ch.New == "Tess"
		}
	}
	if !restores {
		t.Errorf("the undo does not write FIRSTNAME \"Tess\" back to %s: %+v", theirs, undo.Plan.Updates)
	}
}

// wantLinkedAsFound fails t unless a link of sync holds id on side ("a"
// or "b") and none says crmsync created it; what names the record in the
// failure ("HubSpot contact").
func wantLinkedAsFound(t *testing.T, a *app.App, sync, side, id, what string) {
	t.Helper()
	linked := false
	for _, l := range syncLinks(t, a, sync) {
		if l.AID == id && side == "a" || l.BID == id && side == "b" {
			linked = true
			if l.CreatedBy != "" {
				t.Errorf("the other integration's contact %s is linked as created by crmsync (CreatedBy %q)", id, l.CreatedBy)
			}
		}
	}
	if !linked {
		t.Errorf("%s %s is not linked", what, id)
	}
}

// dryUndoOffersNoDelete plans an undo of the run (a dry run) and fails t
// if the plan offers to delete a record; it returns the plan.
func dryUndoOffersNoDelete(t *testing.T, a *app.App, runID int64) app.RunResult {
	t.Helper()
	undo, err := a.Undo(context.Background(), runID, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range undo.Plan.Review {
		if it.Kind == "delete" {
			t.Errorf("the undo offers to delete a record: %+v", it)
		}
	}
	return undo
}
