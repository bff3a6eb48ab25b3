package app_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestHubSpotZohoContacts syncs HubSpot contacts with Zoho CRM Contacts
// over real HTTP, Zoho connected through its OAuth flow (offline access,
// the API base from the token's api_domain, the token sent as
// Zoho-oauthtoken): people in both by email are linked, the others
// created once on the other side with their names, email, phone and title;
// the next run writes nothing; an edit on each side reaches the other; a
// contact Zoho cannot take (no last name, which Zoho requires) is stopped
// alone, named with its field; and the run after writes nothing new.
func TestHubSpotZohoContacts(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 33, 40)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zc"); err != nil {
		t.Fatalf("connect zoho: %v", err)
	}
	hs, zc := srv.HubSpot(), srv.Zoho()
	saveSyncs(t, a, app.DemoZohoSync("zoho", "hs", "zc"))
	hsBefore, zcBefore := hs.Count("contacts"), zc.Count("Contacts")
	first, err := a.Run(ctx, "zoho", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	c := first.Plan.Counts
	if c.Link == 0 || c.CreateA == 0 || c.CreateB == 0 {
		t.Fatalf("first run: %+v, want links and creates on both sides\n%s", c, first.Plan.Summary())
	}
	if hs.Count("contacts") != hsBefore+c.CreateA || zc.Count("Contacts") != zcBefore+c.CreateB {
		t.Fatalf("contacts %d → %d, Zoho contacts %d → %d; the plan created %d and %d", hsBefore, hs.Count("contacts"), zcBefore, zc.Count("Contacts"), c.CreateA, c.CreateB)
	}
	links := syncLinks(t, a, "zoho")
	for _, l := range links {
		h, _ := hs.Get("contacts", l.AID)
		z, _ := zc.Get("Contacts", l.BID)
		if !strings.EqualFold(h.Properties["email"], z.Fields["Email"]) || h.Properties["lastname"] != z.Fields["Last_Name"] {
			t.Errorf("contact %s (%s %s) linked to Zoho %s (%s %s)", l.AID, h.Properties["email"], h.Properties["lastname"], l.BID, z.Fields["Email"], z.Fields["Last_Name"])
		}
	}
	if again, err := a.Run(ctx, "zoho", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	// An edit on each side; a HubSpot contact Zoho refuses.
	pair, other := links[0], links[1]
	time.Sleep(1100 * time.Millisecond) // Zoho's Modified_Time has one-second resolution
	if _, err := zc.Update("Contacts", pair.BID, map[string]any{"Title": "Head of Operations"}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("contacts", other.AID, map[string]string{"firstname": "Renamed"}); err != nil {
		t.Fatal(err)
	}
	bad, err := hs.Create("contacts", map[string]string{"email": "no.last.name@example.com", "firstname": "Nolast"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "zoho", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 2 || res.Summary.Status != "partial" || res.Summary.Failed != 1 {
		t.Fatalf("run after the edits: %v %+v, want 2 updated and the one without a last name failed\n%s", err, res.Summary, res.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", pair.AID); h.Properties["jobtitle"] != "Head of Operations" {
		t.Errorf("HubSpot contact %s title %q after the Zoho edit", pair.AID, h.Properties["jobtitle"])
	}
	if z, _ := zc.Get("Contacts", other.BID); z.Fields["First_Name"] != "Renamed" {
		t.Errorf("Zoho contact %s first name %q after the HubSpot edit", other.BID, z.Fields["First_Name"])
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil || len(d.Errors) != 1 {
		t.Fatalf("run errors: %+v %v", d.Errors, err)
	}
	if e := d.Errors[0]; e.RecordID != bad.ID || e.Field != "Last_Name" || e.Code != "MANDATORY_NOT_FOUND" || e.Message == "" {
		t.Fatalf("error %+v: want contact %s, Last_Name and Zoho's MANDATORY_NOT_FOUND", e, bad.ID)
	}
	if again, err := a.Run(ctx, "zoho", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}

// TestHubSpotZohoContactsWithAccounts: HubSpot companies and Zoho Accounts
// link by web domain, and each contact created on either side carries its
// company as the other's account (Zoho's Account_Name lookup) through
// those links; the run after writes nothing.
func TestHubSpotZohoContactsWithAccounts(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 38, 40)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zc"); err != nil {
		t.Fatalf("connect zoho: %v", err)
	}
	saveSyncs(t, a, app.DemoZohoCompaniesSync("accounts", "hs", "zc"), app.DemoZohoSyncWithAccounts("contacts", "hs", "zc", "accounts"))
	res, err := a.Run(ctx, "accounts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Plan.Counts.Link == 0 {
		t.Fatalf("accounts run: %v %+v", err, res.Summary)
	}
	hs, zc := srv.HubSpot(), srv.Zoho()
	accountOf, companyOf := map[string]string{}, map[string]string{}
	for _, l := range syncLinks(t, a, "accounts") {
		accountOf[l.AID], companyOf[l.BID] = l.BID, l.AID
		h, _ := hs.Get("companies", l.AID)
		z, _ := zc.Get("Accounts", l.BID)
		if !strings.EqualFold(h.Properties["name"], z.Fields["Account_Name"]) {
			t.Errorf("company %s (%s) linked to account %s (%s)", l.AID, h.Properties["name"], l.BID, z.Fields["Account_Name"])
		}
	}
	if res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	toZoho, toHubSpot := 0, 0
	for _, l := range syncLinks(t, a, "contacts") {
		h, _ := hs.Get("contacts", l.AID)
		z, _ := zc.Get("Contacts", l.BID)
		company, account := h.Properties["associatedcompanyid"], z.Fields["Account_Name"]
		switch l.CreatedBy {
		case "b":
			if company != "" {
				if account != accountOf[company] {
					t.Errorf("Zoho contact %s created from %s (company %s): account %q, want %q", l.BID, l.AID, company, account, accountOf[company])
				}
				toZoho++
			}
		case "a":
			if account != "" {
				if company != companyOf[account] {
					t.Errorf("HubSpot contact %s created from %s (account %s): company %q, want %q", l.AID, l.BID, account, company, companyOf[account])
				}
				toHubSpot++
			}
		}
	}
	if toZoho == 0 || toHubSpot == 0 {
		t.Fatalf("checked %d contacts created in Zoho and %d in HubSpot with a company; want some of each", toZoho, toHubSpot)
	}
	if again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}

// TestHubSpotZohoDealsAndTasks: with companies and contacts linked,
// HubSpot deals and Zoho Deals sync by name (the stage through a value map
// each way, the close date as a date, the company as the deal's
// Account_Name), and HubSpot tasks and Zoho Tasks by subject, each on its
// contact (Who_Id). A Zoho priority HubSpot lacks (Highest) reaches
// HubSpot as High and stays as it is in Zoho; the runs after write nothing.
func TestHubSpotZohoDealsAndTasks(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 39, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zc"); err != nil {
		t.Fatalf("connect zoho: %v", err)
	}
	saveSyncs(t, a, app.DemoZohoCompaniesSync("accounts", "hs", "zc"), app.DemoZohoSyncWithAccounts("contacts", "hs", "zc", "accounts"),
		app.DemoZohoDealsSync("deals", "hs", "zc", "accounts"), app.DemoZohoTasksSync("tasks", "hs", "zc", "contacts"))
	for _, name := range []string{"accounts", "contacts", "deals", "tasks"} {
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || (name == "deals" || name == "tasks") && res.Summary.Created == 0 || name == "deals" && res.Plan.Counts.Link == 0 {
			t.Fatalf("%s run: %v %+v\n%s", name, err, res.Summary, res.Plan.Summary())
		}
	}
	hs, zc := srv.HubSpot(), srv.Zoho()
	companyOf := map[string]string{}
	for _, l := range syncLinks(t, a, "accounts") {
		companyOf[l.BID] = l.AID
	}
	stages := map[string]string{"appointmentscheduled": "Qualification", "qualifiedtobuy": "Needs Analysis", "presentationscheduled": "Value Proposition",
		"decisionmakerboughtin": "Identify Decision Makers", "contractsent": "Proposal/Price Quote", "closedwon": "Closed Won", "closedlost": "Closed Lost"}
	created := 0
	for _, l := range syncLinks(t, a, "deals") {
		d, _ := hs.Get("deals", l.AID)
		z, _ := zc.Get("Deals", l.BID)
		_, primary := hs.Associated("deals", l.AID, "companies")
		switch {
		case !strings.EqualFold(d.Properties["dealname"], z.Fields["Deal_Name"]):
			t.Errorf("deal %s %q linked to Zoho deal %s %q", l.AID, d.Properties["dealname"], l.BID, z.Fields["Deal_Name"])
		case l.CreatedBy == "b" && stages[d.Properties["dealstage"]] != z.Fields["Stage"]:
			t.Errorf("deal %s stage %q, Zoho deal %s stage %q", l.AID, d.Properties["dealstage"], l.BID, z.Fields["Stage"])
		case len(d.Properties["closedate"]) >= 10 && d.Properties["closedate"][:10] != z.Fields["Closing_Date"]:
			t.Errorf("deal %s closes %q, Zoho deal %s %q", l.AID, d.Properties["closedate"], l.BID, z.Fields["Closing_Date"])
		case primary != "" && companyOf[z.Fields["Account_Name"]] != primary:
			t.Errorf("deal %s company %s; Zoho deal %s account %q is linked to %q", l.AID, primary, l.BID, z.Fields["Account_Name"], companyOf[z.Fields["Account_Name"]])
		}
		if l.CreatedBy == "b" {
			created++
		}
	}
	if created == 0 {
		t.Fatal("no Zoho deal was created from a HubSpot deal")
	}
	contactOf := map[string]string{} // HubSpot contact -> Zoho contact
	for _, l := range syncLinks(t, a, "contacts") {
		contactOf[l.AID] = l.BID
	}
	onContact, toHubSpot := 0, ""
	for _, l := range syncLinks(t, a, "tasks") {
		h, _ := hs.Get("tasks", l.AID)
		z, _ := zc.Get("Tasks", l.BID)
		if h.Properties["hs_task_subject"] != z.Fields["Subject"] {
			t.Errorf("task %s %q linked to Zoho task %s %q", l.AID, h.Properties["hs_task_subject"], l.BID, z.Fields["Subject"])
		}
		ids, _ := hs.Associated("tasks", l.AID, "contacts")
		if len(ids) == 1 && z.Fields["Who_Id"] != contactOf[ids[0]] {
			t.Errorf("Zoho task %s is on contact %q, want %s, linked to HubSpot's %s", l.BID, z.Fields["Who_Id"], contactOf[ids[0]], ids[0])
		} else if len(ids) == 1 {
			onContact++
		}
		if l.CreatedBy == "a" {
			toHubSpot = l.BID
		}
	}
	if onContact == 0 || toHubSpot == "" {
		t.Fatalf("%d tasks on their contact, a HubSpot task created from Zoho: %q; want both", onContact, toHubSpot)
	}
	for _, name := range []string{"deals", "tasks"} {
		if again, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("second %s run: %v %+v\n%s", name, err, again.Summary, again.Plan.Summary())
		}
	}

	// Highest, which HubSpot lacks, comes over as High and stays Highest.
	time.Sleep(1100 * time.Millisecond) // Zoho's Modified_Time has one-second resolution
	if _, err := zc.Update("Tasks", toHubSpot, map[string]any{"Priority": "Highest"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run after the edit: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	var hubspotID string
	for _, l := range syncLinks(t, a, "tasks") {
		if l.BID == toHubSpot {
			hubspotID = l.AID
		}
	}
	if h, _ := hs.Get("tasks", hubspotID); h.Properties["hs_task_priority"] != "HIGH" {
		t.Errorf("HubSpot task %s priority %q after Zoho's Highest, want HIGH", hubspotID, h.Properties["hs_task_priority"])
	}
	if again, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
	if z, _ := zc.Get("Tasks", toHubSpot); z.Fields["Priority"] != "Highest" {
		t.Errorf("Zoho task %s priority %q, want Highest kept", toHubSpot, z.Fields["Priority"])
	}
}

// TestHubSpotZohoCallsMeetingsAndNotes: with contacts linked, HubSpot
// calls ↔ Zoho Calls and meetings ↔ Zoho meetings (Events) by title, and
// notes ↔ Zoho notes by their text, each on its contact (Who_Id; a note's
// Parent_Id with its module); a call's type and its duration as MM:SS, a
// meeting's start, a note's text arrive as they were; a note edited in
// Zoho reaches HubSpot, though Zoho's notes list takes no modified-since;
// the runs after write nothing.
func TestHubSpotZohoCallsMeetingsAndNotes(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 42, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zc"); err != nil {
		t.Fatalf("connect zoho: %v", err)
	}
	saveSyncs(t, a, app.DemoZohoSync("contacts", "hs", "zc"), app.DemoZohoCallsSync("calls", "hs", "zc", "contacts"),
		app.DemoZohoMeetingsSync("meetings", "hs", "zc", "contacts"), app.DemoZohoNotesSync("notes", "hs", "zc", "contacts"))
	for _, name := range []string{"contacts", "calls", "meetings", "notes"} {
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || name != "contacts" && (res.Plan.Counts.CreateA == 0 || res.Plan.Counts.CreateB == 0) {
			t.Fatalf("%s run: %v %+v\n%s", name, err, res.Summary, res.Plan.Summary())
		}
	}
	hs, zc := srv.HubSpot(), srv.Zoho()
	contactOf := map[string]string{} // HubSpot contact -> Zoho contact
	for _, l := range syncLinks(t, a, "contacts") {
		contactOf[l.AID] = l.BID
	}
	onContact := func(object, id, zohoID, parent string) bool {
		ids, _ := hs.Associated(object, id, "contacts")
		if len(ids) != 1 {
			return false
		}
		if parent != contactOf[ids[0]] {
			t.Errorf("HubSpot %s %s is on contact %s; Zoho record %s on %q, want %q", object, id, ids[0], zohoID, parent, contactOf[ids[0]])
		}
		return true
	}
	checked := map[string]int{}
	for _, l := range syncLinks(t, a, "calls") {
		h, _ := hs.Get("calls", l.AID)
		z, _ := zc.Get("Calls", l.BID)
		p := h.Properties
		ms, _ := strconv.Atoi(p["hs_call_duration"])
		var mins, secs int
		_, _ = fmt.Sscanf(z.Fields["Call_Duration"], "%d:%d", &mins, &secs)
		switch {
		case p["hs_call_title"] != z.Fields["Subject"]:
			t.Errorf("call %s %q linked to Zoho call %s %q", l.AID, p["hs_call_title"], l.BID, z.Fields["Subject"])
		case l.CreatedBy == "b" && map[string]string{"INBOUND": "Inbound", "OUTBOUND": "Outbound"}[p["hs_call_direction"]] != z.Fields["Call_Type"]:
			t.Errorf("call %s direction %q, Zoho call %s type %q", l.AID, p["hs_call_direction"], l.BID, z.Fields["Call_Type"])
		case p["hs_call_duration"] != "" && (ms+500)/1000 != mins*60+secs:
			t.Errorf("call %s lasts %s ms, Zoho call %s %q", l.AID, p["hs_call_duration"], l.BID, z.Fields["Call_Duration"])
		}
		if onContact("calls", l.AID, l.BID, z.Fields["Who_Id"]) {
			checked["calls"]++
		}
	}
	for _, l := range syncLinks(t, a, "meetings") {
		h, _ := hs.Get("meetings", l.AID)
		z, _ := zc.Get("Events", l.BID)
		start, _ := time.Parse(time.RFC3339, h.Properties["hs_meeting_start_time"])
		zstart, _ := time.Parse(time.RFC3339, z.Fields["Start_DateTime"])
		if h.Properties["hs_meeting_title"] != z.Fields["Event_Title"] || !start.Truncate(time.Second).Equal(zstart) {
			t.Errorf("meeting %s %q at %s linked to Zoho meeting %s %q at %s", l.AID, h.Properties["hs_meeting_title"], start, l.BID, z.Fields["Event_Title"], z.Fields["Start_DateTime"])
		}
		if onContact("meetings", l.AID, l.BID, z.Fields["Who_Id"]) {
			checked["meetings"]++
		}
	}
	var zohoNote, hubspotNote string
	for _, l := range syncLinks(t, a, "notes") {
		h, _ := hs.Get("notes", l.AID)
		z, _ := zc.Get("Notes", l.BID)
		body, text := h.Properties["hs_note_body"], z.Fields["Note_Content"]
		if text == "" || !strings.Contains(body, strings.SplitN(text, "\n", 2)[0]) {
			t.Errorf("note %s %q linked to Zoho note %s %q", l.AID, body, l.BID, text)
		}
		if z.Fields["$se_module"] != "Contacts" {
			t.Errorf("Zoho note %s hangs on a %q", l.BID, z.Fields["$se_module"])
		}
		if onContact("notes", l.AID, l.BID, z.Fields["Parent_Id"]) {
			checked["notes"]++
		}
		if l.CreatedBy == "a" {
			zohoNote, hubspotNote = l.BID, l.AID
		}
	}
	if checked["calls"] == 0 || checked["meetings"] == 0 || checked["notes"] == 0 || zohoNote == "" {
		t.Fatalf("checked on their contact: %v; a HubSpot note made from Zoho: %q; want some of each", checked, zohoNote)
	}
	for _, name := range []string{"calls", "meetings", "notes"} {
		if again, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("second %s run: %v %+v\n%s", name, err, again.Summary, again.Plan.Summary())
		}
	}

	// A note edited in Zoho is read, newest first, down to the cursor.
	time.Sleep(1100 * time.Millisecond) // Zoho's Modified_Time has one-second resolution
	if _, err := zc.Update("Notes", zohoNote, map[string]any{"Note_Content": "Budget moved to Q2."}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 || res.Plan.Counts.ReadB != 1 {
		t.Fatalf("run after the note's edit: %v %+v, want the one note read and updated\n%s", err, res.Summary, res.Plan.Summary())
	}
	if h, _ := hs.Get("notes", hubspotNote); !strings.Contains(h.Properties["hs_note_body"], "Budget moved to Q2.") {
		t.Errorf("HubSpot note %s reads %q after the Zoho edit", hubspotNote, h.Properties["hs_note_body"])
	}
	if again, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}
