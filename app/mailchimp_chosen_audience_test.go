package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// deleteAudienceOverAPI deletes a Mailchimp audience as its admin would
// through the Marketing API (DELETE /3.0/lists/{list_id}, 204 No Content).
func deleteAudienceOverAPI(t *testing.T, srv *sandbox.Server, listID string) {
	t.Helper()
	var base, token string
	for _, v := range srv.Vendors() {
		if v.Vendor == "mailchimp" {
			base, token = v.APIBase, v.AccessToken
		}
	}
	req, err := http.NewRequest(http.MethodDelete, base+"/3.0/lists/"+listID, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE list %s: %s, want 204", listID, resp.Status)
	}
}

// TestChosenAudienceDeletedOverAPI: a two-way sync, deletes
// propagated, of an audience chosen by id ("members:<list id>"), not the
// account's default. Its admin deletes the audience through the API. The
// next runs fail naming the audience (its name and id) and what to do,
// not a bare 404; and nothing is lost: no HubSpot contact is deleted or
// held for delete, every link stays.
func TestChosenAudienceDeletedOverAPI(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 64, 8)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc"); err != nil {
		t.Fatalf("connect mailchimp: %v", err)
	}
	mc, hs := srv.Mailchimp(), srv.HubSpot()
	partners := mc.CreateList("Partners")
	def := plainMailchimpSync("partners")
	def.B.Object = "members:" + partners
	def.Safety.PropagateDeletes = true
	saveSyncs(t, a, def)
	if first, err := a.Run(ctx, "partners", app.RunOptions{Confirm: true}); err != nil || first.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, first.Summary)
	}
	links, contacts := len(syncLinks(t, a, "partners")), hs.Count("contacts")
	if links == 0 || mc.Count(partners) != links {
		t.Fatalf("first run: %d links, %d members in Partners", links, mc.Count(partners))
	}
	deleteAudienceOverAPI(t, srv, partners)
	for i := range 2 { // the second run finds no cached metadata left
		res, err := a.Run(ctx, "partners", app.RunOptions{Confirm: true})
		text := runOutcome(res, err)
		t.Logf("run %d after the delete: %s", i+1, text)
		if err == nil && (res.Summary == nil || res.Summary.Status == "success") {
			t.Fatalf("run %d after the delete succeeded: %+v", i+1, res.Summary)
		}
		for _, want := range []string{partners, `"Partners"`, "choose another audience"} {
			if !strings.Contains(text, want) {
				t.Errorf("run %d: the error does not say %q:\n%s", i+1, want, text)
			}
		}
	}
	if n := hs.Count("contacts"); n != contacts {
		t.Errorf("HubSpot holds %d contacts after the run, %d before", n, contacts)
	}
	if n := len(syncLinks(t, a, "partners")); n != links {
		t.Errorf("%d links after the run, %d before", n, links)
	}
	held, err := a.Reviews(ctx, "partners", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 0 {
		t.Errorf("the run put %d items to review (first: %+v), want none", len(held), held[0])
	}
}
