package app_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// pipedriveMeetingsAfterPeople saves the people and meetings syncs
// (HubSpot ↔ Pipedrive), runs the people sync and returns its links,
// HubSpot contact -> Pipedrive person, with the linked HubSpot ids in
// numeric order. people, if not nil, changes the people sync first.
func pipedriveMeetingsAfterPeople(t *testing.T, people func(*engine.Definition)) (*app.App, *sandbox.Server, map[string]string, []string) {
	t.Helper()
	ctx := context.Background()
	a, srv := connectedSandbox(t, 35, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	def := app.DemoPipedriveSync("people", "hs", "pd", "")
	if people != nil {
		people(&def)
	}
	saveSyncs(t, a, def, app.DemoPipedriveMeetingsSync("meetings", "hs", "pd", "people"))
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("people run: %v %+v", err, res.Summary)
	}
	partner, ids := partnersOf(t, a, "people")
	return a, srv, partner, ids
}

func pdID(t *testing.T, id string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatalf("Pipedrive id %q: %v", id, err)
	}
	return n
}

// TestPipedrivePrimaryChangeKeepsParticipant: a HubSpot meeting on
// one contact becomes a Pipedrive meeting on its person. A rep adds a
// second person to the activity in Pipedrive and makes them the primary
// participant; the first person stays a participant. HubSpot's meeting
// must keep the first person's contact, whom nobody took off the
// activity (a deletion no one asked for); the runs after write nothing,
// and the rep's participants stay as they are.
func TestPipedrivePrimaryChangeKeepsParticipant(t *testing.T) {
	ctx := context.Background()
	a, srv, partner, ids := pipedriveMeetingsAfterPeople(t, nil)
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	if len(ids) < 2 {
		t.Fatalf("%d linked contacts", len(ids))
	}
	x, z := ids[0], ids[1]
	meeting := teamMeeting(t, srv, "Onboarding kickoff", x)
	if res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("meetings run: %v %+v", err, res.Summary)
	}
	activity := eventOf(t, a, meeting)
	act, _ := pd.GetActivity(pdID(t, activity))
	if strconv.FormatInt(act.PersonID, 10) != partner[x] {
		t.Fatalf("activity %s on person %d, want %s", activity, act.PersonID, partner[x])
	}

	time.Sleep(5 * time.Millisecond)
	if _, err := pd.UpdateActivity(act.ID, map[string]any{"participants": []map[string]any{
		{"person_id": pdID(t, partner[x]), "primary": false},
		{"person_id": pdID(t, partner[z]), "primary": true},
	}}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the new primary: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	contacts, _ := hs.Associated("meetings", meeting, "contacts")
	if !slices.Contains(contacts, x) {
		t.Fatalf("HubSpot meeting %s after person %s became the primary participant beside %s: contacts %v, want %s (still a participant) kept\n%s",
			meeting, partner[z], partner[x], contacts, x, res.Plan.Summary())
	}
	for i := range 2 {
		again, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
		if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("run %d after the change: %v %+v\n%s", i+1, err, again.Summary, again.Plan.Summary())
		}
	}
	act, _ = pd.GetActivity(act.ID)
	if strconv.FormatInt(act.PersonID, 10) != partner[z] || len(act.Participants) != 2 {
		t.Fatalf("activity %s after the runs: person %d, participants %+v; want the rep's %s primary and %s kept",
			activity, act.PersonID, act.Participants, partner[z], partner[x])
	}
}

