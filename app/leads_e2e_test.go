package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/dynamics"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
	"github.com/crmsync/crmsync/sync/sandbox/zoho"
	"github.com/crmsync/crmsync/sync/schedule"
)

// leadsDef is a HubSpot contacts ↔ leads sync as a user writes one for
// Zoho CRM or Dynamics 365 (README, "Leads"): by email, two-way, the
// HubSpot contacts the contacts sync does not link.
func leadsDef(name, conn, object, email, contacts string, fields ...mapping.Field) engine.Definition {
	return engine.Definition{Name: name, A: engine.SideDef{Connection: "hs", Object: "contacts"}, B: engine.SideDef{Connection: conn, Object: object},
		Direction: mapping.TwoWay, Match: []engine.MatchRule{{A: "email", B: email, Normalize: "email"}},
		Unmatched: engine.UnmatchedCreate, Conflict: engine.ConflictNewer, Fields: fields, Safety: engine.Safety{MaxChangePercent: 25},
		Filters: engine.Filters{A: []engine.Filter{{Field: "linked:" + contacts, Op: "eq", Value: "false"}}}}
}

// zohoLeadsSync keeps HubSpot contacts with no Zoho Contact as Zoho Leads.
// Zoho lists no converted lead, so a lead a rep converts drops out by
// itself and the contacts sync links the new Contact by email.
func zohoLeadsSync(conn, contacts string) engine.Definition {
	return leadsDef("leads", conn, "Leads", "Email", contacts,
		mapping.Field{A: "email", B: "Email", Transform: "lower"},
		mapping.Field{A: "firstname", B: "First_Name"},
		mapping.Field{A: "lastname", B: "Last_Name", Rule: mapping.UnlessBlank},
		mapping.Field{A: "company", B: "Company", Direction: mapping.AtoB, Default: "[not provided]", Rule: mapping.UnlessBlank},
		mapping.Field{A: "phone", B: "Phone", Transform: "e164"},
		mapping.Field{A: "jobtitle", B: "Designation", Rule: mapping.UnlessBlank},
		mapping.Field{A: "city", B: "City", Rule: mapping.UnlessBlank},
		mapping.Field{A: "hs_email_optout", B: "Email_Opt_Out", Rule: mapping.OptOut},
		app.DemoOwner("Owner"))
}

// dynamicsLeadsSync keeps HubSpot contacts with no Dataverse contact as
// open leads (statecode 0): a qualified lead stays listed, so the filter
// leaves it alone.
func dynamicsLeadsSync(conn, contacts string) engine.Definition {
	def := leadsDef("leads", conn, "leads", "emailaddress1", contacts,
		mapping.Field{A: "email", B: "emailaddress1", Transform: "lower"},
		mapping.Field{A: "firstname", B: "firstname"},
		mapping.Field{A: "lastname", B: "lastname", Rule: mapping.UnlessBlank},
		mapping.Field{A: "company", B: "companyname", Rule: mapping.UnlessBlank},
		mapping.Field{A: "phone", B: "telephone1", Transform: "e164"},
		mapping.Field{A: "jobtitle", B: "jobtitle", Rule: mapping.UnlessBlank},
		mapping.Field{A: "city", B: "address1_city", Rule: mapping.UnlessBlank},
		mapping.Field{B: "subject", Direction: mapping.AtoB, Transform: "const:Contact from HubSpot", Rule: mapping.OnCreate},
		mapping.Field{A: "hs_email_optout", B: "donotbulkemail", Rule: mapping.OptOut},
		app.DemoOwner("ownerid"))
	def.Filters.B = []engine.Filter{{Field: "statecode", Op: "eq", Value: "0"}}
	return def
}

// contactsInHubSpotOnly is a ready-made contacts sync that creates no
// contact in the other CRM: there, HubSpot's own contacts are leads.
func contactsInHubSpotOnly(def engine.Definition) engine.Definition {
	def.Unmatched = engine.UnmatchedCreateInA
	return def
}

// leadsVendor is one CRM's side of TestLeadsUntilConverted: its
// ready-made companies, contacts and leads syncs with HubSpot, and how the
// test reads and converts its records through the sandbox's Go API.
type leadsVendor struct {
	name, conn          string
	syncs               func(conn string) []engine.Definition // companies, contacts, leads
	contactObj, leadObj string
	email, title        string // the lead's and contact's email and job title fields
	lead                func(id string) (fields map[string]string, converted bool)
	contact             func(id string) map[string]string
	count               func(object string) int
	convert             func(leadID, accountID string) (contactID string, err error)
}

