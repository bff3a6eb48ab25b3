package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// authOf is the sandbox's OAuth server of vendor.
func authOf(srv *sandbox.Server, vendor string) *simkit.AuthServer {
	switch vendor {
	case "hubspot":
		return srv.HubSpot().Auth()
	case "salesforce":
		return srv.Salesforce().Auth()
	case "zoho":
		return srv.Zoho().Auth()
	case "klaviyo":
		return srv.Klaviyo().Auth()
	}
	return nil
}

// TestOAuthReconnectRevokesFormerGrant: signing in again (OAuth
// after OAuth) left the former grant valid at the vendor: a refresh token
// nothing would ever use or revoke. Each vendor with a documented revoke
// endpoint now revokes it once the new grant is saved; the new one works.
func TestOAuthReconnectRevokesFormerGrant(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 311, 3)
	for _, vendor := range []string{"hubspot", "salesforce", "zoho", "klaviyo"} {
		t.Run(vendor, func(t *testing.T) {
			a, keys := auditApp(t)
			if _, err := a.ConnectSandbox(ctx, srv, vendor, "crm"); err != nil {
				t.Fatal(err)
			}
			former := storedRefreshToken(t, keys, "crm")
			if _, err := a.ConnectSandbox(ctx, srv, vendor, "crm"); err != nil {
				t.Fatal(err)
			}
			now := storedRefreshToken(t, keys, "crm")
			vendorAuth := authOf(srv, vendor)
			if now == former {
				t.Fatalf("the sandbox handed the same refresh token twice")
			}
			if vendorAuth.RefreshValid(former) {
				t.Errorf("%s: the grant replaced by signing in again still refreshes; it should be revoked", vendor)
			}
			if !vendorAuth.RefreshValid(now) {
				t.Errorf("%s: the new grant was revoked", vendor)
			}
			if _, err := a.ObjectChoices(ctx, "crm"); err != nil {
				t.Errorf("%s: the connection does not work after signing in again: %v", vendor, err)
			}
		})
	}
}

// TestReconnectRevokeFailureIsLoggedNotFatal: a vendor that fails
// the former grant's revoke does not undo the new sign-in; the failure is
// in the log, naming the connection, without a token.
func TestReconnectRevokeFailureIsLoggedNotFatal(t *testing.T) {
	ctx := context.Background()
	hs := sandboxHubSpot(t, 312)
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"server_error","error_description":"revoke is down"}`, http.StatusInternalServerError)
	}))
	defer down.Close()
	a, keys, logged := warnLoggedApp(t)
	req := hubspotSignIn(hs, down.URL+"/revoke")
	if _, err := a.Connect(ctx, req); err != nil {
		t.Fatal(err)
	}
	former := storedRefreshToken(t, keys, "hs")
	req.RevokeURL = hs.RevokeURL
	if _, err := a.Connect(ctx, req); err != nil {
		t.Fatalf("signing in again failed on the former grant's revoke: %v", err)
	}
	out := logged.String()
	if !strings.Contains(out, "connection=hs") || !strings.Contains(out, "revoke is down") {
		t.Errorf("the failed revoke of the former grant is not logged with the connection and the vendor's words:\n%s", out)
	}
	if strings.Contains(out, former) || strings.Contains(out, storedRefreshToken(t, keys, "hs")) {
		t.Errorf("the log holds a refresh token:\n%s", out)
	}
	if _, err := a.ObjectChoices(ctx, "hs"); err != nil {
		t.Errorf("the connection does not work after signing in again: %v", err)
	}
}
