package app_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

type pipedriveActivity = pipedrive.Activity

// planWrites lists a plan's writes, one field change a line, sorted.
func planWrites(p *engine.Plan) string {
	var out []string
	for _, ws := range [][]engine.Write{p.Creates, p.Updates} {
		for _, w := range ws {
			for _, c := range w.Changes {
				out = append(out, fmt.Sprintf("%s %s %s: %q -> %q", w.Side, w.ID, c.Field, c.Old, c.New))
			}
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// TestUndoTaskContactAddedByRun: a rep puts a Salesforce Task that
// had no contact on one; the run associates the HubSpot task with that
// contact. Undoing the run must take the association off again, or say
// it cannot, naming the task and field: it must not report the field
// undone while HubSpot keeps the contact.
func TestUndoTaskContactAddedByRun(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 41, 30)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoTasksSync("tasks", "hs", "sf", "contacts"))
	for _, name := range []string{"contacts", "tasks"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	task, err := hs.Create("tasks", map[string]string{"hs_task_subject": "Audit undo lonely task", "hs_timestamp": "2027-01-05T00:00:00.000Z", "hs_task_status": "NOT_STARTED", "hs_task_priority": "HIGH"})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created != 1 {
		t.Fatalf("tasks run copying the new task: %v %+v", err, res.Summary)
	}
	sfTask := linkedB(t, a, "tasks", task.ID)
	contact := syncLinks(t, a, "contacts")[0]
	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Update("Task", sfTask, map[string]string{"WhoId": contact.BID}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("tasks run after the rep set the contact: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if cs, _ := hs.Associated("tasks", task.ID, "contacts"); len(cs) != 1 || cs[0] != contact.AID {
		t.Fatalf("the run did not put HubSpot task %s on contact %s: %v", task.ID, contact.AID, cs)
	}
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	t.Logf("undo: %+v warnings %q review %+v", u.Summary, u.Plan.Warnings, u.Plan.Review)
	cs, _ := hs.Associated("tasks", task.ID, "contacts")
	said := false
	for _, w := range u.Plan.Warnings {
		said = said || strings.Contains(w, task.ID) && strings.Contains(w, "associations.contact")
	}
	if len(cs) != 0 && !said {
		d, _ := a.RunDetail(ctx, u.Summary.RunID)
		t.Errorf("after the undo HubSpot task %s is still on contacts %v, and the undo said nothing (warnings %q); its audit: %+v", task.ID, cs, u.Plan.Warnings, d.Audit)
	}
	for i := range 2 {
		r, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
		if err != nil || r.Summary.Created+r.Summary.Updated != 0 {
			t.Errorf("run %d after the undo: %v %+v\n%s", i+1, err, r.Summary, r.Plan.Summary())
		}
	}
}

// TestUndoMeetingsTimesAndContact: a run carries a Salesforce
// Event's new start, end and contact to its HubSpot meeting and a HubSpot
// meeting's new start and location to its Event. Undoing it puts every
// value back as each CRM held it, sends nothing to review, and the runs
// after write nothing.
func TestUndoMeetingsTimesAndContact(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 43, 30)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoMeetingsSync("meetings", "hs", "sf", "contacts"))
	for _, name := range []string{"contacts", "meetings"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	partner := map[string]string{}
	for _, l := range syncLinks(t, a, "contacts") {
		partner[l.BID] = l.AID
	}
	var fromSF, fromHS [2]string // HubSpot meeting, Salesforce Event
	for _, l := range syncLinks(t, a, "meetings") {
		ev, _ := sf.Get("Event", l.BID)
		cs, _ := hs.Associated("meetings", l.AID, "contacts")
		switch {
		case fromSF[0] == "" && len(cs) == 1 && partner[ev.Fields["WhoId"]] == cs[0]:
			fromSF = [2]string{l.AID, l.BID}
		case fromHS[0] == "":
			fromHS = [2]string{l.AID, l.BID}
		}
	}
	if fromSF[0] == "" || fromHS[0] == "" {
		t.Fatal("not two linked meetings, one on a linked contact")
	}
	var other string // another linked contact, Salesforce's id
	ev0, _ := sf.Get("Event", fromSF[1])
	for bid := range partner {
		if bid != ev0.Fields["WhoId"] {
			other = bid
			break
		}
	}
	hsBefore, _ := hs.Get("meetings", fromSF[0])
	csBefore, _ := hs.Associated("meetings", fromSF[0], "contacts")
	sfBefore, _ := sf.Get("Event", fromHS[1])
	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Update("Event", fromSF[1], map[string]string{"StartDateTime": "2027-02-03T09:30:00.000+0000", "EndDateTime": "2027-02-03T10:15:00.000+0000", "WhoId": other}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("meetings", fromHS[0], map[string]string{"hs_meeting_start_time": "2027-04-05T13:00:00Z", "hs_meeting_location": "Room 12"}); err != nil {
		t.Fatal(err)
	}
	res := runUpdating(ctx, t, a, "meetings", 2)
	if cs, _ := hs.Associated("meetings", fromSF[0], "contacts"); len(cs) != 1 || cs[0] != partner[other] {
		t.Fatalf("the run did not move HubSpot meeting %s to contact %s: %v", fromSF[0], partner[other], cs)
	}
	prev, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatalf("undo preview: %v", err)
	}
	u := undoLogged(ctx, t, a, res.Summary.RunID)
	if len(u.Plan.Review) != 0 {
		t.Errorf("undo sent %d item(s) to review though nobody changed the meetings: %+v", len(u.Plan.Review), u.Plan.Review)
	}
	if p, g := planWrites(prev.Plan), planWrites(u.Plan); p != g {
		t.Errorf("the undo's preview writes:\n%s\nbut it applied:\n%s", p, g)
	}
	hsAfter, _ := hs.Get("meetings", fromSF[0])
	for _, f := range []string{"hs_meeting_start_time", "hs_meeting_end_time"} {
		if hsAfter.Properties[f] != hsBefore.Properties[f] {
			t.Errorf("after the undo meeting %s %s = %q, want %q", fromSF[0], f, hsAfter.Properties[f], hsBefore.Properties[f])
		}
	}
	if cs, _ := hs.Associated("meetings", fromSF[0], "contacts"); len(cs) != len(csBefore) || len(cs) != 1 || cs[0] != csBefore[0] {
		t.Errorf("after the undo meeting %s is on contacts %v, want %v", fromSF[0], cs, csBefore)
	}
	sfAfter, _ := sf.Get("Event", fromHS[1])
	for _, f := range []string{"StartDateTime", "EndDateTime", "Location", "DurationInMinutes"} {
		if sfAfter.Fields[f] != sfBefore.Fields[f] {
			t.Errorf("after the undo Event %s %s = %q, want %q", fromHS[1], f, sfAfter.Fields[f], sfBefore.Fields[f])
		}
	}
	for i := range 2 {
		r, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
		if err != nil || r.Summary.Created+r.Summary.Updated != 0 {
			t.Errorf("run %d after the undo: %v %+v\n%s", i+1, err, r.Summary, r.Plan.Summary())
		}
	}
}

// TestUndoCreatedDealEditedSince: a run copies a new HubSpot deal
// to Salesforce, and a rep then moves the Opportunity's stage and amount
// there. Undoing the run puts the Opportunity's delete to review; the
// person deciding it must be told the Opportunity was worked on since
// the run created it (which fields, as they stand), not only that the
// run created it.
func TestUndoCreatedDealEditedSince(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 47, 20)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoDealsSync("deals", "hs", "sf", "companies"))
	for _, name := range []string{"companies", "deals"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	deal, err := hs.Create("deals", map[string]string{"dealname": "Audit undo Lisbon pilot", "amount": "1200", "dealstage": "qualifiedtobuy",
		"pipeline": "default", "closedate": "2027-06-30T00:00:00.000Z"})
	if err != nil {
		t.Fatal(err)
	}
	// Another, left alone: its delete says nothing changed.
	if _, err := hs.Create("deals", map[string]string{"dealname": "Audit undo Porto pilot", "amount": "950.5", "dealstage": "presentationscheduled",
		"pipeline": "default", "closedate": "2027-07-15T00:00:00.000Z"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Created != 2 {
		t.Fatalf("deals run: %v %+v", err, res.Summary)
	}
	opp := linkedB(t, a, "deals", deal.ID)
	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Update("Opportunity", opp, map[string]string{"StageName": "Negotiation/Review", "Amount": "4800"}); err != nil {
		t.Fatal(err)
	}
	if r, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true}); err != nil || r.Summary.Updated != 1 {
		t.Fatalf("deals run after the rep's edit: %v %+v", err, r.Summary)
	}
	if _, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("undo: %v", err)
	}
	dels, err := a.Reviews(ctx, "deals", "delete", "open")
	if err != nil || len(dels) != 2 {
		t.Fatalf("delete reviews after the undo: %v %+v; want two", err, dels)
	}
	for _, it := range dels {
		t.Logf("%s %s: %s", it.Side, it.OtherID, it.Detail)
		edited := strings.Contains(it.Detail, "changed since")
		switch {
		case it.OtherID == opp && (!edited || !strings.Contains(it.Detail, "StageName") || !strings.Contains(it.Detail, "Negotiation/Review") || !strings.Contains(it.Detail, "4800")):
			t.Errorf("the undo's delete of Opportunity %s, which a rep changed since the run created it, says only %s", opp, it.Detail)
		case it.OtherID != opp && edited:
			t.Errorf("the undo's delete of Opportunity %s, which nobody changed, says %s", it.OtherID, it.Detail)
		}
	}
}

