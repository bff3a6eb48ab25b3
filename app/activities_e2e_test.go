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
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// activityKind is one kind of activity synced between HubSpot and
// Salesforce, each linked to its contact.
type activityKind struct {
	def                func(name, hs, sf, contacts string) engine.Definition
	hsObject, sfObject string
	// differ describes how a linked pair disagrees, or returns "".
	differ func(h hubspot.Record, s salesforce.Record) string
}

var activityKinds = map[string]activityKind{
	"tasks": {def: app.DemoTasksSync, hsObject: "tasks", sfObject: "Task",
		differ: func(h hubspot.Record, s salesforce.Record) string {
			statusOf := map[string]string{"Not Started": "NOT_STARTED", "In Progress": "IN_PROGRESS", "Completed": "COMPLETED",
				"Waiting on someone else": "WAITING", "Deferred": "DEFERRED"}
			if h.Properties["hs_task_subject"] != s.Fields["Subject"] || statusOf[s.Fields["Status"]] != h.Properties["hs_task_status"] {
				return fmt.Sprintf("(%q, %s) against (%q, %s)", h.Properties["hs_task_subject"], h.Properties["hs_task_status"], s.Fields["Subject"], s.Fields["Status"])
			}
			if s.Fields["TaskSubtype"] != "Task" {
				return "a Task of subtype " + s.Fields["TaskSubtype"] + " synced as a task"
			}
			return ""
		}},
	// A call is a Task of subtype Call; its duration is milliseconds in
	// HubSpot and whole seconds in Salesforce.
	"calls": {def: app.DemoCallsSync, hsObject: "calls", sfObject: "Task",
		differ: func(h hubspot.Record, s salesforce.Record) string {
			ms, _ := strconv.Atoi(h.Properties["hs_call_duration"])
			direction := map[string]string{"INBOUND": "Inbound", "OUTBOUND": "Outbound"}[h.Properties["hs_call_direction"]]
			switch {
			case s.Fields["TaskSubtype"] != "Call":
				return "a call synced with a Task of subtype " + s.Fields["TaskSubtype"]
			case h.Properties["hs_call_title"] != s.Fields["Subject"] || direction != s.Fields["CallType"]:
				return fmt.Sprintf("(%q, %s) against (%q, %s)", h.Properties["hs_call_title"], h.Properties["hs_call_direction"], s.Fields["Subject"], s.Fields["CallType"])
			case h.Properties["hs_call_duration"] == "" || s.Fields["CallDurationInSeconds"] != strconv.Itoa(int(math.Round(float64(ms)/1000))):
				return fmt.Sprintf("%s ms against %s s", h.Properties["hs_call_duration"], s.Fields["CallDurationInSeconds"])
			case h.Properties["hs_call_status"] == "NO_ANSWER" && s.Fields["Status"] != "Completed":
				return "an unanswered call logged as " + s.Fields["Status"]
			}
			return ""
		}},
	// A meeting's start and end are one instant each side; HubSpot dates
	// the activity at its start, Salesforce keeps the duration in step.
	"meetings": {def: app.DemoMeetingsSync, hsObject: "meetings", sfObject: "Event",
		differ: func(h hubspot.Record, s salesforce.Record) string {
			start, end := instant(h.Properties["hs_meeting_start_time"]), instant(h.Properties["hs_meeting_end_time"])
			switch {
			case h.Properties["hs_meeting_title"] != s.Fields["Subject"] || h.Properties["hs_meeting_location"] != s.Fields["Location"]:
				return fmt.Sprintf("(%q at %q) against (%q at %q)", h.Properties["hs_meeting_title"], h.Properties["hs_meeting_location"], s.Fields["Subject"], s.Fields["Location"])
			case start.IsZero() || !start.Equal(instant(s.Fields["StartDateTime"])) || !end.Equal(instant(s.Fields["EndDateTime"])):
				return fmt.Sprintf("%s–%s against %s–%s", h.Properties["hs_meeting_start_time"], h.Properties["hs_meeting_end_time"], s.Fields["StartDateTime"], s.Fields["EndDateTime"])
			case !start.Equal(instant(h.Properties["hs_timestamp"])):
				return fmt.Sprintf("activity date %s, start %s", h.Properties["hs_timestamp"], h.Properties["hs_meeting_start_time"])
			case s.Fields["DurationInMinutes"] != fmt.Sprint(int(end.Sub(start).Minutes())):
				return fmt.Sprintf("Event duration %s for %s–%s", s.Fields["DurationInMinutes"], s.Fields["StartDateTime"], s.Fields["EndDateTime"])
			}
			return ""
		}},
}

