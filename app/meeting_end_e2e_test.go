package app_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// meetingsWithPipedrive connects Pipedrive beside HubSpot, saves the demo
// people and meetings syncs, settles them and returns a linked meeting's
// HubSpot and Pipedrive ids.
func meetingsWithPipedrive(t *testing.T) (*app.App, *sandbox.Server, string, int64) {
	t.Helper()
	ctx := context.Background()
	a, srv := connectedSandbox(t, 35, 20)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	saveSyncs(t, a, app.DemoPipedriveSync("people", "hs", "pd", ""), app.DemoPipedriveMeetingsSync("meetings", "hs", "pd", "people"))
	for _, n := range []string{"people", "meetings", "meetings"} {
		if res, err := a.Run(ctx, n, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", n, err, res.Summary)
		}
	}
	// Pipedrive's update_time has whole seconds, and a record read in the
	// second it is edited again is not read again (timecursor): edits
	// start in the next second.
	time.Sleep(1100 * time.Millisecond)
	for _, l := range syncLinks(t, a, "meetings") {
		h, _ := srv.HubSpot().Get("meetings", l.AID)
		if h.Properties["hs_meeting_end_time"] == "" {
			continue
		}
		n, _ := strconv.ParseInt(l.BID, 10, 64)
		return a, srv, l.AID, n
	}
	t.Fatal("no linked meeting with an end")
	return nil, nil, "", 0
}

// movePipedriveActivityADayEarlier moves Pipedrive activity act's due
// date to the day before start (its meeting's start), as a person
// rescheduling it would; it returns the meeting's new start.
func movePipedriveActivityADayEarlier(t *testing.T, srv *sandbox.Server, act int64, start time.Time) time.Time {
	t.Helper()
	start = start.Add(-24 * time.Hour)
	if _, err := srv.Pipedrive().UpdateActivity(act, map[string]any{"due_date": start.UTC().Format("2006-01-02")}); err != nil {
		t.Fatal(err)
	}
	return start
}

// runMeetings runs the meetings sync n times; runs from settleBy on must
// write nothing.
func runMeetings(t *testing.T, a *app.App, n, settleBy int) {
	t.Helper()
	for run := 1; run <= n; run++ {
		res, err := a.Run(context.Background(), "meetings", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" {
			t.Fatalf("run %d: %v %+v\n%s", run, err, res.Summary, res.Plan.Summary())
		}
		t.Logf("run %d: %+v\n%s", run, res.Summary, res.Plan.Summary())
		if w := res.Summary.Updated + res.Summary.Created; run >= settleBy && w != 0 {
			t.Errorf("run %d still wrote %d records", run, w)
		}
	}
}

