package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// salesforceFirstEmailSync is a contacts sync defined the other way round
// from app.DemoSync: the Salesforce Contact is side A, HubSpot's contact
// side B, with one email row and no "lower" transform, so only HubSpot's
// own lower-casing (connector.Field.Lower on side B) is in play.
func salesforceFirstEmailSync(name string, dir mapping.Direction) engine.Definition {
	def := app.DemoSync(name, "hs", "sf")
	def.A, def.B = def.B, def.A
	for i := range def.Match {
		def.Match[i].A, def.Match[i].B = def.Match[i].B, def.Match[i].A
	}
	def.Direction = dir
	def.Fields = []mapping.Field{
		{A: "Email", B: "email", Direction: dir},
		{A: "LastName", B: "lastname", Direction: dir, Rule: mapping.UnlessBlank},
	}
	return def
}

// TestEmailCaseHubSpotSideB: a Salesforce "Ada.Side@Example.com"
// reaches HubSpot (side B) lower-cased; the runs after write nothing and
// raise no conflict, the audit holds the one write, and a case-only retype
// in Salesforce is not sent to HubSpot again and again. Covers the sides
// swapped of TestEmailCaseHubSpotKeepsIsNoEdit (HubSpot side A).
func TestEmailCaseHubSpotSideB(t *testing.T) {
	for _, tc := range []struct {
		name string
		dir  mapping.Direction
	}{{"two-way", mapping.TwoWay}, {"one-way", mapping.AtoB}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			a, srv := connectedSandbox(t, 96, 0)
			hs, sf := srv.HubSpot(), srv.Salesforce()
			saveSyncs(t, a, salesforceFirstEmailSync("sf-first", tc.dir))
			sfc := mustCreateSF(t, sf, "Contact", map[string]string{"Email": "Ada.Side@Example.com", "LastName": "Side"})
			writes := func() int64 { return hubSpotContactWrites(srv.Stats()["hubspot"]) }
			var audited int
			runExpect := func(label string, want int) {
				t.Helper()
				before := writes()
				res, err := a.Run(ctx, "sf-first", app.RunOptions{Confirm: true})
				if err != nil || res.Summary.Failed+res.Summary.Conflicts+res.Summary.Review != 0 || res.Summary.Created+res.Summary.Updated != want {
					t.Fatalf("%s: %v %+v; want %d written, no conflict\n%s", label, err, res.Summary, want, res.Plan.Summary())
				}
				if sent := writes() - before; want == 0 && sent != 0 {
					t.Errorf("%s sent %d HubSpot contact writes; want none", label, sent)
				}
				rows, err := a.DB().Audit(ctx, res.Summary.RunID)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					if r.Field == "email" || r.Field == "Email" {
						audited++
						t.Logf("%s audit: %+v", label, r)
					}
				}
			}
			runExpect("first run", 1)
			runExpect("second run", 0)
			runExpect("third run", 0)
			if audited != 1 {
				t.Errorf("the audit holds %d email writes; want the create's one", audited)
			}
			time.Sleep(5 * time.Millisecond)
			if _, err := sf.Update("Contact", sfc.ID, map[string]string{"Email": "ADA.SIDE@example.COM"}); err != nil {
				t.Fatal(err)
			}
			runExpect("run after the case-only retype", 0)
			runExpect("run after that", 0)
			if got, _ := sf.Get("Contact", sfc.ID); got.Fields["Email"] != "ADA.SIDE@example.COM" {
				t.Errorf("Salesforce Email %q; want the user's retype kept", got.Fields["Email"])
			}
			recs := hs.Records("contacts")
			if len(recs) != 1 || recs[0].Properties["email"] != "ada.side@example.com" {
				t.Errorf("HubSpot contacts %+v; want one, ada.side@example.com", recs)
			}
		})
	}
}

