package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// readyMadeTasks connects HubSpot (its portal in zone) and Salesforce,
// saves the ready-made syncs between them as Try the sandbox makes them,
// and returns the app, the sandbox and the note about due dates.
func readyMadeTasks(t *testing.T, seed int64, zone string) (*app.App, *sandbox.Server, string) {
	t.Helper()
	a, srv := connectedSandbox(t, seed, 6)
	srv.HubSpot().SetTimeZone(zone)
	defs, note := a.ReadyMadeSyncs(context.Background(), app.DemoConnections{HubSpot: "hs", Salesforce: "sf",
		Pipedrive: "pd", Zoho: "zc", Dynamics: "dv", Mailchimp: "mc", Klaviyo: "kl", Brevo: "br"})
	for _, def := range defs {
		if def.A.Connection == "hs" && def.B.Connection == "sf" {
			saveSyncs(t, a, def)
		}
	}
	return a, srv, note
}

func runTasks(t *testing.T, a *app.App) {
	t.Helper()
	res, err := a.Run(context.Background(), "demo-tasks", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Failed != 0 {
		t.Fatalf("tasks run: %v %+v", err, res.Summary)
	}
}

// TestTaskDueDateInPortalZone: a Tokyo portal's task due 10 December
// at 8:00 AM (HubSpot's default due time), 2026-12-09T23:00Z, is due on
// 10 December in Salesforce too, not a day early.
func TestTaskDueDateInPortalZone(t *testing.T) {
	a, srv, _ := readyMadeTasks(t, 61, "Asia/Tokyo")
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if _, err := hs.Create("tasks", map[string]string{"hs_task_subject": "Call Tokyo back", "hs_timestamp": "2026-12-09T23:00:00Z"}); err != nil {
		t.Fatal(err)
	}
	runTasks(t, a)
	for _, r := range sf.Records("Task") {
		if r.Fields["Subject"] == "Call Tokyo back" {
			if got := r.Fields["ActivityDate"]; got != "2026-12-10" {
				t.Fatalf("Salesforce Task due %s, want 2026-12-10 (the day the Tokyo portal shows)", got)
			}
			return
		}
	}
	t.Fatal("the task was not created in Salesforce")
}

// TestSalesforceDueDateReachesPortalDay: a Salesforce Task due 10
// December reaches a New York portal (named the legacy way, US/Eastern,
// as HubSpot may answer) on 10 December there, not at midnight UTC,
// which HubSpot shows as 9 December, 7 PM.
func TestSalesforceDueDateReachesPortalDay(t *testing.T) {
	a, srv, note := readyMadeTasks(t, 62, "US/Eastern")
	if note != "" {
		t.Fatalf("note with a readable zone: %s", note)
	}
	hs, sf := srv.HubSpot(), srv.Salesforce()
	task, err := sf.Create("Task", map[string]string{"Subject": "Renewal in New York", "ActivityDate": "2026-12-10",
		"Status": "Not Started", "Priority": "Normal"})
	if err != nil {
		t.Fatal(err)
	}
	runTasks(t, a)
	ny, _ := time.LoadLocation("America/New_York")
	for _, r := range hs.Records("tasks") {
		if r.Properties["hs_task_subject"] == "Renewal in New York" {
			ts, err := time.Parse(time.RFC3339, r.Properties["hs_timestamp"])
			if err != nil {
				t.Fatalf("hs_timestamp %q: %v", r.Properties["hs_timestamp"], err)
			}
			if got := ts.In(ny).Format("2006-01-02 15:04"); !strings.HasPrefix(got, "2026-12-10") {
				t.Fatalf("HubSpot task due %s (%s in the portal), want 10 December", r.Properties["hs_timestamp"], got)
			}
			runTasks(t, a) // and it does not come back as a change
			if got, _ := sf.Get("Task", task.ID); got.Fields["ActivityDate"] != "2026-12-10" {
				t.Fatalf("ActivityDate after a second run: %s", got.Fields["ActivityDate"])
			}
			return
		}
	}
	t.Fatal("the Task was not created in HubSpot")
}

// TestUnreadableZoneFallsBackToUTC: a portal whose time zone cannot
// be read keeps due dates in UTC and says so.
func TestUnreadableZoneFallsBackToUTC(t *testing.T) {
	_, _, note := readyMadeTasks(t, 63, "Mars/Olympus_Mons")
	if !strings.Contains(note, "UTC") || !strings.Contains(note, "Mars/Olympus_Mons") {
		t.Fatalf("note: %q, want one naming the zone and UTC", note)
	}
}

// TestDealCloseDateInPortalZone: a Tokyo portal's deal closing on 10
// December (HubSpot keeps a datetime, here 2026-12-09T23:00Z, and shows
// the day in the portal's zone) closes on 10 December in Salesforce, and
// the run after writes nothing.
func TestDealCloseDateInPortalZone(t *testing.T) {
	ctx := context.Background()
	a, srv, _ := readyMadeTasks(t, 64, "Asia/Tokyo")
	hs, sf := srv.HubSpot(), srv.Salesforce()
	deal, err := hs.Create("deals", map[string]string{"dealname": "Tokyo expansion", "amount": "9000", "dealstage": "qualifiedtobuy",
		"pipeline": "default", "closedate": "2026-12-09T23:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{app.DemoCompaniesName, app.DemoDealsName} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Failed != 0 {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	for _, l := range syncLinks(t, a, app.DemoDealsName) {
		if l.AID != deal.ID {
			continue
		}
		if o, _ := sf.Get("Opportunity", l.BID); o.Fields["CloseDate"] != "2026-12-10" {
			t.Fatalf("Opportunity %s closes %s, want 2026-12-10 (the day the Tokyo portal shows)", l.BID, o.Fields["CloseDate"])
		}
		if again, err := a.Run(ctx, app.DemoDealsName, app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("second deals run: %v %+v", err, again.Summary)
		}
		return
	}
	t.Fatal("the HubSpot deal was not linked to an Opportunity")
}
