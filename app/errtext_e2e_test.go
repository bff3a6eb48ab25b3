package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// TestNetworkGoneErrorText: a run whose CRM cannot be reached says so
// once, naming the vendor and the endpoint, without a repeated prefix or
// the request's whole URL (its query holds the fields read, and could hold
// an email searched for).
func TestNetworkGoneErrorText(t *testing.T) {
	ctx := context.Background()
	// Each refused call is retried with back-off; a millisecond first step
	// makes the same retries without 15 s of waiting.
	a, srv := connectedSandboxWith(t, 5, 3, app.Options{RetryMinWait: time.Millisecond})
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	srv.Close()
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	var msg string
	if err != nil {
		msg = err.Error()
	} else {
		msg = res.Summary.Message
	}
	t.Logf("run: %v %+v", err, res)
	if msg == "" {
		t.Fatalf("run against a closed sandbox: no error")
	}
	if !strings.Contains(msg, "connection refused") {
		t.Errorf("error %q does not say the connection was refused", msg)
	}
	for _, v := range []string{"hubspot: ", "salesforce: "} {
		if strings.Count(msg, v) > 1 {
			t.Errorf("error %q repeats %q", msg, v)
		}
	}
	if strings.Contains(msg, "http://") || strings.Contains(msg, "?") {
		t.Errorf("error %q holds the request's URL", msg)
	}
}

// TestNetworkGoneReadErrorEveryVendor: each connector's read from a
// CRM that went away says so once: the endpoint named a single time (a
// connector may say what it was doing first: "brevo: read contacts: brevo:
// GET …"), the cause, and no URL.
func TestNetworkGoneReadErrorEveryVendor(t *testing.T) {
	for _, v := range [][2]string{{"hubspot", "contacts"}, {"salesforce", "Contact"}, {"pipedrive", "persons"}, {"zoho", "Contacts"},
		{"dynamics", "contacts"}, {"mailchimp", "members"}, {"klaviyo", "profiles"}, {"brevo", "contacts"}} {
		t.Run(v[0], func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := startSandbox(t, 11, 3)
			a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(), OpenBrowser: browser, RedirectPort: auth.AnyPort,
				RetryMinWait: time.Millisecond}) // the same retries of the refused read, without the back-off's wait
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			if _, err := a.ConnectSandbox(ctx, srv, v[0], "c"); err != nil {
				t.Fatalf("connect: %v", err)
			}
			s, err := a.OpenConnection(ctx, "c")
			if err != nil {
				t.Fatal(err)
			}
			srv.Close()
			var msg string
			for _, err := range s.Client.Read(ctx, v[1], "") {
				if err == nil {
					t.Fatal("read from a closed sandbox succeeded")
				}
				msg = err.Error()
				break
			}
			if !strings.Contains(msg, "connection refused") || !strings.HasPrefix(msg, v[0]+": ") {
				t.Errorf("error %q; want %s naming the refused connection", msg, v[0])
			}
			if strings.Count(msg, v[0]+": GET ") > 1 || strings.Contains(msg, "http://") || strings.Contains(msg, "?") {
				t.Errorf("error %q repeats the vendor or holds the URL", msg)
			}
		})
	}
}
