package app_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestRevokeRefusedWithHTTP200IsUnconfirmed: Zoho Accounts answers
// its token endpoint's refusals with HTTP 200 and {"error": …} (the
// sandbox's tokenError), and documents its revoke as {"status":"success"}
// (Revoking a Refresh token). A revoke answered 200 with an error, or
// with a status other than success, was not done: the disconnect must say
// the revoke is unconfirmed, naming the vendor's words, not succeed.
// A 200 {"status":"success"} still confirms it.
func TestRevokeRefusedWithHTTP200IsUnconfirmed(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 317, 3)
	zv := sandboxVendor(t, srv.Vendors(), "zoho")
	for _, tc := range []struct {
		name, body, words string
	}{
		{"error", `{"error":"invalid_token"}`, "invalid_token"},
		{"failure", `{"status":"failure","message":"token not revoked"}`, "token not revoked"},
		{"success", `{"status":"success"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, keys, _ := warnLoggedApp(t)
			revoke := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tc.body))
			}))
			defer revoke.Close()
			req := app.ConnectRequest{Vendor: "zoho", Name: "zh", ClientID: zv.ClientID, ClientSecret: zv.ClientSecret,
				APIBase: zv.APIBase, AuthURL: zv.AuthURL, TokenURL: zv.TokenURL, RevokeURL: revoke.URL + "/oauth/v2/token/revoke", OpenConsent: app.FollowConsent(nil)}
			if _, err := a.Connect(ctx, req); err != nil {
				t.Fatal(err)
			}
			access, refresh := storedGrant(t, keys, "zh")
			err := a.Disconnect(ctx, "zh")
			var unconfirmed *app.RevokeUnconfirmedError
			if tc.words == "" {
				if err != nil {
					t.Fatalf("a revoke answered 200 success: %v", err)
				}
				return
			}
			if !errors.As(err, &unconfirmed) || !strings.Contains(err.Error(), tc.words) {
				t.Fatalf("a revoke answered 200 %s: %v, want the revoke unconfirmed with Zoho's words", tc.body, err)
			}
			if strings.Contains(err.Error(), refresh) || strings.Contains(err.Error(), access) {
				t.Errorf("the error holds a token: %v", err)
			}
		})
	}
}

// TestApprovedDeleteOfRecordGoneInZohoIsDone: a HubSpot contact is
// archived in a sync that propagates deletes, and its Zoho partner's
// delete, held for review, is approved; the user deletes the Zoho contact
// by hand between the plan and the write. Zoho answers the delete with
// INVALID_DATA "record not deleted" (deleteRecords' 207 example): the
// record is gone, which is what was approved, so the run counts it
// deleted and fails nothing, and the approval is no longer waiting.
func TestApprovedDeleteOfRecordGoneInZohoIsDone(t *testing.T) {
	ctx := context.Background()
	def := app.DemoZohoSync("s", "hs", "zc")
	def.Safety.PropagateDeletes = true
	a, srv := syncedThrough(t, 43, 6, "zoho", "zc", def)
	hs, zc := srv.HubSpot(), srv.Zoho()
	l := syncLinks(t, a, "s")[0]
	if !hs.Archive("contacts", l.AID) {
		t.Fatal("could not archive the HubSpot contact")
	}
	if _, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	rs, err := a.Reviews(ctx, "s", "delete", "open")
	if err != nil || len(rs) != 1 {
		t.Fatalf("held deletes: %d %v, want the Zoho partner's", len(rs), err)
	}
	if err := a.Decide(ctx, rs[0].ID, engine.Decision{Action: "delete"}); err != nil {
		t.Fatal(err)
	}
	progress, deleted := deleteWhenPlanned(t, func() error { return zc.Delete("Contacts", l.BID) })
	res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	if !*deleted {
		t.Fatal("the Zoho contact was not deleted between plan and write")
	}
	if s := res.Summary; s.Failed != 0 || s.Status != "success" || s.Deleted != 1 {
		t.Fatalf("run after approving the delete of a contact already gone in Zoho: %+v, want 1 deleted and none failed\n%s", s, res.Plan.Summary())
	}
	if left, _ := a.Reviews(ctx, "s", "delete", "decided"); len(left) != 0 {
		t.Fatalf("%d approved deletes still waiting", len(left))
	}
}
