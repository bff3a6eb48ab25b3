package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestDisconnectRevokeRefusedIsAWarning: the connection is gone from this
// computer and only the CRM refused the revoke; the window says so and
// what to do, not "Something went wrong" as if nothing had happened.
func TestDisconnectRevokeRefusedIsAWarning(t *testing.T) {
	l := newLive(t)
	refused := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"token already revoked"}`))
	}))
	defer refused.Close()
	for _, v := range l.srv.Vendors() {
		if v.Vendor != "hubspot" {
			continue
		}
		_, err := l.a.Connect(context.Background(), app.ConnectRequest{Vendor: "hubspot", Name: "hs", ClientID: v.ClientID, ClientSecret: v.ClientSecret,
			APIBase: v.APIBase, AuthURL: v.AuthURL, TokenURL: v.TokenURL, RevokeURL: refused.URL + "/revoke", OpenConsent: app.FollowConsent(nil)})
		if err != nil {
			t.Fatal(err)
		}
	}
	l.navigate(ScreenConnections)
	l.ui(func() { l.u.confirmDisconnect("hs", nil) })
	l.tap("Yes")
	l.wait()
	l.see("Disconnected hs")
	l.see("token already revoked")
	l.see("remove crmsync from the CRM's connected apps")
	l.ui(func() {
		if screenContains(l.u.Window(), "Something went wrong") {
			t.Error("a disconnect done here reads as a failure")
		}
	})
	if _, err := l.a.DB().Connection(context.Background(), "hs"); err == nil {
		t.Error("the connection is still stored")
	}
}
