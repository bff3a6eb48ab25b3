package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestDeletedMergeFieldIsNotABlank: an audience admin deletes the
// PHONE merge field in Mailchimp after the sync has linked its members.
// The schema held in the metadata cache (for a day) still lists PHONE, so
// the next read asks for it; Mailchimp no longer sends it. A field the
// vendor did not send is not a blank: the HubSpot contact's phone must
// stay as it is, whatever else the member changed.
func TestDeletedMergeFieldIsNotABlank(t *testing.T) {
	a, srv := syncedThrough(t, 47, 40, "mailchimp", "mc", app.DemoMailchimpSync("audience", "hs", "mc"))
	hs, mc := srv.HubSpot(), srv.Mailchimp()
	list := mc.DefaultListID()
	var contactID, memberID, phone string
	for _, l := range syncLinks(t, a, "audience") {
		h, _ := hs.Get("contacts", l.AID)
		m, ok := mc.Member(list, l.BID)
		if p := h.Properties["phone"]; ok && p != "" && m.MergeFields["PHONE"] != "" {
			contactID, memberID, phone = l.AID, l.BID, p
			break
		}
	}
	if contactID == "" {
		t.Fatal("no linked pair holds a phone on both sides")
	}

	if err := mc.DeleteMergeField(list, "PHONE"); err != nil {
		t.Fatal(err)
	}
	res, h := touchMemberAndRun(t, a, srv, list, memberID, contactID)
	if got := h.Properties["phone"]; got != phone {
		t.Errorf("HubSpot contact %s phone %q -> %q after Mailchimp's PHONE merge field was deleted: a field Mailchimp no longer sends was written as a blank\n%s",
			contactID, phone, got, res.Plan.Summary())
	}
}

// TestDeletedInterestCategoryIsNotABlank: the same for an interest
// category deleted in Mailchimp after the sync linked its members. The
// cached schema still offers the category; the member no longer lists any
// of its interests, which says nothing of HubSpot's Buying Role.
func TestDeletedInterestCategoryIsNotABlank(t *testing.T) {
	a, srv := syncedThrough(t, 47, 40, "mailchimp", "mc", app.DemoMailchimpSync("audience", "hs", "mc"))
	hs, mc := srv.HubSpot(), srv.Mailchimp()
	list := mc.DefaultListID()
	var contactID, memberID, roles string
	for _, l := range syncLinks(t, a, "audience") {
		h, _ := hs.Get("contacts", l.AID)
		m, ok := mc.Member(list, l.BID)
		if r := h.Properties["hs_buying_role"]; ok && r != "" && len(m.Interests) > 0 {
			contactID, memberID, roles = l.AID, l.BID, r
			break
		}
	}
	if contactID == "" {
		t.Fatal("no linked pair holds a buying role on both sides")
	}

	if err := mc.DeleteInterestCategory(list, sandbox.MailchimpBuyingRoleCategory); err != nil {
		t.Fatal(err)
	}
	res, h := touchMemberAndRun(t, a, srv, list, memberID, contactID)
	if got := h.Properties["hs_buying_role"]; got != roles {
		t.Errorf("HubSpot contact %s buying role %q -> %q after Mailchimp's category was deleted: a category Mailchimp no longer sends was written as a blank\n%s",
			contactID, roles, got, res.Plan.Summary())
	}
}

// touchMemberAndRun edits the member's first name in Mailchimp, runs the
// audience sync, checks the edit reached HubSpot, and returns the run and
// the HubSpot contact after it.
func touchMemberAndRun(t *testing.T, a *app.App, srv *sandbox.Server, list, memberID, contactID string) (app.RunResult, hubspot.Record) {
	t.Helper()
	time.Sleep(1100 * time.Millisecond) // last_changed has one-second resolution
	if _, err := srv.Mailchimp().UpdateMember(list, memberID, map[string]any{"FNAME": "Touched"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), "audience", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("run after the member's edit: %v", err)
	}
	h, _ := srv.HubSpot().Get("contacts", contactID)
	if h.Properties["firstname"] != "Touched" {
		t.Errorf("first name %q; the member's edit should still reach HubSpot", h.Properties["firstname"])
	}
	return res, h
}