func instantOf(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

// TestRescheduledMeetingKeepsItsEnd: a person moves a synced meeting
// a day later in HubSpot (start and end both move, as HubSpot's calendar
// does). The activity in Pipedrive must move with it, and the meeting
// must keep the end the person gave it: the activity's old start and
// length must not be written back over it as an end before the new start.
func TestRescheduledMeetingKeepsItsEnd(t *testing.T) {
	a, srv, id, act := meetingsWithPipedrive(t)
	hs := srv.HubSpot()
	h, _ := hs.Get("meetings", id)
	start := instantOf(t, h.Properties["hs_meeting_start_time"]).Add(24 * time.Hour)
	end := instantOf(t, h.Properties["hs_meeting_end_time"]).Add(24 * time.Hour)
	if _, err := hs.Update("meetings", id, map[string]string{
		"hs_meeting_start_time": start.Format(time.RFC3339), "hs_meeting_end_time": end.Format(time.RFC3339)}); err != nil {
		t.Fatal(err)
	}
	runMeetings(t, a, 3, 2)
	h, _ = hs.Get("meetings", id)
	if got := instantOf(t, h.Properties["hs_meeting_end_time"]); !got.Equal(end) {
		t.Errorf("meeting %s ends at %s after the sync, the person set %s (start %s)", id, got, end, start)
	}
	p, _ := srv.Pipedrive().GetActivity(act)
	if want := start.UTC().Format("2006-01-02 15:04"); p.DueDate+" "+p.DueTime != want {
		t.Errorf("activity %d due %s %s, want %s", act, p.DueDate, p.DueTime, want)
	}
}

// meetingPair is a linked meeting as both CRMs hold it: HubSpot's start
// and end, Pipedrive's due date and time and length.
type meetingPair struct {
	start, end         time.Time
	due, duration      string
	hubspot, pipedrive string
}

func readMeetingPair(t *testing.T, srv *sandbox.Server, id string, act int64) meetingPair {
	t.Helper()
	h, _ := srv.HubSpot().Get("meetings", id)
	p, _ := srv.Pipedrive().GetActivity(act)
	return meetingPair{start: instantOf(t, h.Properties["hs_meeting_start_time"]), end: instantOf(t, h.Properties["hs_meeting_end_time"]),
		due: p.DueDate + " " + p.DueTime, duration: p.Duration,
		hubspot: h.Properties["hs_meeting_start_time"] + "–" + h.Properties["hs_meeting_end_time"], pipedrive: p.DueDate + " " + p.DueTime + " for " + p.Duration}
}

// wantMeeting checks both CRMs hold the meeting from start to end.
func wantMeeting(t *testing.T, srv *sandbox.Server, id string, act int64, start, end time.Time) {
	t.Helper()
	got := readMeetingPair(t, srv, id, act)
	m := int(end.Sub(start).Minutes())
	if !got.start.Equal(start) || !got.end.Equal(end) || got.due != start.UTC().Format("2006-01-02 15:04") ||
		got.duration != fmt.Sprintf("%02d:%02d", m/60, m%60) {
		t.Errorf("after the sync HubSpot has %s and Pipedrive %s; want %s–%s in both",
			got.hubspot, got.pipedrive, start.Format(time.RFC3339), end.Format(time.RFC3339))
	}
}

// TestMeetingLengthenedInHubSpotReachesPipedrive: a person moves only
// the end of a synced meeting in HubSpot, half an hour later. Pipedrive's
// length must grow, and the meeting keep its new end.
func TestMeetingLengthenedInHubSpotReachesPipedrive(t *testing.T) {
	a, srv, id, act := meetingsWithPipedrive(t)
	before := readMeetingPair(t, srv, id, act)
	end := before.end.Add(30 * time.Minute)
	if _, err := srv.HubSpot().Update("meetings", id, map[string]string{"hs_meeting_end_time": end.Format(time.RFC3339)}); err != nil {
		t.Fatal(err)
	}
	runMeetings(t, a, 3, 2)
	wantMeeting(t, srv, id, act, before.start, end)
}

// TestMeetingRescheduledInPipedriveMovesBothEnds: a person moves a
// synced activity a day earlier in Pipedrive, its length kept. The
// HubSpot meeting must move with it, start and end.
func TestMeetingRescheduledInPipedriveMovesBothEnds(t *testing.T) {
	a, srv, id, act := meetingsWithPipedrive(t)
	before := readMeetingPair(t, srv, id, act)
	start := movePipedriveActivityADayEarlier(t, srv, act, before.start)
	runMeetings(t, a, 3, 2)
	wantMeeting(t, srv, id, act, start, before.end.Add(-24*time.Hour))
}

// TestMeetingLengthenedInPipedriveReachesHubSpot: a person makes a
// synced activity half an hour longer in Pipedrive. The HubSpot meeting
// must end half an hour later, and Pipedrive keep the new length.
func TestMeetingLengthenedInPipedriveReachesHubSpot(t *testing.T) {
	a, srv, id, act := meetingsWithPipedrive(t)
	before := readMeetingPair(t, srv, id, act)
	end := before.end.Add(30 * time.Minute)
	m := int(end.Sub(before.start).Minutes())
	if _, err := srv.Pipedrive().UpdateActivity(act, map[string]any{"duration": fmt.Sprintf("%02d:%02d", m/60, m%60)}); err != nil {
		t.Fatal(err)
	}
	runMeetings(t, a, 3, 2)
	wantMeeting(t, srv, id, act, before.start, end)
}

// TestMeetingWithSecondsKeepsItsLength: a HubSpot meeting whose start
// carries seconds (15:00:40, as an API client or a Salesforce Event sets
// it) is synced with a Pipedrive activity, whose start has whole minutes.
// Each later edit of the meeting's notes merges the pair again; the
// meeting's end must not move a minute earlier each time.
func TestMeetingWithSecondsKeepsItsLength(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	a, srv, id, act := meetingsWithPipedrive(t)
	hs := srv.HubSpot()
	before := readMeetingPair(t, srv, id, act)
	start := before.start.Truncate(time.Minute).Add(40 * time.Second)
	if _, err := hs.Update("meetings", id, map[string]string{"hs_meeting_start_time": start.Format(time.RFC3339),
		"hs_meeting_end_time": start.Add(time.Hour).Format(time.RFC3339)}); err != nil {
		t.Fatal(err)
	}
	runMeetings(t, a, 2, 2)
	settled := readMeetingPair(t, srv, id, act)
	for edit := 1; edit <= 3; edit++ {
		time.Sleep(1100 * time.Millisecond) // a later second, as a person's edit comes
		if _, err := hs.Update("meetings", id, map[string]string{"hs_meeting_body": fmt.Sprintf("agenda v%d", edit)}); err != nil {
			t.Fatal(err)
		}
		runMeetings(t, a, 1, 2)
		if got := readMeetingPair(t, srv, id, act); !got.end.Equal(settled.end) || got.duration != settled.duration {
			t.Fatalf("after notes edit %d HubSpot has %s and Pipedrive %s; after the first sync they were %s and %s",
				edit, got.hubspot, got.pipedrive, settled.hubspot, settled.pipedrive)
		}
	}
}
