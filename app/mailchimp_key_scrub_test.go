package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// keyEchoTransport answers Mailchimp's batch subscribe with a 400 problem
// whose detail quotes the API key itself (the password of the request's
// Basic credential), as a gateway or an error page naming the key might.
type keyEchoTransport struct{ echoedSecret }

func (e *keyEchoTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	_, key, ok := r.BasicAuth()
	if ok && r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/mailchimp/3.0/lists/") && strings.Count(strings.TrimSuffix(r.URL.Path, "/"), "/") == 4 {
		e.note(key)
		return vendorErrorAnswer(r, "application/problem+json", map[string]any{"type": "https://mailchimp.com/developer/marketing/docs/errors/",
			"title": "Invalid Resource", "status": 400, "detail": "The API key " + key + " cannot write to this audience.", "instance": "x"}), nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestMailchimpKeyInErrorNotStored: a Mailchimp connection made with
// an API key sends it base64-encoded in Basic auth; vendor text quoting
// the key as the user pasted it must not reach the run's error, its
// detail, the log or any file of the data folder.
func TestMailchimpKeyInErrorNotStored(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 5, 6)
	et := &keyEchoTransport{}
	a := openLoggedApp(t, et)
	if _, err := a.ConnectSandbox(ctx, srv, "hubspot", "hs"); err != nil {
		t.Fatal(err)
	}
	key := srv.Mailchimp().MintAPIKey()
	if _, err := a.Connect(ctx, app.ConnectRequest{Vendor: "mailchimp", Name: "mc", Token: key, APIBase: srv.URL() + "/mailchimp"}); err != nil {
		t.Fatalf("connect with an API key: %v", err)
	}
	saveSyncs(t, a.App, app.DemoMailchimpSync("audience", "hs", "mc"))
	res, runErr := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	if et.secret() != key {
		t.Fatalf("the batch subscribe was never sent with the key (run: %v %+v)", runErr, res.Summary)
	}
	if leaks := a.secretLeaks("audience", res, runErr, key); len(leaks) > 0 {
		t.Errorf("the Mailchimp API key reached: %s (run error: %.200v)", strings.Join(leaks, ", "), runErr)
	}
}