// TestEmailCaseHubSpotSideBPipedrive: the same with a Pipedrive
// person as side A (its email one of a list of addresses): the capitals
// stay in Pipedrive, HubSpot holds the address lower-cased, and neither a
// rerun nor a case-only retype in Pipedrive writes anything.
func TestEmailCaseHubSpotSideBPipedrive(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 97, 0)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatal(err)
	}
	pd, hs := srv.Pipedrive(), srv.HubSpot()
	def := app.DemoPipedriveSync("pd-first", "hs", "pd", "")
	def.A, def.B = def.B, def.A
	def.Match[0].A, def.Match[0].B = def.Match[0].B, def.Match[0].A
	def.Fields = []mapping.Field{{A: "email", B: "email"}, {A: "name", B: "firstname+lastname", Rule: mapping.UnlessBlank}}
	saveSyncs(t, a, def)
	p, err := pd.CreatePerson(map[string]any{"name": "Ada Pipeside", "emails": []any{map[string]any{"value": "Ada.Pipeside@Example.com", "primary": true, "label": "work"}}})
	if err != nil {
		t.Fatal(err)
	}
	run := func(label string, want int) {
		t.Helper()
		before := hubSpotContactWrites(srv.Stats()["hubspot"])
		res, err := a.Run(ctx, "pd-first", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Failed+res.Summary.Conflicts+res.Summary.Review != 0 || res.Summary.Created+res.Summary.Updated != want {
			t.Fatalf("%s: %v %+v; want %d written, no conflict\n%s", label, err, res.Summary, want, res.Plan.Summary())
		}
		if sent := hubSpotContactWrites(srv.Stats()["hubspot"]) - before; want == 0 && sent != 0 {
			t.Errorf("%s sent %d HubSpot contact writes; want none", label, sent)
		}
	}
	run("first run", 1)
	run("second run", 0)
	time.Sleep(5 * time.Millisecond)
	if _, err := pd.UpdatePerson(p.ID, map[string]any{"emails": []any{map[string]any{"value": "ADA.PIPESIDE@example.com", "primary": true, "label": "work"}}}); err != nil {
		t.Fatal(err)
	}
	run("run after the case-only retype", 0)
	run("run after that", 0)
	if got, _ := pd.GetPerson(p.ID); len(got.Emails) == 0 || got.Emails[0].Value != "ADA.PIPESIDE@example.com" {
		t.Errorf("Pipedrive emails %+v; want the retype kept", got.Emails)
	}
	if recs := hs.Records("contacts"); len(recs) != 1 || recs[0].Properties["email"] != "ada.pipeside@example.com" {
		t.Errorf("HubSpot contacts %+v; want one, ada.pipeside@example.com", recs)
	}
}

// TestUndoCaseOnlyHubSpotSideB: TestUndoAfterCaseOnlyEmailEdit with
// HubSpot as side B. Run 2 copies a HubSpot address change to Salesforce
// (side A); a rep retypes it there with capitals. Undoing run 2 writes
// the old address back to Salesforce rather than sending a case-only
// difference to Review, and the run after writes nothing (HubSpot keeps
// its own change, as an undo leaves the side it did not write).
func TestUndoCaseOnlyHubSpotSideB(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 99, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, salesforceFirstEmailSync("sf-first", mapping.TwoWay))
	sfc := mustCreateSF(t, sf, "Contact", map[string]string{"Email": "Ada.Undo@Example.com", "LastName": "Undo"})
	if res, err := a.Run(ctx, "sf-first", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created != 1 {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	recs := hs.Records("contacts")
	if len(recs) != 1 {
		t.Fatalf("HubSpot holds %d contacts; want 1", len(recs))
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("contacts", recs[0].ID, map[string]string{"email": "moved.undo@example.com"}); err != nil {
		t.Fatal(err)
	}
	run2 := runUpdating(ctx, t, a, "sf-first", 1)
	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Update("Contact", sfc.ID, map[string]string{"Email": "Moved.Undo@Example.com"}); err != nil {
		t.Fatal(err)
	}
	u := undoLogged(ctx, t, a, run2.Summary.RunID)
	for _, it := range u.Plan.Review {
		t.Errorf("the undo sends a case-only difference to review: %+v", it)
	}
	if c, _ := sf.Get("Contact", sfc.ID); c.Fields["Email"] != "Ada.Undo@Example.com" {
		t.Errorf("Salesforce email after the undo: %q; want the old address back", c.Fields["Email"])
	}
	after, err := a.Run(ctx, "sf-first", app.RunOptions{Confirm: true})
	if err != nil || after.Summary.Review+after.Summary.Conflicts+after.Summary.Failed != 0 || after.Summary.Created+after.Summary.Updated != 0 {
		t.Errorf("run after the undo: %v %+v; want nothing written\n%s", err, after.Summary, after.Plan.Summary())
	}
	if c, _ := hs.Get("contacts", recs[0].ID); c.Properties["email"] != "moved.undo@example.com" {
		t.Errorf("HubSpot email after the undo: %q; want its own moved.undo@example.com kept", c.Properties["email"])
	}
}
