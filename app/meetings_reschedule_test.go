package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// meetingRunErrors runs sync name once and returns the run's status and
// its errors' text, one line each.
func meetingRunErrors(t *testing.T, a *app.App, name string) (string, []string) {
	t.Helper()
	ctx := context.Background()
	res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("%s run: %v", name, err)
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range d.Errors {
		lines = append(lines, e.Side+" "+e.RecordID+" "+e.Field+" "+e.Code+": "+e.Message)
	}
	t.Logf("%s run: %+v\n%s\nerrors: %v", name, res.Summary, res.Plan.Summary(), lines)
	return res.Summary.Status, lines
}

// TestMeetingOverFourteenDaysRefused: Salesforce refuses an Event
// longer than 14 days. A HubSpot meeting of 15 days must fail by name,
// the run partial, the meeting kept in HubSpot.
func TestMeetingOverFourteenDaysRefused(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 43, 5)
	hs := srv.HubSpot()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoMeetingsSync("meetings", "hs", "sf", "contacts"))
	for _, n := range []string{"contacts", "meetings"} {
		if res, err := a.Run(ctx, n, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", n, err, res.Summary)
		}
	}
	m, err := hs.Create("meetings", map[string]string{"hs_meeting_title": "Trade fair fortnight", "hs_meeting_start_time": "2026-06-01T08:00:00Z",
		"hs_meeting_end_time": "2026-06-16T08:00:00Z", "hs_timestamp": "2026-06-01T08:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	status, errs := meetingRunErrors(t, a, "meetings")
	if status == "success" || len(errs) != 1 || !strings.Contains(errs[0], m.ID) || !strings.Contains(errs[0], "DurationInMinutes FIELD_INTEGRITY_EXCEPTION: Duration must be between 0 and 20160 minutes") {
		t.Fatalf("run %s with errors %v; want one error naming meeting %s, the field and Salesforce's message", status, errs, m.ID)
	}
	if h, _ := hs.Get("meetings", m.ID); h.Properties["hs_meeting_end_time"] == "" {
		t.Fatalf("meeting %s lost its end", m.ID)
	}
}

// TestMeetingEndBeforeStart: a HubSpot meeting whose end is before
// its start, synced to Salesforce and Zoho: each refuses by name, and
// the other meetings go through.
func TestMeetingEndBeforeStart(t *testing.T) {
	for _, vendor := range []string{"salesforce", "zoho"} {
		t.Run(vendor, func(t *testing.T) {
			ctx := context.Background()
			a, srv := connectedSandbox(t, 44, 5)
			var contacts, meetings = app.DemoSync("contacts", "hs", "sf"), app.DemoMeetingsSync("meetings", "hs", "sf", "contacts")
			switch vendor {
			case "zoho":
				if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zc"); err != nil {
					t.Fatal(err)
				}
				contacts, meetings = app.DemoZohoSync("contacts", "hs", "zc"), app.DemoZohoMeetingsSync("meetings", "hs", "zc", "contacts")
			}
			saveSyncs(t, a, contacts, meetings)
			for _, n := range []string{"contacts", "meetings"} {
				if res, err := a.Run(ctx, n, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
					t.Fatalf("%s run: %v %+v", n, err, res.Summary)
				}
			}
			m, err := srv.HubSpot().Create("meetings", map[string]string{"hs_meeting_title": "Backwards review", "hs_meeting_start_time": "2026-06-01T10:00:00Z",
				"hs_meeting_end_time": "2026-06-01T09:00:00Z", "hs_timestamp": "2026-06-01T10:00:00Z"})
			if err != nil {
				t.Fatal(err)
			}
			ok, err := srv.HubSpot().Create("meetings", map[string]string{"hs_meeting_title": "Forwards review", "hs_meeting_start_time": "2026-06-02T10:00:00Z",
				"hs_meeting_end_time": "2026-06-02T11:00:00Z", "hs_timestamp": "2026-06-02T10:00:00Z"})
			if err != nil {
				t.Fatal(err)
			}
			status, errs := meetingRunErrors(t, a, "meetings")
			if status != "partial" || len(errs) != 1 || !strings.Contains(errs[0], m.ID) {
				t.Errorf("run %s with errors %v; want partial, one error naming meeting %s", status, errs, m.ID)
			}
			found := false
			for _, l := range syncLinks(t, a, "meetings") {
				found = found || l.AID == ok.ID
			}
			if !found {
				t.Errorf("the good meeting %s was not synced", ok.ID)
			}
		})
	}
}

