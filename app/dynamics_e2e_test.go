package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestHubSpotDynamicsContacts syncs HubSpot contacts with Dynamics 365
// contacts over real HTTP, Dynamics connected through the Microsoft
// identity platform's flow (PKCE, a public client, the organization's
// user_impersonation scope): people in both by email are linked, the
// others created once on the other side with their names, email, phone and
// title; the next run writes nothing; an edit on each side reaches the
// other; a contact Dataverse refuses (a first name longer than its 50
// characters) is stopped alone, named with its column and Dataverse's own
// message; and the run after writes nothing new.
func TestHubSpotDynamicsContacts(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 35, 40)
	conn, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv")
	if err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	if host := strings.TrimPrefix(srv.URL(), "http://"); conn.AccountName != "Dynamics 365 "+host {
		t.Errorf("account name %q, want the organization's host %s", conn.AccountName, host)
	}
	hs, dv := srv.HubSpot(), srv.Dynamics()
	saveSyncs(t, a, app.DemoDynamicsSync("dynamics", "hs", "dv", ""))
	hsBefore, dvBefore := hs.Count("contacts"), dv.Count("contacts")
	first, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	c := first.Plan.Counts
	if c.Link == 0 || c.CreateA == 0 || c.CreateB == 0 {
		t.Fatalf("first run: %+v, want links and creates on both sides\n%s", c, first.Plan.Summary())
	}
	if hs.Count("contacts") != hsBefore+c.CreateA || dv.Count("contacts") != dvBefore+c.CreateB {
		t.Fatalf("contacts %d → %d, Dynamics contacts %d → %d; the plan created %d and %d", hsBefore, hs.Count("contacts"), dvBefore, dv.Count("contacts"), c.CreateA, c.CreateB)
	}
	str := func(v any) string { s, _ := v.(string); return s }
	links := syncLinks(t, a, "dynamics")
	for _, l := range links {
		h, _ := hs.Get("contacts", l.AID)
		d, _ := dv.Get("contacts", l.BID)
		if !strings.EqualFold(h.Properties["email"], str(d.Fields["emailaddress1"])) || h.Properties["lastname"] != str(d.Fields["lastname"]) {
			t.Errorf("contact %s (%s %s) linked to Dynamics %s (%v %v)", l.AID, h.Properties["email"], h.Properties["lastname"], l.BID, d.Fields["emailaddress1"], d.Fields["lastname"])
		}
	}
	if again, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	// An edit on each side; a HubSpot contact Dataverse refuses.
	pair, other := links[0], links[1]
	time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution
	if _, err := dv.Update("contacts", pair.BID, map[string]any{"jobtitle": "Head of Operations"}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("contacts", other.AID, map[string]string{"firstname": "Renamed"}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Bartholomew", 6)
	bad, err := hs.Create("contacts", map[string]string{"email": "long.name@example.com", "firstname": long, "lastname": "Long"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 2 || res.Summary.Status != "partial" || res.Summary.Failed != 1 {
		t.Fatalf("run after the edits: %v %+v, want 2 updated and the long name failed\n%s", err, res.Summary, res.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", pair.AID); h.Properties["jobtitle"] != "Head of Operations" {
		t.Errorf("HubSpot contact %s title %q after the Dynamics edit", pair.AID, h.Properties["jobtitle"])
	}
	if d, _ := dv.Get("contacts", other.BID); str(d.Fields["firstname"]) != "Renamed" {
		t.Errorf("Dynamics contact %s first name %v after the HubSpot edit", other.BID, d.Fields["firstname"])
	}
	for _, r := range dv.Records("contacts") {
		if str(r.Fields["emailaddress1"]) == "long.name@example.com" {
			t.Errorf("the refused contact exists in Dynamics as %s", r.ID)
		}
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil || len(d.Errors) != 1 {
		t.Fatalf("run errors: %+v %v", d.Errors, err)
	}
	if e := d.Errors[0]; e.RecordID != bad.ID || e.Field != "firstname" || e.Code != "0x80044331" || !strings.Contains(e.Message, "maximum allowed length") {
		t.Fatalf("error %+v: want contact %s, firstname and Dataverse's 0x80044331 with its message", e, bad.ID)
	}
	if again, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}

// TestHubSpotDynamicsContactsWithAccounts: HubSpot companies and Dynamics
// accounts are linked by web domain, then contacts carry their company
// both ways: a contact created in Dynamics from HubSpot has the account
// linked to its HubSpot company as its parent customer, a HubSpot contact
// created from Dynamics has the company linked to its account, and the
// next run writes nothing.
func TestHubSpotDynamicsContactsWithAccounts(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 36, 40)
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	saveSyncs(t, a, app.DemoDynamicsCompaniesSync("accounts", "hs", "dv"), app.DemoDynamicsSync("contacts", "hs", "dv", "accounts"))
	if res, err := a.Run(ctx, "accounts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" || res.Plan.Counts.Link == 0 {
		t.Fatalf("accounts run: %v %+v", err, res.Summary)
	}
	accountOf, companyOf := map[string]string{}, map[string]string{}
	for _, l := range syncLinks(t, a, "accounts") {
		accountOf[l.AID], companyOf[l.BID] = l.BID, l.AID
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	hs, dv := srv.HubSpot(), srv.Dynamics()
	toDynamics, toHubSpot := 0, 0
	for _, l := range syncLinks(t, a, "contacts") {
		h, _ := hs.Get("contacts", l.AID)
		d, _ := dv.Get("contacts", l.BID)
		company := h.Properties["associatedcompanyid"]
		parent, _ := d.Fields["_parentcustomerid_value"].(string)
		switch l.CreatedBy {
		case "b":
			if company != "" {
				if parent != accountOf[company] {
					t.Errorf("Dynamics contact %s created from %s (company %s): parent %q, want %q", l.BID, l.AID, company, parent, accountOf[company])
				}
				toDynamics++
			}
		case "a":
			if parent != "" {
				if company != companyOf[parent] {
					t.Errorf("HubSpot contact %s created from %s (account %s): company %q, want %q", l.AID, l.BID, parent, company, companyOf[parent])
				}
				toHubSpot++
			}
		}
	}
	if toDynamics == 0 || toHubSpot == 0 {
		t.Fatalf("checked %d contacts created in Dynamics and %d in HubSpot with a company; want some of each", toDynamics, toHubSpot)
	}
	if again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}

// TestHubSpotDynamicsDealsAndTasks: with companies and contacts linked,
// HubSpot deals and Dynamics opportunities sync by name (the stage through
// a value map each way, the close date as a date, the company as the
// opportunity's account), and HubSpot tasks and Dynamics tasks by subject,
// each regarding its contact; the runs after write nothing.
func TestHubSpotDynamicsDealsAndTasks(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 37, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	saveSyncs(t, a, app.DemoDynamicsCompaniesSync("accounts", "hs", "dv"), app.DemoDynamicsSync("contacts", "hs", "dv", "accounts"),
		app.DemoDynamicsDealsSync("deals", "hs", "dv", "accounts"), app.DemoDynamicsTasksSync("tasks", "hs", "dv", "contacts"))
	for _, name := range []string{"accounts", "contacts", "deals", "tasks"} {
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || (name == "deals" || name == "tasks") && res.Summary.Created == 0 {
			t.Fatalf("%s run: %v %+v\n%s", name, err, res.Summary, res.Plan.Summary())
		}
	}
	hs, dv := srv.HubSpot(), srv.Dynamics()
	str := func(v any) string {
		if v == nil {
			return ""
		}
		return strings.TrimSuffix(fmt.Sprint(v), ".0")
	}
	companyOf := map[string]string{}
	for _, l := range syncLinks(t, a, "accounts") {
		companyOf[l.BID] = l.AID
	}
	stages := map[string]string{"appointmentscheduled": "0", "qualifiedtobuy": "0", "presentationscheduled": "1",
		"decisionmakerboughtin": "2", "contractsent": "3", "closedwon": "3", "closedlost": "3"}
	created := 0
	for _, l := range syncLinks(t, a, "deals") {
		d, _ := hs.Get("deals", l.AID)
		o, _ := dv.Get("opportunities", l.BID)
		_, primary := hs.Associated("deals", l.AID, "companies")
		switch {
		case d.Properties["dealname"] != str(o.Fields["name"]):
			t.Errorf("deal %s %q linked to opportunity %s %q", l.AID, d.Properties["dealname"], l.BID, o.Fields["name"])
		case l.CreatedBy == "b" && stages[d.Properties["dealstage"]] != str(o.Fields["salesstage"]):
			t.Errorf("deal %s stage %q, opportunity %s sales stage %v", l.AID, d.Properties["dealstage"], l.BID, o.Fields["salesstage"])
		case len(d.Properties["closedate"]) >= 10 && d.Properties["closedate"][:10] != str(o.Fields["estimatedclosedate"]):
			t.Errorf("deal %s closes %q, opportunity %s %v", l.AID, d.Properties["closedate"], l.BID, o.Fields["estimatedclosedate"])
		case primary != "" && companyOf[str(o.Fields["_parentaccountid_value"])] != primary:
			t.Errorf("deal %s company %s; opportunity %s account %v is linked to %q", l.AID, primary, l.BID, o.Fields["_parentaccountid_value"], companyOf[str(o.Fields["_parentaccountid_value"])])
		}
		if l.CreatedBy == "b" {
			created++
		}
	}
	if created == 0 {
		t.Fatal("no opportunity was created from a HubSpot deal")
	}
	contactOf := map[string]string{} // HubSpot contact -> Dynamics contact
	for _, l := range syncLinks(t, a, "contacts") {
		contactOf[l.AID] = l.BID
	}
	regarding := 0
	for _, l := range syncLinks(t, a, "tasks") {
		h, _ := hs.Get("tasks", l.AID)
		d, _ := dv.Get("tasks", l.BID)
		if h.Properties["hs_task_subject"] != str(d.Fields["subject"]) {
			t.Errorf("task %s %q linked to Dynamics task %s %q", l.AID, h.Properties["hs_task_subject"], l.BID, d.Fields["subject"])
		}
		ids, _ := hs.Associated("tasks", l.AID, "contacts")
		if len(ids) == 1 && l.CreatedBy == "b" {
			if got := str(d.Fields["_regardingobjectid_value"]); got != contactOf[ids[0]] {
				t.Errorf("Dynamics task %s regards %q, want the contact %s linked to HubSpot's %s", l.BID, got, contactOf[ids[0]], ids[0])
			}
			regarding++
		}
	}
	if regarding == 0 {
		t.Fatal("no Dynamics task was created regarding a contact")
	}
	for _, name := range []string{"deals", "tasks"} {
		if again, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("second %s run: %v %+v\n%s", name, err, again.Summary, again.Plan.Summary())
		}
	}
}

// TestHubSpotDynamicsCallsMeetingsAndNotes: with contacts linked, HubSpot
// calls ↔ Dynamics phone calls and meetings ↔ appointments by title, and
// notes ↔ notes (annotations) by their text, each on its contact; the
// direction and the duration in minutes of a call, a meeting's start and
// end, and a note's text arrive as they were; the runs after write
// nothing.
func TestHubSpotDynamicsCallsMeetingsAndNotes(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 41, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	saveSyncs(t, a, app.DemoDynamicsSync("contacts", "hs", "dv", ""),
		app.DemoDynamicsCallsSync("calls", "hs", "dv", "contacts"), app.DemoDynamicsMeetingsSync("meetings", "hs", "dv", "contacts"),
		app.DemoDynamicsNotesSync("notes", "hs", "dv", "contacts"))
	for _, name := range []string{"contacts", "calls", "meetings", "notes"} {
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || name != "contacts" && (res.Plan.Counts.CreateA == 0 || res.Plan.Counts.CreateB == 0) {
			t.Fatalf("%s run: %v %+v\n%s", name, err, res.Summary, res.Plan.Summary())
		}
	}
	hs, dv := srv.HubSpot(), srv.Dynamics()
	str := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	contactOf := map[string]string{} // HubSpot contact -> Dynamics contact
	for _, l := range syncLinks(t, a, "contacts") {
		contactOf[l.AID] = l.BID
	}
	// onContact checks that the Dynamics row regards (or hangs on) the
	// contact linked to the HubSpot activity's contact.
	onContact := func(object, id, dynID string, lookup any) bool {
		ids, _ := hs.Associated(object, id, "contacts")
		if len(ids) != 1 {
			return false
		}
		if str(lookup) != contactOf[ids[0]] {
			t.Errorf("HubSpot %s %s is on contact %s; Dynamics row %s on %q, want %q", object, id, ids[0], dynID, str(lookup), contactOf[ids[0]])
		}
		return true
	}
	checked := map[string]int{}
	for _, l := range syncLinks(t, a, "calls") {
		h, _ := hs.Get("calls", l.AID)
		d, _ := dv.Get("phonecalls", l.BID)
		p := h.Properties
		out := p["hs_call_direction"] == "OUTBOUND"
		switch {
		case p["hs_call_title"] != str(d.Fields["subject"]):
			t.Errorf("call %s %q linked to phone call %s %q", l.AID, p["hs_call_title"], l.BID, d.Fields["subject"])
		case p["hs_call_direction"] != "" && d.Fields["directioncode"] != out:
			t.Errorf("call %s direction %q, phone call %s directioncode %v", l.AID, p["hs_call_direction"], l.BID, d.Fields["directioncode"])
		}
		if onContact("calls", l.AID, l.BID, d.Fields["_regardingobjectid_value"]) {
			checked["calls"]++
		}
	}
	for _, l := range syncLinks(t, a, "meetings") {
		h, _ := hs.Get("meetings", l.AID)
		d, _ := dv.Get("appointments", l.BID)
		p := h.Properties
		start, _ := time.Parse(time.RFC3339, p["hs_meeting_start_time"])
		dstart, _ := d.Fields["scheduledstart"].(time.Time)
		switch {
		case p["hs_meeting_title"] != str(d.Fields["subject"]):
			t.Errorf("meeting %s %q linked to appointment %s %q", l.AID, p["hs_meeting_title"], l.BID, d.Fields["subject"])
		case !start.Truncate(time.Second).Equal(dstart):
			t.Errorf("meeting %s starts %q, appointment %s %v", l.AID, p["hs_meeting_start_time"], l.BID, d.Fields["scheduledstart"])
		}
		if onContact("meetings", l.AID, l.BID, d.Fields["_regardingobjectid_value"]) {
			checked["meetings"]++
		}
	}
	for _, l := range syncLinks(t, a, "notes") {
		h, _ := hs.Get("notes", l.AID)
		d, _ := dv.Get("annotations", l.BID)
		body, text := h.Properties["hs_note_body"], str(d.Fields["notetext"])
		if text == "" || !strings.Contains(body, strings.SplitN(text, "\n", 2)[0]) {
			t.Errorf("note %s %q linked to annotation %s %q", l.AID, body, l.BID, text)
		}
		if onContact("notes", l.AID, l.BID, d.Fields["_objectid_value"]) {
			checked["notes"]++
		}
	}
	if checked["calls"] == 0 || checked["meetings"] == 0 || checked["notes"] == 0 {
		t.Fatalf("checked on their contact: %v; want some of each", checked)
	}
	for _, name := range []string{"calls", "meetings", "notes"} {
		if again, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("second %s run: %v %+v\n%s", name, err, again.Summary, again.Plan.Summary())
		}
	}
}
