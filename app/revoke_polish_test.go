package app_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestBrevoDisconnectSendsNoRevoke: Brevo documents no revoke
// endpoint, yet a Brevo OAuth connection's disconnect posted its refresh
// token to a guessed .../oauth/revoke, which answers 404, so every
// disconnect ended with "the vendor did not confirm the revoke". It now
// sends no revoke call and reports no failure.
func TestBrevoDisconnectSendsNoRevoke(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 411, 3)
	a, _, logged := warnLoggedApp(t)
	if _, err := a.ConnectSandbox(ctx, srv, "brevo", "bv"); err != nil {
		t.Fatal(err)
	}
	if err := a.Disconnect(ctx, "bv"); err != nil {
		t.Errorf("disconnecting a Brevo connection reported: %v", err)
	}
	for endpoint, n := range srv.Brevo().Stats() {
		if strings.Contains(endpoint, "revoke") {
			t.Errorf("the disconnect sent %d call(s) to %q; Brevo has no revoke endpoint", n, endpoint)
		}
	}
	if strings.Contains(logged.String(), "revoke") {
		t.Errorf("the log warns of a revoke Brevo cannot do:\n%s", logged)
	}
}

// TestRevokeHasItsOwnDeadline: a revoke endpoint that never answers
// held the disconnect for the whole HTTP client timeout (60 s by default,
// here 10 min) while the user waited. The revoke now gives up on its own
// deadline, and the log and the error say it timed out.
func TestRevokeHasItsOwnDeadline(t *testing.T) {
	ctx := context.Background()
	hs := sandboxHubSpot(t, 412)
	a, _, logged := warnLoggedAppWithin(t, 10*time.Minute)
	if _, err := a.Connect(ctx, hubspotSignIn(hs, silentRevokeServer(t).URL+"/revoke")); err != nil {
		t.Fatal(err)
	}
	err := a.Disconnect(ctx, "hs")
	if err == nil || !strings.Contains(err.Error(), "revoke timed out") {
		t.Errorf("disconnect error = %v; want the revoke's own deadline to say it timed out", err)
	}
	if !strings.Contains(logged.String(), "connection=hs") || !strings.Contains(logged.String(), "revoke timed out") {
		t.Errorf("the unanswered revoke is not logged as timed out:\n%s", logged)
	}
}
