package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	dvsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// salesforceFirstStateSync is stateCountrySync(true) defined the other way
// round: the Salesforce Contact is side A, HubSpot's contact side B.
func salesforceFirstStateSync() engine.Definition {
	def := app.DemoSync("contacts", "hs", "sf")
	def.A, def.B = def.B, def.A
	for i := range def.Match {
		def.Match[i].A, def.Match[i].B = def.Match[i].B, def.Match[i].A
	}
	var fields []mapping.Field
	for _, f := range def.Fields {
		if f.Transform == "map" {
			continue // a value map reads A to B: not for turning round
		}
		f.A, f.B = f.B, f.A
		fields = append(fields, f)
	}
	def.Fields = append(fields,
		mapping.Field{A: "MailingCountry", B: "country", Rule: mapping.UnlessBlank},
		mapping.Field{A: "MailingState", B: "state", Rule: mapping.UnlessBlank})
	return def
}

// TestStateCodeSettledByCountry with the sides swapped: which side a user
// puts Salesforce on must not decide whether a HubSpot "WA" with "AU" is
// settled as Western Australia or left waiting in review.
func TestStateCodeSettledSalesforceSideA(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 3, 0)
	sf, hs := srv.Salesforce(), srv.HubSpot()
	if err := sf.EnableStateCountryPicklists(); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, salesforceFirstStateSync())
	au := mustCreateHS(t, hs, "contacts", map[string]string{"email": "perth@example.com", "lastname": "Atlas", "country": "AU", "state": "WA"})
	us := mustCreateHS(t, hs, "contacts", map[string]string{"email": "seattle@example.com", "lastname": "Atlas", "country": "united states", "state": "wa"})
	none := mustCreateHS(t, hs, "contacts", map[string]string{"email": "nowhere@example.com", "lastname": "Atlas", "state": "WA"})
	first, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Failed != 0 || first.Summary.Created != 2 || first.Summary.Review != 1 {
		t.Fatalf("first run: %v %+v; want 2 creates, 1 review, no failure\n%s", err, first.Summary, first.Plan.Summary())
	}
	for _, c := range []struct{ email, country, state string }{
		{"perth@example.com", "Australia", "Western Australia"},
		{"seattle@example.com", "United States", "Washington"},
	} {
		got := sfByEmail(t, sf, c.email)
		if got.Fields["MailingCountry"] != c.country || got.Fields["MailingState"] != c.state {
			t.Errorf("%s: Salesforce country/state = %q/%q; want %q/%q", c.email, got.Fields["MailingCountry"], got.Fields["MailingState"], c.country, c.state)
		}
	}
	items, err := a.Reviews(ctx, "contacts", "rejected", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.RecordID == au.ID || it.RecordID == us.ID {
			t.Errorf("a WA its country settles still waits in review: %+v", it.ReviewRow)
		}
	}
	if len(items) != 1 || items[0].RecordID != none.ID {
		t.Errorf("review items %+v; want one, for the WA with no country", items)
	}
	again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Created+again.Summary.Updated+again.Summary.Failed != 0 {
		t.Fatalf("second run: %v %+v; want nothing written\n%s", err, again.Summary, again.Plan.Summary())
	}
	for _, id := range []string{au.ID, us.ID} {
		if h, _ := hs.Get("contacts", id); h.Properties["state"] != "WA" && h.Properties["state"] != "wa" {
			t.Errorf("HubSpot %s state = %q; want the user's code kept", id, h.Properties["state"])
		}
	}
}

