package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestAllDayEventReachesPortalDay: a Salesforce all-day Event on 10
// December (stored at midnight GMT) reaches a New York portal as a
// meeting over that whole day there, not one starting 9 December at
// 7 PM; the runs after write nothing and the Event stays all-day on its
// day.
func TestAllDayEventReachesPortalDay(t *testing.T) {
	ctx := context.Background()
	a, srv, _ := readyMadeTasks(t, 64, "America/New_York")
	hs, sf := srv.HubSpot(), srv.Salesforce()
	ev, err := sf.Create("Event", map[string]string{"Subject": "Offsite day", "IsAllDayEvent": "true", "ActivityDate": "2026-12-10"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		res, err := a.Run(ctx, "demo-meetings", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || i > 0 && res.Summary.Updated+res.Summary.Created != 0 {
			t.Fatalf("run %d: %v %+v\n%s", i, err, res.Summary, res.Plan.Summary())
		}
	}
	id := linkedA(t, a, "demo-meetings", ev.ID)
	h, _ := hs.Get("meetings", id)
	ny, _ := time.LoadLocation("America/New_York")
	start, end := instantOf(t, h.Properties["hs_meeting_start_time"]).In(ny), instantOf(t, h.Properties["hs_meeting_end_time"]).In(ny)
	if got := start.Format("2006-01-02 15:04") + " – " + end.Format("2006-01-02 15:04"); got != "2026-12-10 00:00 – 2026-12-11 00:00" {
		t.Errorf("HubSpot meeting %s runs %s in the portal, want the whole of 10 December", id, got)
	}
	if got, _ := sf.Get("Event", ev.ID); got.Fields["IsAllDayEvent"] != "true" || got.Fields["ActivityDate"] != "2026-12-10" || got.Fields["DurationInMinutes"] != "1440" {
		t.Errorf("Event after the runs: %v", got.Fields)
	}
}

// TestAllDayEventMovedInHubSpot: a Tokyo portal's meeting made from
// an all-day Event on 10 December is moved in HubSpot. Moved onto the
// whole of 14 December there (from 13 December, 15:00 UTC), the Event
// stays all-day and moves to the 14th, not the 13th (the UTC date); moved
// to 14 December 10:00 to 11:00, it becomes that timed slot, as HubSpot
// has no all-day meeting. The runs after settle, the meeting keeps what
// the person set, and undoing the run puts the Event back on 10 December.
func TestAllDayEventMovedInHubSpot(t *testing.T) {
	for _, tc := range []struct {
		name, start, end      string
		allDay, sfStart, mins string
	}{
		{"whole day", "2026-12-13T15:00:00Z", "2026-12-14T15:00:00Z", "true", "2026-12-14T00:00:00.000+0000", "1440"},
		{"two days", "2026-12-13T15:00:00Z", "2026-12-15T15:00:00Z", "true", "2026-12-14T00:00:00.000+0000", "2880"},
		{"timed", "2026-12-14T01:00:00Z", "2026-12-14T02:00:00Z", "false", "2026-12-14T01:00:00.000+0000", "60"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			a, srv, _ := readyMadeTasks(t, 65, "Asia/Tokyo")
			hs, sf := srv.HubSpot(), srv.Salesforce()
			ev, err := sf.Create("Event", map[string]string{"Subject": "Tokyo offsite", "IsAllDayEvent": "true", "ActivityDate": "2026-12-10"})
			if err != nil {
				t.Fatal(err)
			}
			if res, err := a.Run(ctx, "demo-meetings", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
				t.Fatalf("first run: %v %+v", err, res.Summary)
			}
			id := linkedA(t, a, "demo-meetings", ev.ID)
			time.Sleep(5 * time.Millisecond)
			if _, err := hs.Update("meetings", id, map[string]string{"hs_meeting_start_time": tc.start, "hs_meeting_end_time": tc.end}); err != nil {
				t.Fatal(err)
			}
			var moved int64
			for i := range 3 {
				res, err := a.Run(ctx, "demo-meetings", app.RunOptions{Confirm: true})
				if err != nil || res.Summary.Status != "success" || i > 0 && res.Summary.Updated+res.Summary.Created != 0 {
					t.Fatalf("run %d: %v %+v\n%s", i, err, res.Summary, res.Plan.Summary())
				}
				if i == 0 {
					moved = res.Summary.RunID
				}
			}
			// An edit of another field does not bring other times back.
			time.Sleep(5 * time.Millisecond)
			if _, err := sf.Update("Event", ev.ID, map[string]string{"Location": "Shinjuku"}); err != nil {
				t.Fatal(err)
			}
			if res, err := a.Run(ctx, "demo-meetings", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
				t.Fatalf("location run: %v %+v", err, res.Summary)
			}
			got, _ := sf.Get("Event", ev.ID)
			if got.Fields["IsAllDayEvent"] != tc.allDay || got.Fields["StartDateTime"] != tc.sfStart || got.Fields["DurationInMinutes"] != tc.mins {
				t.Errorf("Event after the move: all-day %s from %s for %s minutes; want all-day %s from %s for %s",
					got.Fields["IsAllDayEvent"], got.Fields["StartDateTime"], got.Fields["DurationInMinutes"], tc.allDay, tc.sfStart, tc.mins)
			}
			h, _ := hs.Get("meetings", id)
			if s, e := instantOf(t, h.Properties["hs_meeting_start_time"]), instantOf(t, h.Properties["hs_meeting_end_time"]); !s.Equal(instantOf(t, tc.start)) || !e.Equal(instantOf(t, tc.end)) {
				t.Errorf("HubSpot meeting %s runs %s – %s, want %s – %s as the person set it", id, s, e, tc.start, tc.end)
			}
			if res, err := a.Undo(ctx, moved, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
				t.Fatalf("undo run %d: %v %+v", moved, err, res.Summary)
			}
			if got, _ := sf.Get("Event", ev.ID); got.Fields["IsAllDayEvent"] != "true" || got.Fields["ActivityDate"] != "2026-12-10" || got.Fields["DurationInMinutes"] != "1440" {
				t.Errorf("Event after undo: all-day %s on %s for %s; want all-day on 2026-12-10 for 1440",
					got.Fields["IsAllDayEvent"], got.Fields["ActivityDate"], got.Fields["DurationInMinutes"])
			}
		})
	}
}

// TestPipedriveDayOnlyMeeting: a Pipedrive meeting on 10 December
// with no time of day (due_date alone, an all-day activity) reaches a New
// York portal as a meeting starting 10 December there, not in review as
// "not a date and time"; the runs after write nothing and the activity
// keeps no time.
func TestPipedriveDayOnlyMeeting(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 66, 5)
	srv.HubSpot().SetTimeZone("America/New_York")
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatal(err)
	}
	act, err := srv.Pipedrive().CreateActivity(map[string]any{"subject": "Trade show day", "type": "meeting", "due_date": "2026-12-10"})
	if err != nil {
		t.Fatal(err)
	}
	defs, _ := a.ReadyMadeSyncs(ctx, app.DemoConnections{HubSpot: "hs", Salesforce: "sf", Pipedrive: "pd"})
	for _, def := range defs {
		if def.B.Connection == "pd" {
			saveSyncs(t, a, def)
		}
	}
	if res, err := a.Run(ctx, app.DemoPipedriveContactsName, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("people run: %v %+v", err, res.Summary)
	}
	for i := range 3 {
		res, err := a.Run(ctx, "demo-hubspot-pipedrive-meetings", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || res.Summary.Review != 0 || i > 0 && res.Summary.Updated+res.Summary.Created != 0 {
			rv, _ := a.Reviews(ctx, "demo-hubspot-pipedrive-meetings", "", "")
			t.Fatalf("run %d: %v %+v\n%s\nreview: %+v", i, err, res.Summary, res.Plan.Summary(), rv)
		}
	}
	ny, _ := time.LoadLocation("America/New_York")
	for _, r := range srv.HubSpot().Records("meetings") {
		if r.Properties["hs_meeting_title"] == "Trade show day" {
			if s := instantOf(t, r.Properties["hs_meeting_start_time"]).In(ny).Format("2006-01-02 15:04"); s != "2026-12-10 00:00" {
				t.Errorf("HubSpot meeting starts %s in the portal, want 10 December 00:00", s)
			}
			if got, _ := srv.Pipedrive().GetActivity(act.ID); got.DueDate != "2026-12-10" || got.DueTime != "" {
				t.Errorf("activity after the runs: due %q at %q", got.DueDate, got.DueTime)
			}
			return
		}
	}
	t.Fatalf("activity %d not in HubSpot", act.ID)
}
