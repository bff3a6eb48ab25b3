package app_test

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// TestHubSpotPipedriveContacts syncs HubSpot contacts with Pipedrive
// persons over real HTTP, Pipedrive connected through its OAuth flow (the
// API base from the token's api_domain): people in both by email are
// linked, the others created once on the other side with one name, their
// email and phone; the next run writes nothing; a name and phone changed
// in Pipedrive reach HubSpot split before the last word, a HubSpot email
// change reaches Pipedrive as the primary email while the person's other
// email stays; and the run after writes nothing again. With deletes
// propagated, a person deleted in Pipedrive, which no list reports, is
// found by comparing ids and held for review; approved, it archives the
// HubSpot contact.
func TestHubSpotPipedriveContacts(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 31, 40)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	if err := a.SaveSync(ctx, app.DemoPipedriveSync("people", "hs", "pd", "")); err != nil {
		t.Fatal(err)
	}
	hsBefore, pdBefore := hs.Count("contacts"), pd.CountPersons()
	first, err := a.Run(ctx, "people", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v\n%s", err, first, first.Plan.Summary())
	}
	c := first.Plan.Counts
	if c.Link == 0 || c.CreateA == 0 || c.CreateB == 0 {
		t.Fatalf("first run: %+v, want links and creates on both sides", c)
	}
	if hs.Count("contacts") != hsBefore+c.CreateA || pd.CountPersons() != pdBefore+c.CreateB {
		t.Fatalf("contacts %d → %d, persons %d → %d; the plan created %d and %d", hsBefore, hs.Count("contacts"), pdBefore, pd.CountPersons(), c.CreateA, c.CreateB)
	}
	person := func(id string) (name, email string, emails []string) {
		t.Helper()
		n, _ := strconv.ParseInt(id, 10, 64)
		p, ok := pd.GetPerson(n)
		if !ok {
			t.Fatalf("no person %s", id)
		}
		for _, e := range p.Emails {
			emails = append(emails, e.Value)
			if e.Primary {
				email = e.Value
			}
		}
		return p.Name, email, emails
	}
	var pair [2]string // a created-in-Pipedrive pair: HubSpot id, person id
	for _, l := range syncLinks(t, a, "people") {
		h, _ := hs.Get("contacts", l.AID)
		name, email, _ := person(l.BID)
		wantName := strings.TrimSpace(h.Properties["firstname"] + " " + h.Properties["lastname"])
		if !strings.EqualFold(email, h.Properties["email"]) || name != wantName {
			t.Errorf("contact %s (%s, %q) linked to person %s (%s, %q)", l.AID, h.Properties["email"], wantName, l.BID, email, name)
		}
		if l.CreatedBy == "b" && pair[0] == "" && h.Properties["firstname"] != "" && h.Properties["lastname"] != "" {
			pair = [2]string{l.AID, l.BID}
		}
	}
	if pair[0] == "" {
		t.Fatal("no person was created from a HubSpot contact with a first and last name")
	}
	if again, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	// Pipedrive: a new name and phone, and a second email.
	pid, _ := strconv.ParseInt(pair[1], 10, 64)
	_, primaryEmail, _ := person(pair[1])
	if _, err := pd.UpdatePerson(pid, map[string]any{"name": "Ada King Lovelace", "phones": []any{map[string]any{"value": "+1 555 010 2030", "primary": true}},
		"emails": []any{map[string]any{"value": primaryEmail, "primary": true}, map[string]any{"value": "ada@home.example", "primary": false, "label": "home"}}}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run after the Pipedrive edit: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	h, _ := hs.Get("contacts", pair[0])
	if h.Properties["firstname"] != "Ada King" || h.Properties["lastname"] != "Lovelace" || h.Properties["phone"] != "+15550102030" {
		t.Fatalf("HubSpot contact %s after the Pipedrive edit: %q %q %q", pair[0], h.Properties["firstname"], h.Properties["lastname"], h.Properties["phone"])
	}

	// HubSpot: a new email. Pipedrive's primary email follows; the home one stays.
	if _, err := hs.Update("contacts", pair[0], map[string]string{"email": "ada.lovelace@analytical.example"}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run after the HubSpot edit: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	_, email, emails := person(pair[1])
	if email != "ada.lovelace@analytical.example" || len(emails) != 2 || !strings.Contains(strings.Join(emails, " "), "ada@home.example") {
		t.Fatalf("person %s after the HubSpot email change: primary %q of %v", pair[1], email, emails)
	}
	calls := func() (n int64) {
		for _, c := range srv.Stats()["pipedrive"] {
			n += c
		}
		return n
	}
	for i := range 2 {
		before := calls()
		if again, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("run %d after the edits: %v %+v\n%s", i+1, err, again.Summary, again.Plan.Summary())
		}
		if n := calls() - before; i == 1 && n != 1 {
			t.Fatalf("a run with nothing changed made %d Pipedrive calls, want 1 (the read; the fields come from the cache)", n)
		}
	}

	// A person deleted in Pipedrive: no list reports it, so the ids are
	// compared (once a day), and the delete is held for review like any
	// other; approved, it archives the HubSpot contact.
	def := app.DemoPipedriveSync("people", "hs", "pd", "")
	def.Safety.PropagateDeletes = true
	if err := a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if err := pd.DeletePerson(pid); err != nil {
		t.Fatal(err)
	}
	lists := func() int64 { return srv.Stats()["pipedrive"]["GET /api/v2/persons"] }
	before := lists()
	res, err = a.Run(ctx, "people", app.RunOptions{Confirm: true})
	if err != nil || res.Plan.Counts.HeldDelete != 1 || res.Summary.Deleted != 0 {
		t.Fatalf("run after the Pipedrive delete: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if n := lists() - before; n != 2 {
		t.Fatalf("%d list calls for a read and an id comparison of %d persons, want 2", n, pd.CountPersons())
	}
	rs, err := a.Reviews(ctx, "people", "delete", "open")
	if err != nil || len(rs) != 1 || rs[0].Side != "b" || rs[0].RecordID != pair[1] {
		t.Fatalf("open delete reviews: %+v %v", rs, err)
	}
	if err := a.Decide(ctx, rs[0].ID, engine.Decision{Action: "delete"}); err != nil {
		t.Fatal(err)
	}
	before = lists()
	if res, err = a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Deleted != 1 {
		t.Fatalf("run after approving: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if h, ok := hs.Get("contacts", pair[0]); !ok || !h.Archived {
		t.Fatalf("HubSpot contact %s after the approved delete: %+v", pair[0], h)
	}
	// The run carrying the approved delete out lists the ids again (a
	// person restored since must not cost its HubSpot contact); the next
	// one compares them no more than once a day.
	if n := lists() - before; n != 2 {
		t.Fatalf("%d list calls in the run carrying out the approved delete, want 2: the read and the ids listed again", n)
	}
	before = lists()
	if _, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if n := lists() - before; n != 1 {
		t.Fatalf("%d list calls in the run after, want 1: ids are compared once a day", n)
	}
}

// TestHubSpotPipedriveOrganizations links HubSpot companies with Pipedrive
// organizations by name, then syncs contacts with persons carrying each
// one's company: a person created from a HubSpot contact gets the
// organization linked to the contact's primary company, a contact created
// from a person gets the company linked to its organization, and the run
// after writes nothing.
func TestHubSpotPipedriveOrganizations(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 37, 40)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	if err := a.SaveSync(ctx, app.DemoPipedriveCompaniesSync("orgs", "hs", "pd")); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveSync(ctx, app.DemoPipedriveSync("people", "hs", "pd", "orgs")); err != nil {
		t.Fatal(err)
	}
	orgs, err := a.Run(ctx, "orgs", app.RunOptions{Confirm: true})
	if err != nil || orgs.Summary.Status != "success" || orgs.Plan.Counts.Link == 0 {
		t.Fatalf("orgs run: %v %+v\n%s", err, orgs.Summary, orgs.Plan.Summary())
	}
	orgOf := map[string]string{} // HubSpot company -> organization
	for _, l := range syncLinks(t, a, "orgs") {
		orgOf[l.AID] = l.BID
	}
	people, err := a.Run(ctx, "people", app.RunOptions{Confirm: true})
	if err != nil || people.Summary.Status != "success" || people.Plan.Counts.WaitingLink != 0 {
		t.Fatalf("people run: %v %+v\n%s", err, people.Summary, people.Plan.Summary())
	}
	var created [2]int // in Pipedrive, in HubSpot, each with a company
	for _, l := range syncLinks(t, a, "people") {
		h, _ := hs.Get("contacts", l.AID)
		n, _ := strconv.ParseInt(l.BID, 10, 64)
		p, _ := pd.GetPerson(n)
		company, org := h.Properties["associatedcompanyid"], ""
		if p.OrgID != 0 {
			org = strconv.FormatInt(p.OrgID, 10)
		}
		if company == "" && org == "" {
			continue
		}
		if orgOf[company] != org || org == "" {
			t.Errorf("contact %s (company %q) and person %s (organization %q): want the organization linked to the company, %q", l.AID, company, l.BID, org, orgOf[company])
		}
		switch l.CreatedBy {
		case "b":
			created[0]++
		case "a":
			created[1]++
		}
	}
	if created[0] == 0 || created[1] == 0 {
		t.Fatalf("created with a company: %d persons, %d contacts; want some of each", created[0], created[1])
	}
	for i := range 2 {
		if again, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("run %d after: %v %+v\n%s", i+1, err, again.Summary, again.Plan.Summary())
		}
	}
}

