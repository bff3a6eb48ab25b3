package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestMillisNoEcho: HubSpot keeps a datetime to the millisecond,
// Zoho to the second (yyyy-MM-ddTHH:mm:ss±HH:mm). A HubSpot meeting that
// starts at 10:15:30.123 is held by Zoho as 10:15:30: the same instant as
// far as a CRM's users can tell, so the runs after the create must write
// nothing, and the HubSpot meeting keeps its own times rather than get
// Zoho's copy written back over them as an edit made in Zoho.
func TestMillisNoEcho(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 42, 5)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zc"); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoZohoSync("contacts", "hs", "zc"), app.DemoZohoMeetingsSync("meetings", "hs", "zc", "contacts"))
	for _, name := range []string{"contacts", "meetings"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	hs := srv.HubSpot()
	const start, end = "2025-03-04T10:15:30.123Z", "2025-03-04T11:15:30.456Z"
	m, err := hs.Create("meetings", map[string]string{"hs_meeting_title": "Millisecond meeting", "hs_meeting_start_time": start, "hs_meeting_end_time": end, "hs_timestamp": start})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		time.Sleep(1100 * time.Millisecond) // Zoho's Modified_Time has one-second resolution
		res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" {
			t.Fatalf("meetings run %d: %v %+v\n%s", i, err, res.Summary, res.Plan.Summary())
		}
		want := 0
		if i == 1 {
			want = 1 // the meeting created in Zoho
		}
		if got := res.Summary.Created + res.Summary.Updated; got != want {
			t.Errorf("meetings run %d wrote %d records (%+v), want %d\n%s", i, got, res.Summary, want, res.Plan.Summary())
		}
	}
	got, _ := hs.Get("meetings", m.ID)
	if got.Properties["hs_meeting_start_time"] != start || got.Properties["hs_meeting_end_time"] != end {
		t.Errorf("HubSpot meeting %s from %s to %s, want its own %s to %s", m.ID, got.Properties["hs_meeting_start_time"], got.Properties["hs_meeting_end_time"], start, end)
	}
	for _, e := range srv.Zoho().Records("Events") {
		if e.Fields["Event_Title"] == "Millisecond meeting" && e.Fields["Start_DateTime"][:19] != start[:19] {
			t.Errorf("Zoho meeting starts %s, want %s", e.Fields["Start_DateTime"], start[:19])
		}
	}
}