// TestPipedriveUnsyncedPrimaryParticipant: a Pipedrive meeting whose
// primary participant is a person the people sync never links (filtered
// out: a colleague with no email) and whose other participant is linked.
// The HubSpot meeting must be created on the linked person's contact, not
// wait for good for a person that will never be linked.
func TestPipedriveUnsyncedPrimaryParticipant(t *testing.T) {
	ctx := context.Background()
	a, srv, partner, ids := pipedriveMeetingsAfterPeople(t, func(d *engine.Definition) {
		d.Filters.B = append(d.Filters.B, engine.Filter{Field: "email", Op: "not-empty"})
	})
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	if len(ids) == 0 {
		t.Fatal("no linked contacts")
	}
	y := ids[0]
	colleague, err := pd.CreatePerson(map[string]any{"name": "Pat Colleague"})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("people run: %v %+v", err, res.Summary)
	}
	act, err := pd.CreateActivity(map[string]any{"subject": "Partner workshop", "type": "meeting",
		"due_date": "2026-12-10", "due_time": "15:00", "duration": "01:00",
		"participants": []map[string]any{
			{"person_id": colleague.ID, "primary": true},
			{"person_id": pdID(t, partner[y]), "primary": false},
		}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("meetings run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	var meeting string
	for _, l := range syncLinks(t, a, "meetings") {
		if l.BID == strconv.FormatInt(act.ID, 10) {
			meeting = l.AID
		}
	}
	if meeting == "" {
		t.Fatalf("Pipedrive meeting %d on persons %d (not synced) and %s (linked to contact %s) was not created in HubSpot\n%s",
			act.ID, colleague.ID, partner[y], y, res.Plan.Summary())
	}
	if contacts, _ := hs.Associated("meetings", meeting, "contacts"); !slices.Equal(contacts, []string{y}) {
		t.Fatalf("HubSpot meeting %s from activity %d: contacts %v, want [%s]\n%s", meeting, act.ID, contacts, y, res.Plan.Summary())
	}
	if again, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
	if got, _ := pd.GetActivity(act.ID); got.PersonID != colleague.ID || len(got.Participants) != 2 {
		t.Fatalf("activity %d after the runs: person %d, participants %+v; want %d primary and both kept", act.ID, got.PersonID, got.Participants, colleague.ID)
	}
}

// TestDataverseTeamMeetingRegardingMoved: a HubSpot meeting with two
// synced contacts becomes a Dataverse appointment regarding the first. A
// rep then sets the appointment regarding a third contact. HubSpot's
// meeting must take the third without losing the second (nobody removed
// it), and the runs after write nothing.
func TestDataverseTeamMeetingRegardingMoved(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 41, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	saveSyncs(t, a, app.DemoDynamicsSync("contacts", "hs", "dv", ""), app.DemoDynamicsMeetingsSync("meetings", "hs", "dv", "contacts"))
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v", err, res.Summary)
	}
	partner, ids := partnersOf(t, a, "contacts")
	if len(ids) < 3 {
		t.Fatalf("%d linked contacts", len(ids))
	}
	hs, dv := srv.HubSpot(), srv.Dynamics()
	x, y, z := ids[0], ids[1], ids[2]
	meeting := teamMeeting(t, srv, "Steering committee", x, y)
	if res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("meetings run: %v %+v", err, res.Summary)
	}
	appt := eventOf(t, a, meeting)
	if r, _ := dv.Get("appointments", appt); r.Fields["_regardingobjectid_value"] != partner[x] {
		t.Fatalf("appointment %s regarding %v, want %s", appt, r.Fields["_regardingobjectid_value"], partner[x])
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := dv.Update("appointments", appt, map[string]any{"regardingobjectid_contact_appointment@odata.bind": "/contacts(" + partner[z] + ")"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the move: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	contacts, _ := hs.Associated("meetings", meeting, "contacts")
	if !slices.Contains(contacts, y) || !slices.Contains(contacts, z) {
		t.Fatalf("HubSpot meeting %s after its appointment moved to %s: contacts %v, want %s and %s\n%s", meeting, z, contacts, y, z, res.Plan.Summary())
	}
	for i := range 2 {
		again, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
		if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("run %d after the move: %v %+v\n%s", i+1, err, again.Summary, again.Plan.Summary())
		}
	}
	if r, _ := dv.Get("appointments", appt); r.Fields["_regardingobjectid_value"] != partner[z] {
		t.Fatalf("appointment %s regarding %v after the runs, want the rep's %s", appt, r.Fields["_regardingobjectid_value"], partner[z])
	}
}