// TestHubSpotPipedriveDeals syncs HubSpot deals with Pipedrive deals over
// real HTTP, after the companies sync: deals in both by name are linked,
// the others created once on the other side with their value, stage
// (through the value map), expected close date and company; a HubSpot
// deal closed won or lost is in Pipedrive's last stage with its status won
// or lost, and nothing goes to review; the next run writes nothing; a
// stage moved in Pipedrive reaches HubSpot through the reverse map.
func TestHubSpotPipedriveDeals(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 33, 200)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	saveSyncs(t, a, app.DemoPipedriveCompaniesSync("orgs", "hs", "pd"), app.DemoPipedriveDealsSync("deals", "hs", "pd", "orgs"))
	if res, err := a.Run(ctx, "orgs", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("orgs run: %v %+v", err, res.Summary)
	}
	orgOf := map[string]string{} // HubSpot company -> organization
	for _, l := range syncLinks(t, a, "orgs") {
		orgOf[l.AID] = l.BID
	}
	pdBefore := pd.CountDeals()
	first, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("deals run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	c := first.Plan.Counts
	if c.Link == 0 || c.CreateA == 0 || c.CreateB == 0 || pd.CountDeals() != pdBefore+c.CreateB {
		t.Fatalf("deals run: %+v, %d → %d Pipedrive deals\n%s", c, pdBefore, pd.CountDeals(), first.Plan.Summary())
	}
	if len(first.Plan.Review) != 0 {
		t.Errorf("deals went to review:\n%+v", first.Plan.Review)
	}
	closed := 0
	var moved [2]string // a deal created in Pipedrive: HubSpot id, Pipedrive id
	for _, l := range syncLinks(t, a, "deals") {
		h, _ := hs.Get("deals", l.AID)
		n, _ := strconv.ParseInt(l.BID, 10, 64)
		d, ok := pd.GetDeal(n)
		companies, _ := hs.Associated("deals", l.AID, "companies")
		if strings.HasPrefix(h.Properties["dealstage"], "closed") {
			closed++
		}
		switch {
		case !ok || d.Title != h.Properties["dealname"]:
			t.Errorf("deal %s (%q) linked to Pipedrive deal %s (%+v)", l.AID, h.Properties["dealname"], l.BID, d)
		case strconv.FormatInt(d.StageID, 10) != map[string]string{"qualifiedtobuy": "1", "appointmentscheduled": "2", "presentationscheduled": "3",
			"contractsent": "4", "decisionmakerboughtin": "5", "closedwon": "5", "closedlost": "5"}[h.Properties["dealstage"]]:
			t.Errorf("deal %s at %s, Pipedrive deal %s at stage %d", l.AID, h.Properties["dealstage"], l.BID, d.StageID)
		case strings.HasPrefix(h.Properties["dealstage"], "closed") && "closed"+d.Status != h.Properties["dealstage"]:
			t.Errorf("deal %s %s, Pipedrive deal %s %s", l.AID, h.Properties["dealstage"], l.BID, d.Status)
		case len(companies) == 0 || strconv.FormatInt(d.OrgID, 10) != orgOf[companies[0]]:
			t.Errorf("deal %s of companies %v, Pipedrive deal %s of organization %d", l.AID, companies, l.BID, d.OrgID)
		case l.CreatedBy == "b" && moved[0] == "":
			if v, _ := strconv.ParseFloat(h.Properties["amount"], 64); v != d.Value || d.ExpectedCloseDate != h.Properties["closedate"][:10] {
				t.Errorf("deal %s (%s, %s) created as %+v", l.AID, h.Properties["amount"], h.Properties["closedate"], d)
			}
			moved = [2]string{l.AID, l.BID}
		}
	}
	if moved[0] == "" || closed == 0 {
		t.Fatalf("no deal was created in Pipedrive (%v), or none closed won or lost in HubSpot is linked (%d)", moved, closed)
	}
	if again, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second deals run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
	n, _ := strconv.ParseInt(moved[1], 10, 64)
	d, _ := pd.GetDeal(n)
	stage := int64(5)
	if d.StageID == 5 {
		stage = 1
	}
	time.Sleep(1100 * time.Millisecond) // update_time has one-second resolution
	if _, err := pd.UpdateDeal(n, map[string]any{"stage_id": stage}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run after the stage moved: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if h, _ := hs.Get("deals", moved[0]); h.Properties["dealstage"] != map[int64]string{1: "qualifiedtobuy", 5: "decisionmakerboughtin"}[stage] {
		t.Fatalf("HubSpot deal %s at %s after its Pipedrive deal moved to stage %d", moved[0], h.Properties["dealstage"], stage)
	}
}

// pdActivityKind is one kind of HubSpot activity synced with Pipedrive
// activities of one type.
type pdActivityKind struct {
	def              func(name, hs, pd, contacts string) engine.Definition
	hsObject, pdType string
	// differ describes how a linked pair disagrees, or returns "";
	// createdInPD is true for an activity made from the HubSpot record.
	differ func(h hubspot.Record, act pipedrive.Activity, createdInPD bool) string
}

var pdActivityKinds = map[string]pdActivityKind{
	// A task: its subject and due date; its status and the activity's
	// done flag go both ways.
	"tasks": {def: app.DemoPipedriveTasksSync, hsObject: "tasks", pdType: "task",
		differ: func(h hubspot.Record, act pipedrive.Activity, createdInPD bool) string {
			switch {
			case act.Subject != h.Properties["hs_task_subject"] || act.DueDate != h.Properties["hs_timestamp"][:10]:
				return fmt.Sprintf("(%q, %s) against (%q, %s)", h.Properties["hs_task_subject"], h.Properties["hs_timestamp"], act.Subject, act.DueDate)
			case act.Done != (h.Properties["hs_task_status"] == "COMPLETED"):
				return fmt.Sprintf("task %s, activity done %v", h.Properties["hs_task_status"], act.Done)
			case !createdInPD && !act.Done && h.Properties["hs_task_status"] != "NOT_STARTED":
				return fmt.Sprintf("made from an open activity: %s, want NOT_STARTED", h.Properties["hs_task_status"])
			}
			return ""
		}},
	// A meeting: its title, and its start as the activity's due date and
	// time (UTC, to the minute).
	"meetings": {def: app.DemoPipedriveMeetingsSync, hsObject: "meetings", pdType: "meeting",
		differ: func(h hubspot.Record, act pipedrive.Activity, _ bool) string {
			start, _ := time.Parse(time.RFC3339, h.Properties["hs_meeting_start_time"])
			if act.Subject != h.Properties["hs_meeting_title"] || act.DueDate+" "+act.DueTime != start.UTC().Format("2006-01-02 15:04") {
				return fmt.Sprintf("(%q, %s) against (%q, %s %s)", h.Properties["hs_meeting_title"], h.Properties["hs_meeting_start_time"], act.Subject, act.DueDate, act.DueTime)
			}
			// The end makes the duration; a meeting from Pipedrive has no end.
			if end, err := time.Parse(time.RFC3339, h.Properties["hs_meeting_end_time"]); err == nil {
				m := int(math.Round(end.Sub(start).Minutes()))
				if act.Duration != fmt.Sprintf("%02d:%02d", m/60, m%60) {
					return fmt.Sprintf("meeting %s–%s, activity duration %q", h.Properties["hs_meeting_start_time"], h.Properties["hs_meeting_end_time"], act.Duration)
				}
			}
			return ""
		}},
	// A call: its title, date and duration (milliseconds against HH:MM).
	"calls": {def: app.DemoPipedriveCallsSync, hsObject: "calls", pdType: "call",
		differ: func(h hubspot.Record, act pipedrive.Activity, _ bool) string {
			ms, _ := strconv.ParseFloat(h.Properties["hs_call_duration"], 64)
			minutes := int(math.Round(ms / 60000))
			if act.Subject != h.Properties["hs_call_title"] || act.DueDate != h.Properties["hs_timestamp"][:10] ||
				act.Duration != fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) {
				return fmt.Sprintf("(%q, %s, %s ms) against (%q, %s, %s)", h.Properties["hs_call_title"], h.Properties["hs_timestamp"],
					h.Properties["hs_call_duration"], act.Subject, act.DueDate, act.Duration)
			}
			return ""
		}},
}

