package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/sandbox"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestSecuredDynamicsColumnKeepsHubSpotValue: a HubSpot contact and a
// Dynamics contact are linked with the same phone; an administrator then
// secures Dynamics' telephone1 (column-level security) without read
// permission for crmsync's user, so Dataverse answers null for it, which
// "can't be distinguished" from an empty value (Microsoft Learn,
// "Column-level security with code"). The HubSpot phone survives the runs
// after, also after an unrelated edit of the Dynamics contact, whose edit
// still reaches HubSpot; the Dynamics row keeps its phone.
func TestSecuredDynamicsColumnKeepsHubSpotValue(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 38, 30, "dynamics", "dv", app.DemoDynamicsSync("dynamics", "hs", "dv", ""))
	hs, dv := srv.HubSpot(), srv.Dynamics()
	pair, phone := linkedWithPhone(t, a, srv)

	if err := dv.SecureColumn("contacts", "telephone1", dsim.FieldPermission{}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after securing: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution
	if _, err := dv.Update("contacts", pair.BID, map[string]any{"jobtitle": "Head of Treasury"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the Dynamics edit: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	h, _ := hs.Get("contacts", pair.AID)
	if h.Properties["phone"] != phone {
		t.Errorf("HubSpot contact %s phone %q after the runs; want %q kept", pair.AID, h.Properties["phone"], phone)
	}
	if h.Properties["jobtitle"] != "Head of Treasury" {
		t.Errorf("HubSpot contact %s title %q; want the Dynamics edit", pair.AID, h.Properties["jobtitle"])
	}
	if d, _ := dv.Get("contacts", pair.BID); d.Fields["telephone1"] == nil {
		t.Errorf("Dynamics contact %s lost its phone", pair.BID)
	}
	if again, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", pair.AID); h.Properties["phone"] != phone {
		t.Errorf("HubSpot contact %s phone %q in the end; want %q", pair.AID, h.Properties["phone"], phone)
	}
}

// TestSecuredDynamicsColumnRefusedWriteIsNotSignIn: with Dynamics'
// telephone1 secured, readable but not updatable by crmsync's user, a
// HubSpot phone edit reaches Dataverse, which refuses that contact with 403
// and AttributePermissionUpdateIsMissingDuringUpdate (0x8004F507, the web
// service error codes). The run names the contact and Dataverse's code and
// message; the other edit of the run is written; and the Dynamics
// connection is not marked for a reconnect, since its sign-in is fine.
func TestSecuredDynamicsColumnRefusedWriteIsNotSignIn(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 39, 30, "dynamics", "dv", app.DemoDynamicsSync("dynamics", "hs", "dv", ""))
	hs, dv := srv.HubSpot(), srv.Dynamics()
	pair, _ := linkedWithPhone(t, a, srv)
	var other store.LinkRow
	for _, l := range syncLinks(t, a, "dynamics") {
		if l.BID != pair.BID {
			other = l
			break
		}
	}
	if err := dv.SecureColumn("contacts", "telephone1", dsim.FieldPermission{Read: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("contacts", pair.AID, map[string]string{"phone": "+1 206 555 0188"}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("contacts", other.AID, map[string]string{"firstname": "Renamed"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "partial" || res.Summary.Failed != 1 {
		t.Fatalf("run: %v %+v, want the phone write refused alone\n%s", err, res.Summary, res.Plan.Summary())
	}
	if d, _ := dv.Get("contacts", other.BID); d.Fields["firstname"] != "Renamed" {
		t.Errorf("Dynamics contact %s first name %v; want the other edit written", other.BID, d.Fields["firstname"])
	}
	detail, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil || len(detail.Errors) != 1 {
		t.Fatalf("run errors: %+v %v", detail.Errors, err)
	}
	if e := detail.Errors[0]; e.RecordID != pair.BID || e.Code != "0x8004f507" || e.Field != "telephone1" || !strings.Contains(e.Message, "secured attribute") {
		t.Errorf("error %+v: want contact %s, telephone1 and Dataverse's 0x8004f507 with its message", e, pair.BID)
	}
	conn, err := a.DB().Connection(ctx, "dv")
	if err != nil {
		t.Fatal(err)
	}
	if conn.Status != "connected" {
		t.Errorf("connection dv status %q (%s) after a field permission refusal; its sign-in is fine", conn.Status, conn.StatusDetail)
	}
}

// linkedWithPhone is a linked pair whose HubSpot and Dynamics contacts
// both have a phone, with the HubSpot phone.
func linkedWithPhone(t *testing.T, a *app.App, srv *sandbox.Server) (store.LinkRow, string) {
	t.Helper()
	for _, l := range syncLinks(t, a, "dynamics") {
		h, _ := srv.HubSpot().Get("contacts", l.AID)
		d, _ := srv.Dynamics().Get("contacts", l.BID)
		if h.Properties["phone"] != "" && d.Fields["telephone1"] != nil {
			return l, h.Properties["phone"]
		}
	}
	t.Fatal("no linked pair with a phone on both sides")
	return store.LinkRow{}, ""
}
