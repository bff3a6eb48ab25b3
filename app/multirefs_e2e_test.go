package app_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// meetingsAfterContacts saves the contacts and meetings syncs, runs the
// contacts sync and returns its links, HubSpot contact -> Salesforce
// Contact, with the linked HubSpot ids in numeric order.
func meetingsAfterContacts(t *testing.T, seed int64) (*app.App, *sandbox.Server, map[string]string, []string) {
	t.Helper()
	a, srv := connectedSandbox(t, seed, 60)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoMeetingsSync("meetings", "hs", "sf", "contacts"))
	if res, err := a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v", err, res.Summary)
	}
	partner, ids := partnersOf(t, a, "contacts")
	return a, srv, partner, ids
}

// partnersOf returns the links of sync, A id -> B id, and its linked A
// ids in numeric order.
func partnersOf(t *testing.T, a *app.App, sync string) (map[string]string, []string) {
	t.Helper()
	partner := map[string]string{}
	var ids []string
	for _, l := range syncLinks(t, a, sync) {
		partner[l.AID] = l.BID
		ids = append(ids, l.AID)
	}
	slices.SortFunc(ids, func(x, y string) int { n, _ := strconv.Atoi(x); m, _ := strconv.Atoi(y); return n - m })
	return partner, ids
}

// teamMeeting creates a HubSpot meeting associated with each of contacts.
func teamMeeting(t *testing.T, srv *sandbox.Server, title string, contacts ...string) string {
	t.Helper()
	hs := srv.HubSpot()
	m, err := hs.Create("meetings", map[string]string{"hs_meeting_title": title,
		"hs_meeting_start_time": "2026-12-10T15:00:00Z", "hs_meeting_end_time": "2026-12-10T16:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range contacts {
		if err := hs.SeedAssociations("meetings", "contacts", map[string]string{m.ID: c}); err != nil {
			t.Fatal(err)
		}
	}
	return m.ID
}

// eventOf returns the Salesforce Event the meetings sync links to meeting.
func eventOf(t *testing.T, a *app.App, meeting string) string {
	t.Helper()
	for _, l := range syncLinks(t, a, "meetings") {
		if l.AID == meeting {
			return l.BID
		}
	}
	t.Fatalf("meeting %s is not linked", meeting)
	return ""
}

// TestMovedEventKeepsOtherAttendees: a HubSpot meeting with two
// synced contacts (a team meeting) becomes a Salesforce Event on the first.
// A rep then puts the Event on a third contact. HubSpot's meeting must
// take the third contact without losing the second, whom nobody took off
// it (a deletion no one asked for), and the runs after must write nothing
// (the rep's choice is not written back over).
func TestMovedEventKeepsOtherAttendees(t *testing.T) {
	ctx := context.Background()
	a, srv, partner, ids := meetingsAfterContacts(t, 41)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if len(ids) < 3 {
		t.Fatalf("%d linked contacts", len(ids))
	}
	x, y, z := ids[0], ids[1], ids[2]
	meeting := teamMeeting(t, srv, "Quarterly review with the buying team", x, y)
	if res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("meetings run: %v %+v", err, res.Summary)
	}
	event := eventOf(t, a, meeting)
	if ev, _ := sf.Get("Event", event); ev.Fields["WhoId"] != partner[x] {
		t.Fatalf("Event %s on %q, want %s", event, ev.Fields["WhoId"], partner[x])
	}

	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Update("Event", event, map[string]string{"WhoId": partner[z]}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the move: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	contacts, _ := hs.Associated("meetings", meeting, "contacts")
	if !slices.Contains(contacts, y) || !slices.Contains(contacts, z) {
		t.Fatalf("HubSpot meeting %s after its Event moved to %s: contacts %v, want %s (the rep's) and %s (nobody removed it) kept",
			meeting, z, contacts, z, y)
	}
	for i := range 2 {
		again, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
		if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("run %d after the move: %v %+v\n%s", i+1, err, again.Summary, again.Plan.Summary())
		}
	}
	if ev, _ := sf.Get("Event", event); ev.Fields["WhoId"] != partner[z] {
		t.Fatalf("Event %s on %q after the runs, want the rep's %s", event, ev.Fields["WhoId"], partner[z])
	}
}

// TestMeetingOnUnsyncedAndSyncedContact: a HubSpot meeting with two
// contacts, the older of which the contacts sync does not link (a
// colleague's address it never syncs), the other linked. The Salesforce
// Event must be on the linked contact, not created without a contact
// waiting for good for one that will never be linked.
func TestMeetingOnUnsyncedAndSyncedContact(t *testing.T) {
	ctx := context.Background()
	a, srv, partner, ids := meetingsAfterContacts(t, 41)
	sf := srv.Salesforce()
	// An unlinked HubSpot contact older (lower id) than a linked one.
	var unlinked, linked string
	for _, c := range srv.HubSpot().Records("contacts") {
		id := c.ID
		if partner[id] != "" {
			continue
		}
		n, _ := strconv.Atoi(id)
		for _, l := range ids {
			if m, _ := strconv.Atoi(l); m > n {
				unlinked, linked = id, l
				break
			}
		}
		if unlinked != "" {
			break
		}
	}
	if unlinked == "" {
		t.Fatal("no unlinked HubSpot contact older than a linked one")
	}
	meeting := teamMeeting(t, srv, "Site visit", unlinked, linked)
	res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("meetings run: %v %+v", err, res.Summary)
	}
	event := eventOf(t, a, meeting)
	if ev, _ := sf.Get("Event", event); ev.Fields["WhoId"] != partner[linked] {
		t.Fatalf("Event %s for a meeting on contacts %s (not synced) and %s (linked to %s): WhoId %q\n%s",
			event, unlinked, linked, partner[linked], ev.Fields["WhoId"], res.Plan.Summary())
	}
	if again, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}