// TestHubSpotPipedriveActivities syncs HubSpot tasks, meetings and calls
// with Pipedrive activities of those types over real HTTP, after the
// contacts sync: each is created once on the other side with its fields,
// linked to the person linked to its contact (Pipedrive's primary
// participant); activities of the other types are left alone; the next
// run writes nothing.
func TestHubSpotPipedriveActivities(t *testing.T) {
	for name, kind := range pdActivityKinds {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // its own sandbox and app; mostly waiting, not computing
			testPipedriveActivities(t, name, kind)
		})
	}
}

func testPipedriveActivities(t *testing.T, name string, kind pdActivityKind) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 35, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	saveSyncs(t, a, app.DemoPipedriveSync("people", "hs", "pd", ""), kind.def(name, "hs", "pd", "people"))
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("people run: %v %+v", err, res.Summary)
	}
	personOf := map[string]string{} // HubSpot contact -> person
	for _, l := range syncLinks(t, a, "people") {
		personOf[l.AID] = l.BID
	}
	others := func() int { // activities of the other types
		n := 0
		for _, act := range pd.Activities() {
			if act.Type != kind.pdType {
				n++
			}
		}
		return n
	}
	othersBefore := others()
	first, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("%s run: %v %+v\n%s", name, err, first.Summary, first.Plan.Summary())
	}
	if c := first.Plan.Counts; c.CreateA == 0 || c.CreateB == 0 || othersBefore == 0 {
		t.Fatalf("%s run: %+v with %d other activities in Pipedrive\n%s", name, c, othersBefore, first.Plan.Summary())
	}
	checked := 0
	for _, l := range syncLinks(t, a, name) {
		h, _ := hs.Get(kind.hsObject, l.AID)
		n, _ := strconv.ParseInt(l.BID, 10, 64)
		act, _ := pd.GetActivity(n)
		contacts, _ := hs.Associated(kind.hsObject, l.AID, "contacts")
		if act.Type != kind.pdType {
			t.Errorf("%s %s linked to activity %s of type %s", kind.hsObject, l.AID, l.BID, act.Type)
		}
		if d := kind.differ(h, act, l.CreatedBy == "b"); d != "" {
			t.Errorf("%s %s linked to activity %s: %s", kind.hsObject, l.AID, l.BID, d)
		}
		if len(contacts) != 1 || personOf[contacts[0]] == "" {
			continue // no contact, or one not in the people sync: the reference waits
		}
		if strconv.FormatInt(act.PersonID, 10) != personOf[contacts[0]] {
			t.Errorf("%s %s of contact %s (person %s), activity %s of person %d", kind.hsObject, l.AID, contacts[0], personOf[contacts[0]], l.BID, act.PersonID)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no activity was checked with its person")
	}
	if n := others(); n != othersBefore {
		t.Fatalf("activities of other types: %d, were %d", n, othersBefore)
	}
	if again, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second %s run: %v %+v\n%s", name, err, again.Summary, again.Plan.Summary())
	}
}