// An earlier crmsync compared HubSpot's email as read, so a pair it
// created in its last run keeps the Salesforce casing as its base
// ("Ada.Stage@Example.com"). After the upgrade, the first run writes
// nothing; then a Salesforce user changes the address. Only Salesforce
// changed it: the sync (HubSpot preferred in a conflict) must carry the
// new address to HubSpot, not take HubSpot's unchanged lower-cased copy
// for an edit and write the old address over the user's.
func TestEmailBaseFromEarlierVersion(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 93, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	def := app.DemoSync("plain-email", "hs", "sf")
	def.Fields[0] = mapping.Field{A: "email", B: "Email"} // no transform
	def.Conflict = engine.ConflictPreferA
	saveSyncs(t, a, def)
	sfc := mustCreateSF(t, sf, "Contact", map[string]string{"Email": "Ada.Stage@Example.com", "LastName": "Stage"})
	if first, err := a.Run(ctx, "plain-email", app.RunOptions{Confirm: true}); err != nil || first.Summary.Created != 1 {
		t.Fatalf("first run: %v %+v", err, first.Summary)
	}
	// The base as the earlier version stored it.
	res, err := a.DB().SQL().ExecContext(ctx, `UPDATE links SET base = replace(base, '"ada.stage@example.com"', '"Ada.Stage@Example.com"')`)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("setting the earlier base: %v (%d links)", err, n)
	}
	upgraded, err := a.Run(ctx, "plain-email", app.RunOptions{Confirm: true})
	if err != nil || upgraded.Summary.Created+upgraded.Summary.Updated+upgraded.Summary.Failed+upgraded.Summary.Conflicts != 0 {
		t.Fatalf("first run after the upgrade: %v %+v; want nothing written\n%s", err, upgraded.Summary, upgraded.Plan.Summary())
	}
	// The same again with the user's edit: the base still holds the casing
	// when no run has passed since the upgrade.
	if _, err := a.DB().SQL().ExecContext(ctx, `UPDATE links SET base = replace(base, '"ada.stage@example.com"', '"Ada.Stage@Example.com"')`); err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Update("Contact", sfc.ID, map[string]string{"Email": "Grace.Stage@Example.com"}); err != nil {
		t.Fatal(err)
	}
	moved, err := a.Run(ctx, "plain-email", app.RunOptions{Confirm: true})
	if err != nil || moved.Summary.Failed != 0 || moved.Summary.Conflicts != 0 {
		t.Errorf("run after the Salesforce edit: %v %+v; want no conflict: only Salesforce changed the address\n%s", err, moved.Summary, moved.Plan.Summary())
	}
	if got, _ := sf.Get("Contact", sfc.ID); got.Fields["Email"] != "Grace.Stage@Example.com" {
		t.Errorf("Salesforce Email %q; want the user's Grace.Stage@Example.com kept", got.Fields["Email"])
	}
	for _, r := range hs.Records("contacts") {
		if r.Properties["email"] != "grace.stage@example.com" {
			t.Errorf("HubSpot email %q; want grace.stage@example.com", r.Properties["email"])
		}
	}
}

// TestMailchimpLegacyExpiredAudienceNotSwitched as the sync editor sees
// it: the connection's runs are kept to the audience they cached (now
// deleted), so the editor must not offer the account's other audience as
// "members"; it names the deleted one, as for a pinned audience.
func TestMailchimpLegacyDeletedAudienceInEditor(t *testing.T) {
	ctx := context.Background()
	a, srv, used, _ := mailchimpTwoAudiences(t, 62, 2)
	mc := srv.Mailchimp()
	name := audienceName(t, a, used)
	unpinAndExpire(t, a)
	if err := mc.DeleteList(used); err != nil {
		t.Fatal(err)
	}
	choices, err := a.ObjectChoices(ctx, "mc")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range choices {
		if c.Name != "members" {
			continue
		}
		if !strings.Contains(c.Label, name) || !strings.Contains(c.Label, "deleted") || c.Note == "" {
			t.Errorf("the editor offers members as %q (note %q); want %q named as deleted, with what to do", c.Label, c.Note, name)
		}
	}
}

// An earlier crmsync did not know a Dataverse Decimal column's Precision:
// a deal it wrote in its last run keeps HubSpot's 1234.5678 as its base,
// while Dataverse stores 1234.57. After the upgrade a HubSpot user
// changes the amount to 2000. Only HubSpot changed it: the sync (Dataverse
// preferred in a conflict) must carry 2000 to Dataverse, not take
// Dataverse's rounding of the old amount for an edit and write it back
// over the user's.
func TestDecimalBaseFromEarlierVersion(t *testing.T) {
	ctx := context.Background()
	a, srv, deal, defs := dataverseAmountColumn(t, dvsim.DecimalColumn, 2, "Audit upgraded renewal", "1234.5678")
	dv, hs := srv.Dynamics(), srv.HubSpot()
	const column = amountColumn
	defs[len(defs)-1].Conflict = engine.ConflictPreferB
	deals, first := runLinkedThenDeals(t, a, defs)
	if first.Summary.Status != "success" {
		t.Fatalf("deals run: %+v", first.Summary)
	}
	// The base as the earlier version stored it.
	res, err := a.DB().SQL().ExecContext(ctx, `UPDATE links SET base = replace(base, '"1234.57"', '"1234.5678"') WHERE base LIKE '%"1234.57"%'`)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("setting the earlier base: %v (%d links)", err, n)
	}
	if _, err := hs.Update("deals", deal.ID, map[string]string{"amount": "2000"}); err != nil {
		t.Fatal(err)
	}
	moved, err := a.Run(ctx, deals, app.RunOptions{Confirm: true})
	if err != nil || moved.Summary.Failed != 0 || moved.Summary.Conflicts != 0 {
		t.Errorf("run after the HubSpot edit: %v %+v; want no conflict: only HubSpot changed the amount\n%s", err, moved.Summary, moved.Plan.Summary())
	}
	if h, _ := hs.Get("deals", deal.ID); strings.TrimSuffix(h.Properties["amount"], ".0") != "2000" {
		t.Errorf("HubSpot's amount %q; want the user's 2000 kept", h.Properties["amount"])
	}
	for _, r := range dv.Records("opportunities") {
		if r.Fields["name"] == "Audit upgraded renewal" && numText(r.Fields[column]) != "2000" {
			t.Errorf("Dataverse %s = %q; want 2000", column, numText(r.Fields[column]))
		}
	}
}

