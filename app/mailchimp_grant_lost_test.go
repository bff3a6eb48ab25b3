package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestMailchimpGrantLostMidRunStops: Mailchimp's access token stops
// working as the first write leaves (its tokens never expire and come with
// no refresh token, so this is a revoked grant). The run must stop asking
// for a reconnect, not fail every member as a server error to retry; after
// reconnecting the next run writes the rest with no duplicate.
func TestMailchimpGrantLostMidRunStops(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 31, 8, [2]string{"hubspot", "hs"}, [2]string{"mailchimp", "v"})
	saveSyncs(t, a, app.DemoMailchimpSync("s", "hs", "v"))
	var once atomic.Bool
	match := firstWrite("mailchimp")
	tr.setHook(func(r *http.Request) {
		if match(r) && once.CompareAndSwap(false, true) {
			srv.Mailchimp().Auth().ExpireAllAccess()
		}
	})
	res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
	t.Logf("run: %v %+v %v", err, res.Summary, res.Failures)
	if !once.Load() {
		t.Fatal("the run wrote nothing to Mailchimp")
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if res.Summary != nil {
		msg += " | " + res.Summary.Status + " " + res.Summary.Message
	}
	if err == nil && (res.Summary.Status == "success" || res.Summary.Stopped == nil) {
		t.Errorf("the run with Mailchimp's sign-in gone: %s; want it stopped", msg)
	}
	if !strings.Contains(msg, "reconnect") {
		t.Errorf("the run's outcome %q does not ask for a reconnect", msg)
	}
	for _, g := range res.Failures {
		if g.Category == "server" {
			t.Errorf("the lost sign-in failed records as a server error: %s", g.Line())
		}
	}
	if st, d := connStatus(t, a, "v"); st != "reconnect" {
		t.Errorf("connection v: %q (%s); want reconnect", st, d)
	}
	tr.setHook(nil)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "v"); err != nil {
		t.Fatalf("reconnect: %v", err)
	}
	for range 2 {
		res, err = a.Run(ctx, "s", app.RunOptions{Confirm: true})
		t.Logf("run after reconnecting: %v %+v", err, res.Summary)
	}
	if err != nil || res.Summary.Status != "success" || res.Summary.Created+res.Summary.Updated != 0 {
		t.Errorf("the runs after reconnecting did not settle: %v %+v", err, res.Summary)
	}
	if n := srv.HubSpot().Count("contacts"); n != len(syncLinks(t, a, "s")) {
		t.Errorf("%d HubSpot contacts, %d links", n, len(syncLinks(t, a, "s")))
	}
}