func leadsVendors(srv *sandbox.Server) []leadsVendor {
	sf, zc, dv := srv.Salesforce(), srv.Zoho(), srv.Dynamics()
	dvFields := func(r dynamics.Record) map[string]string {
		m := map[string]string{}
		for k, v := range r.Fields {
			if v != nil {
				m[k] = fmt.Sprint(v)
			}
		}
		return m
	}
	return []leadsVendor{{
		name: "salesforce", conn: "sf",
		syncs: func(c string) []engine.Definition {
			return []engine.Definition{app.DemoCompaniesSync("companies", "hs", c), app.DemoSyncWithCompanies("contacts", "hs", c, "companies"),
				app.DemoLeadsSync("leads", "hs", c, "contacts")}
		},
		contactObj: "Contact", leadObj: "Lead", email: "Email", title: "Title",
		lead: func(id string) (map[string]string, bool) {
			r, _ := sf.Get("Lead", id)
			return r.Fields, r.Fields["IsConverted"] == "true"
		},
		contact: func(id string) map[string]string { r, _ := sf.Get("Contact", id); return r.Fields },
		count:   sf.Count,
		convert: func(lead, account string) (string, error) {
			r, err := sf.ConvertLead(lead, salesforce.LeadConvert{AccountID: account})
			return r.ContactID, err
		},
	}, {
		name: "zoho", conn: "zc",
		syncs: func(c string) []engine.Definition {
			return []engine.Definition{app.DemoZohoCompaniesSync("companies", "hs", c),
				contactsInHubSpotOnly(app.DemoZohoSyncWithAccounts("contacts", "hs", c, "companies")), zohoLeadsSync(c, "contacts")}
		},
		contactObj: "Contacts", leadObj: "Leads", email: "Email", title: "Designation",
		lead: func(id string) (map[string]string, bool) {
			r, _ := zc.Get("Leads", id)
			return r.Fields, r.Converted
		},
		contact: func(id string) map[string]string {
			r, _ := zc.Get("Contacts", id)
			r.Fields["Designation"] = r.Fields["Title"] // a Contact's job title is Title
			return r.Fields
		},
		count: zc.Count,
		convert: func(lead, account string) (string, error) {
			r, err := zc.ConvertLead(lead, zoho.LeadConvert{AccountID: account})
			return r.ContactID, err
		},
	}, {
		name: "dynamics", conn: "dv",
		syncs: func(c string) []engine.Definition {
			return []engine.Definition{app.DemoDynamicsCompaniesSync("companies", "hs", c),
				contactsInHubSpotOnly(app.DemoDynamicsSync("contacts", "hs", c, "companies")), dynamicsLeadsSync(c, "contacts")}
		},
		contactObj: "contacts", leadObj: "leads", email: "emailaddress1", title: "jobtitle",
		lead: func(id string) (map[string]string, bool) {
			r, _ := dv.Get("leads", id)
			f := dvFields(r)
			return f, f["statecode"] == "1"
		},
		contact: func(id string) map[string]string { r, _ := dv.Get("contacts", id); return dvFields(r) },
		count:   dv.Count,
		convert: func(lead, account string) (string, error) {
			// A seller qualifies the lead into a contact; its account, if
			// any, comes to it through the contacts sync.
			r, err := dv.QualifyLead(lead, dynamics.QualifyLead{CreateContact: true})
			return r.ContactID, err
		},
	}}
}

// TestLeadsUntilConverted runs the ready-made companies, contacts and
// leads syncs between HubSpot and each CRM with leads (Salesforce, Zoho CRM,
// Dynamics 365) as HubSpot's own integration keeps them, over the sandbox:
//   - a HubSpot contact with no contact in the CRM becomes a lead; the
//     contacts sync creates no contact from HubSpot, so nobody is both;
//   - a rep converts one of those leads: the next round links the HubSpot
//     contact to the new contact, a change made in HubSpot reaches the
//     contact and not the converted lead, and nothing fails, is
//     duplicated or is written again.
func TestLeadsUntilConverted(t *testing.T) {
	for i, name := range []string{"salesforce", "zoho", "dynamics"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // its own sandbox and app; mostly waiting, not computing
			ctx := context.Background()
			a, srv := connectedSandbox(t, 57, 40)
			v := leadsVendors(srv)[i]
			if v.conn != "sf" {
				if _, err := a.ConnectSandbox(ctx, srv, v.name, v.conn); err != nil {
					t.Fatalf("connect %s: %v", v.name, err)
				}
			}
			leadsUntilConverted(t, a, srv.HubSpot(), v)
		})
	}
}