// TestEmailCaseHubSpotKeepsIsNoEdit with Pipedrive: a person's email
// typed with capitals reaches HubSpot lower-cased, comes back as no edit,
// and keeps its casing in Pipedrive.
func TestEmailCasePipedrive(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 94, 0)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatal(err)
	}
	pd, hs := srv.Pipedrive(), srv.HubSpot()
	def := app.DemoPipedriveSync("pd-email", "hs", "pd", "")
	def.Fields[0] = mapping.Field{A: "email", B: "email"} // no transform
	saveSyncs(t, a, def)
	p, err := pd.CreatePerson(map[string]any{"name": "Ada Pipe", "emails": []any{map[string]any{"value": "Ada.Pipe@Example.com", "primary": true, "label": "work"}}})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{1, 0, 0} {
		res, err := a.Run(ctx, "pd-email", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Failed != 0 || res.Summary.Created+res.Summary.Updated != want {
			t.Fatalf("run %d: %v %+v; want %d written\n%s", i+1, err, res.Summary, want, res.Plan.Summary())
		}
	}
	if got, _ := pd.GetPerson(p.ID); len(got.Emails) == 0 || got.Emails[0].Value != "Ada.Pipe@Example.com" {
		t.Errorf("Pipedrive emails %+v; want Ada.Pipe@Example.com kept", got.Emails)
	}
	if n := hs.Count("contacts"); n != 1 {
		t.Errorf("HubSpot holds %d contacts; want 1", n)
	}
}

// A HubSpot amount beyond the range of a Dataverse Decimal column is
// refused by Dataverse: the run fails that deal naming it, the column and
// Dataverse's own message, and writes nothing there.
func TestDecimalOutOfRange(t *testing.T) {
	ctx := context.Background()
	a, srv, _, defs := dataverseAmountColumn(t, dvsim.DecimalColumn, 2, "Audit huge renewal", "250000000000")
	dv := srv.Dynamics()
	const column = amountColumn
	_, res := runLinkedThenDeals(t, a, defs)
	if res.Summary.Failed != 1 || res.Summary.Status == "success" {
		t.Fatalf("deals run: %+v; want the deal failed", res.Summary)
	}
	errs, err := a.DB().RunErrors(ctx, res.Summary.RunID)
	if err != nil || len(errs) != 1 {
		t.Fatalf("run errors: %v %+v", err, errs)
	}
	if e := errs[0]; !strings.Contains(e.Message, column) || !strings.Contains(e.Message, "outside the valid range") || e.RecordID == "" {
		t.Errorf("run error %+v; want the deal, %s and Dataverse's message", e, column)
	}
	for _, r := range dv.Records("opportunities") {
		if r.Fields["name"] == "Audit huge renewal" {
			t.Errorf("Dataverse holds the refused deal: %+v", r.Fields)
		}
	}
}

// A one-way Salesforce-to-HubSpot sync (HubSpot side A): the capitals of
// a Salesforce address are not a difference HubSpot's lower-cased copy
// must be written again for on every run.
func TestEmailCaseOneWayToHubSpot(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 95, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	def := app.DemoSync("sf-to-hs", "hs", "sf")
	def.Direction = mapping.BtoA
	def.Fields[0] = mapping.Field{A: "email", B: "Email", Direction: mapping.BtoA} // no transform
	saveSyncs(t, a, def)
	mustCreateSF(t, sf, "Contact", map[string]string{"Email": "Ada.Oneway@Example.com", "LastName": "Oneway"})
	updates := func() int64 { return hubSpotContactWrites(srv.Stats()["hubspot"]) }
	for i, want := range []int{1, 0, 0} {
		before := updates()
		res, err := a.Run(ctx, "sf-to-hs", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Failed != 0 || res.Summary.Created+res.Summary.Updated != want {
			t.Fatalf("run %d: %v %+v; want %d written\n%s", i+1, err, res.Summary, want, res.Plan.Summary())
		}
		switch sent := updates() - before; {
		case i == 0 && sent == 0:
			t.Fatalf("the first run's create was not counted: %v", srv.Stats()["hubspot"])
		case i > 0 && sent != 0:
			t.Errorf("run %d sent %d HubSpot contact writes; want none", i+1, sent)
		}
	}
	if got := hs.Count("contacts"); got != 1 {
		t.Errorf("HubSpot holds %d contacts; want 1", got)
	}
}

// hubSpotContactWrites is how many contact writes (update, upsert or
// create batches) the HubSpot sandbox counted.
func hubSpotContactWrites(stats map[string]int64) int64 {
	var n int64
	for k, v := range stats {
		if strings.HasPrefix(k, "POST ") && strings.Contains(k, "/contacts/batch/") && !strings.HasSuffix(k, "/read") {
			n += v
		}
	}
	return n
}