// instant reads a HubSpot or Salesforce datetime; the zero time if it is
// none.
func instant(v string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// TestActivitiesSyncEndToEnd syncs HubSpot tasks with Salesforce Tasks,
// HubSpot meetings with Salesforce Events and HubSpot calls with Salesforce
// Tasks of subtype Call over real HTTP after the contacts
// sync: each activity is created once on the other side with its fields
// mapped and linked to the contact linked to its own (HubSpot: the
// activity's contact association; Salesforce: WhoId); the next run writes
// nothing; a Salesforce activity moved to another Contact moves the HubSpot
// one to the linked contact, replacing the old association rather than
// adding one; and the run after writes nothing.
func TestActivitiesSyncEndToEnd(t *testing.T) {
	for name, kind := range activityKinds {
		t.Run(name, func(t *testing.T) {
			testActivitySync(t, name, kind)
		})
	}
}

func testActivitySync(t *testing.T, name string, kind activityKind) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 41, 60)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), kind.def(name, "hs", "sf", "contacts"))
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v", err, res)
	}
	sfContactOf, linkedSF := map[string]string{}, map[string]bool{} // HubSpot contact -> Salesforce Contact
	for _, l := range syncLinks(t, a, "contacts") {
		sfContactOf[l.AID], linkedSF[l.BID] = l.BID, true
	}
	first, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("%s run: %v %+v\n%s", name, err, first, first.Plan.Summary())
	}
	if c := first.Plan.Counts; c.CreateA == 0 || c.CreateB == 0 {
		t.Fatalf("%s run: %+v, want activities created on both sides\n%s", name, c, first.Plan.Summary())
	}
	checked, waiting := 0, 0
	var moved [2]string // an activity created in HubSpot: HubSpot id, Salesforce id
	for _, l := range syncLinks(t, a, name) {
		h, _ := hs.Get(kind.hsObject, l.AID)
		s, _ := sf.Get(kind.sfObject, l.BID)
		contacts, _ := hs.Associated(kind.hsObject, l.AID, "contacts")
		if d := kind.differ(h, s); d != "" {
			t.Errorf("%s %s linked to %s %s: %s", kind.hsObject, l.AID, kind.sfObject, l.BID, d)
		}
		if who := s.Fields["WhoId"]; who != "" && !linkedSF[who] {
			// Its Contact is not linked (held for review by the contacts
			// sync): the reference waits, and nothing is guessed.
			if len(contacts) > 0 && l.CreatedBy == "a" {
				t.Errorf("%s %s created with contacts %v for an activity whose Contact %s is not linked", kind.hsObject, l.AID, contacts, who)
			}
			waiting++
			continue
		}
		if len(contacts) != 1 || sfContactOf[contacts[0]] != s.Fields["WhoId"] {
			t.Errorf("%s %s with contacts %v; its %s %s has WhoId %q", kind.hsObject, l.AID, contacts, kind.sfObject, l.BID, s.Fields["WhoId"])
			continue
		}
		checked++
		if l.CreatedBy == "a" && moved[0] == "" {
			moved = [2]string{l.AID, l.BID}
		}
	}
	if checked == 0 || moved[0] == "" {
		t.Fatalf("%d linked activities with their contact, moved %v", checked, moved)
	}
	if waiting > 0 && first.Plan.Counts.WaitingLink == 0 {
		t.Fatalf("%d activities' contacts are not linked, yet the plan says none wait", waiting)
	}
	if again, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second %s run: %v %+v\n%s", name, err, again.Summary, again.Plan.Summary())
	}

	// Move the Salesforce activity to another linked Contact.
	s, _ := sf.Get(kind.sfObject, moved[1])
	var toHS, toSF string
	for h, c := range sfContactOf {
		if c != s.Fields["WhoId"] {
			toHS, toSF = h, c
			break
		}
	}
	if _, err := sf.Update(kind.sfObject, moved[1], map[string]string{"WhoId": toSF}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Updated != 1 {
		t.Fatalf("run after the move: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if contacts, _ := hs.Associated(kind.hsObject, moved[0], "contacts"); len(contacts) != 1 || contacts[0] != toHS {
		t.Fatalf("HubSpot %s %s after its %s moved: contacts %v, want only %s", kind.hsObject, moved[0], kind.sfObject, contacts, toHS)
	}
	for i := range 2 {
		if again, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("run %d after the move: %v %+v\n%s", i+1, err, again.Summary, again.Plan.Summary())
		}
	}
}