// TestHubSpotPipedriveNotes syncs HubSpot notes with Pipedrive notes (API
// v1) over real HTTP after the people sync: each note is created once on
// the other side, with the same HTML, on the person or contact linked to
// its own; a note already in both is linked, not copied; an edit on
// either side reaches the other; a note whose contact is not linked yet
// waits, uncreated, and is created on its person once the people sync
// links it; runs with nothing new write nothing.
func TestHubSpotPipedriveNotes(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 37, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	saveSyncs(t, a, app.DemoPipedriveSync("people", "hs", "pd", ""), app.DemoPipedriveNotesSync("notes", "hs", "pd", "people"))
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("people run: %v %+v", err, res.Summary)
	}
	personOf := map[string]string{} // HubSpot contact -> person
	var pair [2]string
	for _, l := range syncLinks(t, a, "people") {
		personOf[l.AID], pair = l.BID, [2]string{l.AID, l.BID}
	}
	same, err := hs.Create("notes", map[string]string{"hs_note_body": "<p>Asked for a <b>demo</b></p>", "hs_timestamp": "2026-11-30T10:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hs.SeedAssociations("notes", "contacts", map[string]string{same.ID: pair[0]}); err != nil {
		t.Fatal(err)
	}
	person, _ := strconv.ParseInt(pair[1], 10, 64)
	samePD, err := pd.CreateNote(map[string]any{"content": "<div>Asked for a demo</div>", "person_id": person})
	if err != nil {
		t.Fatal(err)
	}
	notesBefore := pd.CountNotes()
	first, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("notes run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	c := first.Plan.Counts
	if c.CreateA == 0 || c.CreateB == 0 || pd.CountNotes() != notesBefore+c.CreateB {
		t.Fatalf("notes run: %+v, Pipedrive notes %d → %d\n%s", c, notesBefore, pd.CountNotes(), first.Plan.Summary())
	}
	var fromHS, fromPD [2]string
	sameLinked := false
	for _, l := range syncLinks(t, a, "notes") {
		h, _ := hs.Get("notes", l.AID)
		id, _ := strconv.ParseInt(l.BID, 10, 64)
		n, _ := pd.GetNote(id)
		contacts, _ := hs.Associated("notes", l.AID, "contacts")
		if l.AID == same.ID {
			sameLinked = id == samePD.ID
			continue
		}
		if h.Properties["hs_note_body"] != n.Content {
			t.Errorf("note %s %q, Pipedrive note %d %q", l.AID, h.Properties["hs_note_body"], id, n.Content)
		}
		if len(contacts) != 1 || personOf[contacts[0]] != strconv.FormatInt(n.PersonID, 10) {
			t.Errorf("note %s on contacts %v; Pipedrive note %d on person %d", l.AID, contacts, id, n.PersonID)
		}
		switch l.CreatedBy {
		case "b":
			fromHS = [2]string{l.AID, l.BID}
		case "a":
			if !instant(h.Properties["hs_timestamp"]).Equal(n.Added) {
				t.Errorf("note %s dated %s, its Pipedrive note added %s", l.AID, h.Properties["hs_timestamp"], n.Added)
			}
			fromPD = [2]string{l.AID, l.BID}
		}
	}
	if !sameLinked || fromHS[0] == "" || fromPD[0] == "" {
		t.Fatalf("same note linked: %v; created from HubSpot %v, from Pipedrive %v", sameLinked, fromHS, fromPD)
	}
	if again, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second notes run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	// An edit on each side.
	if _, err := hs.Update("notes", fromHS[0], map[string]string{"hs_note_body": "<p>Budget <i>approved</i></p>"}); err != nil {
		t.Fatal(err)
	}
	pdID, _ := strconv.ParseInt(fromPD[1], 10, 64)
	if _, err := pd.UpdateNote(pdID, map[string]any{"content": "<p>Call moved to Friday</p>"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Updated != 2 {
		t.Fatalf("run after the edits: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	hsID, _ := strconv.ParseInt(fromHS[1], 10, 64)
	if n, _ := pd.GetNote(hsID); n.Content != "<p>Budget <i>approved</i></p>" {
		t.Errorf("Pipedrive note %d after its HubSpot note was edited: %q", hsID, n.Content)
	}
	if h, _ := hs.Get("notes", fromPD[0]); h.Properties["hs_note_body"] != "<p>Call moved to Friday</p>" {
		t.Errorf("note %s after its Pipedrive note was edited: %q", fromPD[0], h.Properties["hs_note_body"])
	}
	if again, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("run after the edits' run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	// A new contact with a note, the note synced before the contact.
	contact, err := hs.Create("contacts", map[string]string{"email": "late.note@example.com", "firstname": "Late", "lastname": "Note"})
	if err != nil {
		t.Fatal(err)
	}
	late, _ := hs.Create("notes", map[string]string{"hs_note_body": "<p>Met at the fair</p>", "hs_timestamp": "2026-12-01T09:00:00Z"})
	if err := hs.SeedAssociations("notes", "contacts", map[string]string{late.ID: contact.ID}); err != nil {
		t.Fatal(err)
	}
	res, err = a.Run(ctx, "notes", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Created != 0 || res.Plan.Counts.WaitingLink != 1 {
		t.Fatalf("notes run before its contact is linked: %v %+v waiting %d\n%s", err, res.Summary, res.Plan.Counts.WaitingLink, res.Plan.Summary())
	}
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created != 1 {
		t.Fatalf("people run: %v %+v", err, res.Summary)
	}
	if res, err = a.Run(ctx, "notes", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created != 1 {
		t.Fatalf("notes run after its contact is linked: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	for _, l := range syncLinks(t, a, "people") {
		personOf[l.AID] = l.BID
	}
	for _, l := range syncLinks(t, a, "notes") {
		if l.AID == late.ID {
			id, _ := strconv.ParseInt(l.BID, 10, 64)
			if n, _ := pd.GetNote(id); strconv.FormatInt(n.PersonID, 10) != personOf[contact.ID] || n.Content != "<p>Met at the fair</p>" {
				t.Fatalf("Pipedrive note %d: %+v, want person %s", id, n, personOf[contact.ID])
			}
			return
		}
	}
	t.Fatalf("note %s is not linked after its contact was", late.ID)
}
