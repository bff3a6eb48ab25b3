package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestDynamicsCreatePrivilegeIsNotSignIn: crmsync's Dataverse user
// has a security role without prvCreateContact. New HubSpot contacts
// synced towards Dynamics are refused with 403 and PrivilegeDenied
// (0x80040220), whose message names the missing privilege and the table;
// the HubSpot edit of a linked contact in the same run is written. The run
// names each refused contact with Dataverse's words, and the Dynamics
// connection is not marked for a reconnect: its sign-in is fine, and
// connecting again grants no privilege.
func TestDynamicsCreatePrivilegeIsNotSignIn(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 41, 30, "dynamics", "dv", app.DemoDynamicsSync("dynamics", "hs", "dv", ""))
	hs, dv := srv.HubSpot(), srv.Dynamics()
	if err := dv.DenyCreate("contacts", true); err != nil {
		t.Fatal(err)
	}
	emails := []string{"ivy.new@perm-audit.io", "jon.new@perm-audit.io"}
	for _, e := range emails {
		if _, err := hs.Create("contacts", map[string]string{"email": e, "firstname": "New", "lastname": "Person"}); err != nil {
			t.Fatal(err)
		}
	}
	pair := syncLinks(t, a, "dynamics")[0]
	if _, err := hs.Update("contacts", pair.AID, map[string]string{"firstname": "Renamed"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true})
	if err != nil || res.Summary == nil {
		t.Fatalf("run: %v", err)
	}
	if res.Summary.Status != "partial" || res.Summary.Failed != len(emails) {
		t.Errorf("run %+v; want partial with the %d creates refused", res.Summary, len(emails))
	}
	if d, _ := dv.Get("contacts", pair.BID); d.Fields["firstname"] != "Renamed" {
		t.Errorf("Dynamics contact %s first name %v; want the other edit written", pair.BID, d.Fields["firstname"])
	}
	detail, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range detail.Errors {
		if e.Code != "0x80040220" || !strings.Contains(e.Message, "prvCreateContact") {
			t.Errorf("error %+v: want Dataverse's 0x80040220 naming prvCreateContact", e)
		}
	}
	conn, err := a.DB().Connection(ctx, "dv")
	if err != nil {
		t.Fatal(err)
	}
	if conn.Status != "connected" {
		t.Errorf("connection dv status %q (%s) after a missing create privilege; its sign-in is fine", conn.Status, conn.StatusDetail)
	}
}