// runAllSucceeds runs every sync as Sync all does and fails the test
// unless each run succeeds; what names the round.
func runAllSucceeds(t *testing.T, a *app.App, what string) []app.SyncOutcome {
	t.Helper()
	out, err := a.RunAll(context.Background(), app.RunOptions{Confirm: true}, nil)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, o := range out {
		if o.Err != nil || o.Result.Summary == nil || o.Result.Summary.Status != "success" {
			t.Fatalf("%s: %s", what, o.Line())
		}
	}
	return out
}

func leadsUntilConverted(t *testing.T, a *app.App, hs *hubspot.Sim, v leadsVendor) {
	ctx := context.Background()
	saveSyncs(t, a, v.syncs(v.conn)...)
	runAll := func(round string) map[string]app.SyncOutcome {
		t.Helper()
		by := map[string]app.SyncOutcome{}
		for _, o := range runAllSucceeds(t, a, round) {
			by[o.Sync] = o
		}
		return by
	}
	// The leads sync on its own, before the contacts sync has linked
	// anyone, would take everyone for a lead: it refuses, and writes nothing.
	leadsBefore := v.count(v.leadObj)
	if _, err := a.Run(ctx, "leads", app.RunOptions{Confirm: true}); !errors.Is(err, engine.ErrFilterSyncNotRun) || !strings.Contains(err.Error(), `"contacts" has not run yet`) {
		t.Fatalf("the leads sync run before the contacts sync: %v; want it refused", err)
	}
	if n := v.count(v.leadObj); n != leadsBefore {
		t.Fatalf("%d %s after the refused run, had %d", n, v.leadObj, leadsBefore)
	}
	runAll("first round")

	contactOf := map[string]string{} // HubSpot id -> the CRM's contact
	for _, l := range syncLinks(t, a, "contacts") {
		if l.CreatedBy == "b" {
			t.Errorf("the contacts sync created contact %s from HubSpot contact %s", l.BID, l.AID)
		}
		contactOf[l.AID] = l.BID
	}
	accountOf := map[string]string{} // HubSpot company -> the CRM's account
	for _, l := range syncLinks(t, a, "companies") {
		accountOf[l.AID] = l.BID
	}
	var made []string // leads crmsync made from HubSpot contacts with a linked company, by HubSpot id
	leadOf := map[string]string{}
	for _, l := range syncLinks(t, a, "leads") {
		if _, both := contactOf[l.AID]; both {
			t.Errorf("HubSpot contact %s is linked to contact %s and lead %s", l.AID, contactOf[l.AID], l.BID)
		}
		lead, converted := v.lead(l.BID)
		c, _ := hs.Get("contacts", l.AID)
		if !strings.EqualFold(lead[v.email], c.Properties["email"]) {
			t.Errorf("lead %s (%s) linked to HubSpot contact %s (%s)", l.BID, lead[v.email], l.AID, c.Properties["email"])
		}
		if converted {
			t.Errorf("converted lead %s is linked", l.BID)
		}
		if l.CreatedBy == "b" && accountOf[c.Properties["associatedcompanyid"]] != "" {
			made = append(made, l.AID)
		}
		leadOf[l.AID] = l.BID
	}
	if len(made) == 0 || len(contactOf) == 0 {
		t.Fatalf("%d leads made from HubSpot contacts with a company, %d contacts linked; want some of each", len(made), len(contactOf))
	}

	// A rep converts a lead crmsync made, into its company's account; then
	// the contact changes in HubSpot.
	x := made[0]
	lead := leadOf[x]
	c, _ := hs.Get("contacts", x)
	converted, err := v.convert(lead, accountOf[c.Properties["associatedcompanyid"]])
	if err != nil {
		t.Fatal(err)
	}
	// Converted leads the sandbox seeded stay out: their contacts came to
	// HubSpot through the contacts sync, not as a second person.
	for _, l := range syncLinks(t, a, "leads") {
		if _, conv := v.lead(l.BID); conv && l.BID != lead {
			t.Errorf("converted lead %s is linked to HubSpot contact %s", l.BID, l.AID)
		}
	}
	if _, err := hs.Update("contacts", x, map[string]string{"jobtitle": "Chief Converted Officer"}); err != nil {
		t.Fatal(err)
	}
	hsCount, leadCount, contactCount, companyCount := hs.Count("contacts"), v.count(v.leadObj), v.count(v.contactObj), hs.Count("companies")
	runAll("after the conversion")
	var linked string
	for _, l := range syncLinks(t, a, "contacts") {
		if l.AID == x {
			linked = l.BID
		}
	}
	if linked != converted {
		t.Fatalf("HubSpot contact %s is linked to contact %q by the contacts sync, want the converted %s", x, linked, converted)
	}
	if got := v.contact(converted)[v.title]; got != "Chief Converted Officer" {
		t.Errorf("the converted contact's job title is %q, want HubSpot's change", got)
	}
	if l, _ := v.lead(lead); l[v.title] == "Chief Converted Officer" {
		t.Error("the converted lead was written")
	}
	for what, n := range map[string][2]int{
		"HubSpot contacts": {hs.Count("contacts"), hsCount}, "HubSpot companies": {hs.Count("companies"), companyCount},
		v.leadObj: {v.count(v.leadObj), leadCount}, v.contactObj: {v.count(v.contactObj), contactCount}} {
		if n[0] != n[1] {
			t.Errorf("%d %s after the conversion, had %d", n[0], what, n[1])
		}
	}
	for name, o := range runAll("a round with nothing new") {
		if s := o.Result.Summary; s.Created+s.Updated != 0 {
			t.Errorf("%s wrote again: %s", name, o.Line())
		}
	}
}