// TestUndoPipedriveTaskDoneAndPerson: a Pipedrive rep marks a
// task activity done and moves it to another person; the run completes
// the HubSpot task and moves its contact. Undoing the run puts the task's
// status and contact back in HubSpot, and the runs after write nothing
// to either CRM (the activity keeps the rep's change).
func TestUndoPipedriveTaskDoneAndPerson(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 35, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	saveSyncs(t, a, app.DemoPipedriveSync("people", "hs", "pd", ""), app.DemoPipedriveTasksSync("tasks", "hs", "pd", "people"))
	for _, name := range []string{"people", "tasks"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	contactOf := map[string]string{} // person -> HubSpot contact
	for _, l := range syncLinks(t, a, "people") {
		contactOf[l.BID] = l.AID
	}
	var task string
	var act pipedriveActivity
	for _, l := range syncLinks(t, a, "tasks") {
		n, _ := strconv.ParseInt(l.BID, 10, 64)
		x, _ := pd.GetActivity(n)
		cs, _ := hs.Associated("tasks", l.AID, "contacts")
		if !x.Done && len(x.Participants) <= 1 && len(cs) == 1 && contactOf[strconv.FormatInt(x.PersonID, 10)] == cs[0] {
			task, act = l.AID, x
			break
		}
	}
	if task == "" {
		t.Fatal("no open linked task on a linked person")
	}
	var other string
	for p := range contactOf {
		if p != strconv.FormatInt(act.PersonID, 10) {
			other = p
			break
		}
	}
	before, _ := hs.Get("tasks", task)
	csBefore, _ := hs.Associated("tasks", task, "contacts")
	time.Sleep(5 * time.Millisecond)
	pid, _ := strconv.ParseInt(other, 10, 64)
	if _, err := pd.UpdateActivity(act.ID, map[string]any{"done": true, "participants": []map[string]any{{"person_id": pid, "primary": true}}}); err != nil {
		t.Fatal(err)
	}
	res := runUpdating(ctx, t, a, "tasks", 1)
	if h, _ := hs.Get("tasks", task); h.Properties["hs_task_status"] != "COMPLETED" {
		t.Fatalf("the run left HubSpot task %s %s", task, h.Properties["hs_task_status"])
	}
	undoLogged(ctx, t, a, res.Summary.RunID)
	after, _ := hs.Get("tasks", task)
	if after.Properties["hs_task_status"] != before.Properties["hs_task_status"] {
		t.Errorf("after the undo HubSpot task %s is %s, want %s", task, after.Properties["hs_task_status"], before.Properties["hs_task_status"])
	}
	if cs, _ := hs.Associated("tasks", task, "contacts"); len(cs) != 1 || cs[0] != csBefore[0] {
		t.Errorf("after the undo HubSpot task %s is on contacts %v, want %v", task, cs, csBefore)
	}
	for i := range 2 {
		r, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
		if err != nil || r.Summary.Created+r.Summary.Updated != 0 {
			t.Errorf("run %d after the undo: %v %+v\n%s", i+1, err, r.Summary, r.Plan.Summary())
		}
	}
	if x, _ := pd.GetActivity(act.ID); !x.Done || x.PersonID != pid {
		t.Errorf("the rep's change to activity %d was overwritten: done %v person %d", act.ID, x.Done, x.PersonID)
	}
}

// TestUndoMailchimpPhoneAndRoles: a run carries a HubSpot contact's
// new phone (to E.164) and buying roles (a multi-select onto interests)
// to its Mailchimp member and a marketer's first-name edit back to
// HubSpot. The undo puts each value back as that CRM held it, and the
// runs after write nothing.
func TestUndoMailchimpPhoneAndRoles(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 531, 12, "mailchimp", "mk", app.DemoMailchimpSync("mc", "hs", "mk"))
	hs, mc := srv.HubSpot(), srv.Mailchimp()
	list := mc.DefaultListID()
	links := syncLinks(t, a, "mc")
	if len(links) < 2 {
		t.Fatalf("links: %v", links)
	}
	toMC, toHS := links[0], links[1]
	mBefore, _ := mc.Member(list, toMC.BID)
	hBefore, _ := hs.Get("contacts", toHS.AID)
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("contacts", toMC.AID, map[string]string{"phone": "(617) 555-0142", "hs_buying_role": "CHAMPION;DECISION_MAKER"}); err != nil {
		t.Fatal(err)
	}
	if _, err := mc.UpdateMember(list, toHS.BID, map[string]any{"FNAME": "Marguerite"}); err != nil {
		t.Fatal(err)
	}
	u := undoLogged(ctx, t, a, runUpdating(ctx, t, a, "mc", 2).Summary.RunID)
	if len(u.Plan.Review) != 0 || u.Summary.Failed != 0 {
		t.Errorf("undo: %+v review %+v", u.Summary, u.Plan.Review)
	}
	m, _ := mc.Member(list, toMC.BID)
	if fmt.Sprint(m.MergeFields["PHONE"]) != fmt.Sprint(mBefore.MergeFields["PHONE"]) || !slices.Equal(m.Interests, mBefore.Interests) {
		t.Errorf("after the undo member %s PHONE %v interests %v, want %v %v", toMC.BID, m.MergeFields["PHONE"], m.Interests, mBefore.MergeFields["PHONE"], mBefore.Interests)
	}
	if h, _ := hs.Get("contacts", toHS.AID); h.Properties["firstname"] != hBefore.Properties["firstname"] {
		t.Errorf("after the undo contact %s firstname %q, want %q", toHS.AID, h.Properties["firstname"], hBefore.Properties["firstname"])
	}
	for i := range 2 {
		r, err := a.Run(ctx, "mc", app.RunOptions{Confirm: true})
		if err != nil || r.Summary.Created+r.Summary.Updated != 0 {
			t.Errorf("run %d after the undo: %v %+v\n%s", i+1, err, r.Summary, r.Plan.Summary())
		}
	}
}