// TestMeetingWithoutEndFails: a HubSpot meeting with no end time cannot
// become a Salesforce Event, which needs an end or a duration. The run is
// partial, not a success; the failure names the meeting, the field and
// Salesforce's own message; nothing else is lost, and the meeting is
// created once its end is set.
func TestMeetingWithoutEndFails(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 43, 40)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoMeetingsSync("meetings", "hs", "sf", "contacts"))
	open, err := hs.Create("meetings", map[string]string{"hs_meeting_title": "Open-ended review", "hs_meeting_start_time": "2026-12-10T15:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	events := sf.Count("Event")
	res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "partial" || res.Summary.Failed != 1 {
		t.Fatalf("run: %v %+v, want partial with one failure", err, res.Summary)
	}
	if got := sf.Count("Event"); got != events+res.Plan.Counts.CreateB-1 {
		t.Errorf("Salesforce has %d Events, want %d: every other meeting created", got, events+res.Plan.Counts.CreateB-1)
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil || len(d.Errors) != 1 {
		t.Fatalf("run errors: %+v %v", d.Errors, err)
	}
	e := d.Errors[0]
	if e.RecordID != open.ID || !strings.Contains(e.Message, "DurationInMinutes") || e.Code != "REQUIRED_FIELD_MISSING" {
		t.Fatalf("error %+v: want meeting %s, REQUIRED_FIELD_MISSING and DurationInMinutes named", e, open.ID)
	}
	if _, err := hs.Update("meetings", open.ID, map[string]string{"hs_meeting_end_time": "2026-12-10T15:45:00Z"}); err != nil {
		t.Fatal(err)
	}
	res, err = a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Created != 1 {
		t.Fatalf("run after the end was set: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	for _, l := range syncLinks(t, a, "meetings") {
		if l.AID == open.ID {
			if ev, _ := sf.Get("Event", l.BID); ev.Fields["DurationInMinutes"] != "45" {
				t.Fatalf("Event %s: duration %q, want 45", l.BID, ev.Fields["DurationInMinutes"])
			}
			return
		}
	}
	t.Fatalf("meeting %s is not linked after its end was set", open.ID)
}

// TestReferenceToDeletedContactWaits: a Contact deleted in Salesforce (the
// delete not propagated) keeps its link in the contacts sync, but a task
// must not point at it: Salesforce refuses a WhoId in the recycle bin
// (ENTITY_IS_DELETED). A HubSpot task on that contact's partner is created
// in Salesforce without a contact, its reference waits and the plan says
// so, and the run succeeds.
func TestReferenceToDeletedContactWaits(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 47, 40)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoTasksSync("tasks", "hs", "sf", "contacts"))
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v", err, res.Summary)
	}
	pair := syncLinks(t, a, "contacts")[0]
	if !sf.Delete("Contact", pair.BID) {
		t.Fatalf("delete Contact %s", pair.BID)
	}
	task, err := hs.Create("tasks", map[string]string{"hs_task_subject": "Send the contract", "hs_timestamp": "2026-12-10T09:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hs.SeedAssociations("tasks", "contacts", map[string]string{task.ID: pair.AID}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("contacts run after the delete: %v", err)
	}
	res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Failed != 0 {
		t.Fatalf("tasks run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if res.Plan.Counts.WaitingLink == 0 {
		t.Fatalf("the plan says no reference waits\n%s", res.Plan.Summary())
	}
	for _, l := range syncLinks(t, a, "tasks") {
		if l.AID == task.ID {
			if st, _ := sf.Get("Task", l.BID); st.Fields["Subject"] != "Send the contract" || st.Fields["WhoId"] != "" {
				t.Fatalf("Task %s: %v, want the task without a contact", l.BID, st.Fields)
			}
			return
		}
	}
	t.Fatalf("task %s was not created in Salesforce", task.ID)
}