// TestScheduledLeadsRunAfterContacts: a background run of the leads sync
// first runs the contacts sync it filters by (both on a schedule), so a
// HubSpot contact whose Contact is new in Salesforce is linked to that
// Contact and not made a Lead as well.
func TestScheduledLeadsRunAfterContacts(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 61, 20)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	contacts := app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies")
	leads := app.DemoLeadsSync("leads", "hs", "sf", "contacts")
	contacts.Schedule, leads.Schedule = "every 6h", "every 6h"
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), contacts, leads)
	if _, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil); err != nil {
		t.Fatal(err)
	}
	const email = "new.both@example.com"
	x, err := hs.Create("contacts", map[string]string{"email": email, "firstname": "New", "lastname": "Both", "company": "Both Inc"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := sf.Create("Contact", map[string]string{"Email": email, "FirstName": "New", "LastName": "Both"})
	if err != nil {
		t.Fatal(err)
	}
	sched := startScheduler(t, a)
	if !sched.SyncNow("leads") {
		t.Fatal("the scheduler does not know the leads sync")
	}
	if err := backgroundRunEnds(sched, "leads"); err != nil {
		t.Fatalf("background leads run: %v", err)
	}
	linked := false
	for _, l := range syncLinks(t, a, "contacts") {
		linked = linked || l.AID == x.ID && l.BID == c.ID
	}
	if !linked {
		t.Error("the contacts sync did not run first: the new pair is not linked")
	}
	for _, r := range sf.Records("Lead") {
		if strings.EqualFold(r.Fields["Email"], email) {
			t.Errorf("Lead %s was made for a contact that has a Contact", r.ID)
		}
	}
}

// TestScheduledLeadsWaitForARunningContactsRun: when the contacts sync is
// already running in its own turn, a background leads run waits for it to
// end before it plans, rather than failing or running beside it.
func TestScheduledLeadsWaitForARunningContactsRun(t *testing.T) {
	ctx := context.Background()
	a, _ := connectedSandbox(t, 67, 10)
	row, open := scheduledLeadsBesideOpenRun(t, a, "contacts") // the contacts sync's own turn, under way
	sched := startScheduler(t, a)
	sched.SyncNow("leads")
	time.Sleep(2500 * time.Millisecond) // the leads run polls once a second
	if runs, err := a.Runs(ctx, "leads", 5); err != nil || len(runs) != 1 {
		t.Fatalf("the leads sync ran while the contacts run was open: %+v %v", runs, err)
	}
	if err := a.DB().FinishRun(ctx, store.RunRow{ID: open, SyncID: row.ID, Status: "success"}); err != nil {
		t.Fatal(err)
	}
	if err := backgroundRunEnds(sched, "leads"); err != nil {
		t.Fatalf("background leads run: %v", err)
	}
	if runs, err := a.Runs(ctx, "leads", 5); err != nil || len(runs) != 2 || runs[0].Run.Status != "success" {
		t.Fatalf("after the contacts run ended, leads runs: %+v %v", runs, err)
	}
}

// TestActivitiesOfLeads: a HubSpot task or note about a person who is a
// Salesforce Lead reaches Salesforce on that Lead (WhoId, ParentId), its
// reference going through whichever of the contacts and leads syncs links
// the person ("link:contacts,leads"); when a rep converts the Lead,
// Salesforce attaches the task to the new Contact, the next round finds
// both sides agreeing, and the round after writes nothing.
func TestActivitiesOfLeads(t *testing.T) {
	a, srv := connectedSandbox(t, 57, 40)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	const people = "contacts,leads"
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies"),
		app.DemoLeadsSync("leads", "hs", "sf", "contacts"), app.DemoTasksSync("tasks", "hs", "sf", people),
		app.DemoNotesSync("notes", "hs", "sf", people))
	round := func(what string) []app.SyncOutcome { t.Helper(); return runAllSucceeds(t, a, what) }
	round("first round")
	leadOf := map[string]string{} // HubSpot contact -> Lead
	for _, l := range syncLinks(t, a, "leads") {
		leadOf[l.AID] = l.BID
	}
	onLeads := func(sync, hsObject, sfObject, ref string) (n int, last, person string) {
		for _, l := range syncLinks(t, a, sync) {
			ids, _ := hs.Associated(hsObject, l.AID, "contacts")
			if len(ids) != 1 || leadOf[ids[0]] == "" {
				continue
			}
			r, _ := sf.Get(sfObject, l.BID)
			if r.Fields[ref] != leadOf[ids[0]] {
				t.Errorf("%s %s of HubSpot contact %s (Lead %s) has %s %q", sfObject, l.BID, ids[0], leadOf[ids[0]], ref, r.Fields[ref])
			}
			n, last, person = n+1, l.BID, ids[0]
		}
		return n, last, person
	}
	tasks, task, person := onLeads("tasks", "tasks", "Task", "WhoId")
	notes, _, _ := onLeads("notes", "notes", "Note", "ParentId")
	if tasks == 0 || notes == 0 {
		t.Fatalf("%d tasks and %d notes of Lead people reached Salesforce; want some of each", tasks, notes)
	}
	conv, err := sf.ConvertLead(leadOf[person], salesforce.LeadConvert{})
	if err != nil {
		t.Fatal(err)
	}
	round("after the conversion")
	if r, _ := sf.Get("Task", task); r.Fields["WhoId"] != conv.ContactID {
		t.Errorf("the task of the converted Lead has WhoId %q, want the new Contact %s", r.Fields["WhoId"], conv.ContactID)
	}
	for _, o := range round("a round with nothing new") {
		if s := o.Result.Summary; s.Created+s.Updated != 0 {
			t.Errorf("%s wrote again: %s", o.Sync, o.Line())
		}
	}
}

// scheduledLeadsBesideOpenRun saves companies, contacts and leads (leads
// filtered by contacts' links), both scheduled, runs them all once, and
// opens a scheduled run of sync open, as if its own turn were under way.
func scheduledLeadsBesideOpenRun(t *testing.T, a *app.App, open string) (store.SyncRow, int64) {
	t.Helper()
	ctx := context.Background()
	contacts := app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies")
	leads := app.DemoLeadsSync("leads", "hs", "sf", "contacts")
	contacts.Schedule, leads.Schedule = "every 6h", "every 6h"
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), contacts, leads)
	if _, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil); err != nil {
		t.Fatal(err)
	}
	row, err := a.DB().Sync(ctx, open)
	if err != nil {
		t.Fatal(err)
	}
	id, err := a.DB().OpenRun(ctx, row.ID, schedule.TriggerSchedule, 0)
	if err != nil {
		t.Fatal(err)
	}
	return row, id
}