// TestUndoPipedriveMeetingMove: a run carries a Pipedrive
// activity's move a day earlier and half an hour longer to its HubSpot
// meeting (start, and end through endat). Undoing it puts the HubSpot
// meeting back as it was; the runs after write nothing.
func TestUndoPipedriveMeetingMove(t *testing.T) {
	ctx := context.Background()
	a, srv, id, act := meetingsWithPipedrive(t)
	before := readMeetingPair(t, srv, id, act)
	start := before.start.Add(-24 * time.Hour)
	m := int(before.end.Sub(before.start).Minutes()) + 30
	if _, err := srv.Pipedrive().UpdateActivity(act, map[string]any{"due_date": start.UTC().Format("2006-01-02"),
		"duration": fmtClock(m)}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	moved := readMeetingPair(t, srv, id, act)
	t.Logf("before %s | %s; moved %s | %s", before.hubspot, before.pipedrive, moved.hubspot, moved.pipedrive)
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	t.Logf("undo: %+v review %+v\n%s", u.Summary, u.Plan.Review, u.Plan.Summary())
	after := readMeetingPair(t, srv, id, act)
	if after.hubspot != before.hubspot {
		t.Errorf("after the undo HubSpot has %s, want %s", after.hubspot, before.hubspot)
	}
	for i := range 2 {
		time.Sleep(1100 * time.Millisecond)
		r, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
		if err != nil || r.Summary.Created+r.Summary.Updated != 0 {
			t.Errorf("run %d after the undo: %v %+v\n%s", i+1, err, r.Summary, r.Plan.Summary())
		}
	}
	final := readMeetingPair(t, srv, id, act)
	t.Logf("final %s | %s", final.hubspot, final.pipedrive)
}

// linkedEventMeeting saves the demo contacts and meetings syncs between
// HubSpot (hs) and Salesforce (sf), creates a Salesforce Event on
// 2026-06-01 10:00-11:00 UTC and runs contacts, then meetings twice, each
// of which must succeed; it returns the Event's id and its linked HubSpot
// meeting's.
func linkedEventMeeting(t *testing.T, a *app.App, srv *sandbox.Server) (eventID, meetingID string) {
	t.Helper()
	ctx := context.Background()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoMeetingsSync("meetings", "hs", "sf", "contacts"))
	ev, err := srv.Salesforce().Create("Event", map[string]string{"Subject": "Quarterly review", "StartDateTime": "2026-06-01T10:00:00.000+0000", "EndDateTime": "2026-06-01T11:00:00.000+0000"})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"contacts", "meetings", "meetings"} {
		if res, err := a.Run(ctx, n, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", n, err, res.Summary)
		}
	}
	return ev.ID, linkedA(t, a, "meetings", ev.ID)
}

// moveEventAWeekLater moves linkedEventMeeting's Salesforce Event to
// 2026-06-08 10:00-11:00 UTC, as a person rescheduling it would.
func moveEventAWeekLater(t *testing.T, srv *sandbox.Server, eventID string) {
	t.Helper()
	if _, err := srv.Salesforce().Update("Event", eventID, map[string]string{"StartDateTime": "2026-06-08T10:00:00.000+0000", "EndDateTime": "2026-06-08T11:00:00.000+0000"}); err != nil {
		t.Fatal(err)
	}
}

func fmtClock(m int) string { return time.Date(0, 1, 1, m/60, m%60, 0, 0, time.UTC).Format("15:04") }

// TestRescheduledEventMovesActivityDate: a Salesforce Event moved a
// week later moves its HubSpot meeting, and the meeting's activity date
// (hs_timestamp, where HubSpot's timeline places it) with it, not left
// at the old date.
func TestRescheduledEventMovesActivityDate(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 43, 5)
	hs := srv.HubSpot()
	evID, id := linkedEventMeeting(t, a, srv)
	time.Sleep(5 * time.Millisecond)
	moveEventAWeekLater(t, srv, evID)
	for i := range 3 {
		res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || i > 0 && res.Summary.Updated+res.Summary.Created != 0 {
			t.Fatalf("run %d: %v %+v\n%s", i, err, res.Summary, res.Plan.Summary())
		}
	}
	h, _ := hs.Get("meetings", id)
	if s, at := instant(h.Properties["hs_meeting_start_time"]), instant(h.Properties["hs_timestamp"]); !s.Equal(instant("2026-06-08T10:00:00Z")) || !at.Equal(s) {
		t.Fatalf("HubSpot meeting %s starts %s, activity date %s; want both 2026-06-08T10:00:00Z", id, h.Properties["hs_meeting_start_time"], h.Properties["hs_timestamp"])
	}
}

// TestPipedriveRescheduleMovesActivityDate: as
// TestRescheduledEventMovesActivityDate, the activity moved in
// Pipedrive.
func TestPipedriveRescheduleMovesActivityDate(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	a, srv, id, act := meetingsWithPipedrive(t)
	before := readMeetingPair(t, srv, id, act)
	start := movePipedriveActivityADayEarlier(t, srv, act, before.start)
	runMeetings(t, a, 3, 2)
	h, _ := srv.HubSpot().Get("meetings", id)
	if at := instant(h.Properties["hs_timestamp"]); !at.Equal(start) {
		t.Fatalf("HubSpot meeting %s starts %s, activity date %s; want both %s", id, h.Properties["hs_meeting_start_time"], h.Properties["hs_timestamp"], start)
	}
}
