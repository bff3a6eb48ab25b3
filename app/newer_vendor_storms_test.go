package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

type newerVendor struct {
	name   string
	def    func() engine.Definition
	faults func(*sandbox.Server) *simkit.FaultInjector
	auth   func(*sandbox.Server) *simkit.AuthServer
	count  func(*sandbox.Server) int // the vendor's records; -1 when not counted
}

func newerVendors() []newerVendor {
	return []newerVendor{
		{"klaviyo", func() engine.Definition { return app.DemoKlaviyoSync("s", "hs", "v") },
			func(s *sandbox.Server) *simkit.FaultInjector { return s.Klaviyo().Faults() },
			func(s *sandbox.Server) *simkit.AuthServer { return s.Klaviyo().Auth() },
			func(s *sandbox.Server) int { return s.Klaviyo().Count() }},
		{"brevo", func() engine.Definition { return app.DemoBrevoSync("s", "hs", "v") },
			func(s *sandbox.Server) *simkit.FaultInjector { return s.Brevo().Faults() },
			func(s *sandbox.Server) *simkit.AuthServer { return s.Brevo().Auth() },
			func(s *sandbox.Server) int { return s.Brevo().Count() }},
		{"mailchimp", func() engine.Definition { return app.DemoMailchimpSync("s", "hs", "v") },
			func(s *sandbox.Server) *simkit.FaultInjector { return s.Mailchimp().Faults() },
			func(s *sandbox.Server) *simkit.AuthServer { return s.Mailchimp().Auth() },
			func(s *sandbox.Server) int { return -1 }},
		{"zoho", func() engine.Definition { return app.DemoZohoSync("s", "hs", "v") },
			func(s *sandbox.Server) *simkit.FaultInjector { return s.Zoho().Faults() },
			func(s *sandbox.Server) *simkit.AuthServer { return s.Zoho().Auth() },
			func(s *sandbox.Server) int { return s.Zoho().Count("Contacts") }},
		{"dynamics", func() engine.Definition { return app.DemoDynamicsSync("s", "hs", "v", "") },
			func(s *sandbox.Server) *simkit.FaultInjector { return s.Dynamics().Faults() },
			func(s *sandbox.Server) *simkit.AuthServer { return s.Dynamics().Auth() },
			func(s *sandbox.Server) int { return s.Dynamics().Count("contacts") }},
	}
}

// firstWrite matches the first write to vendor's API (not its sign-in).
func firstWrite(vendor string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return r.Method != "GET" && strings.HasPrefix(r.URL.Path, "/"+vendor+"/") && !strings.Contains(r.URL.Path, "oauth") &&
			!strings.Contains(r.URL.Path, "/token")
	}
}

// TestStormsNewerVendors: from its first write on, the vendor answers
// every call with 429. The run must not end in success, must name the
// vendor and must write nothing twice. (5xx storms:
// TestServerErrorStormStopsRun.)
func TestStormsNewerVendors(t *testing.T) {
	for _, v := range newerVendors() {
		for _, storm := range []simkit.Faults{{P429: 1}} {
			t.Run(fmt.Sprintf("%s/429=%v", v.name, storm.P429), func(t *testing.T) {
				t.Parallel() // its own sandbox and app; mostly waiting, not computing
				ctx := context.Background()
				// A 1 ms first back-off step where a 429 names no wait: as many
				// retries, without seconds between them; a vendor's own wait
				// (Retry-After, reset headers) still holds.
				a, srv, tr := lossyAppWith(t, 29, 8, app.Options{RetryMinWait: time.Millisecond}, [2]string{"hubspot", "hs"}, [2]string{v.name, "v"})
				saveSyncs(t, a, v.def())
				before := v.count(srv)
				var once atomic.Bool
				match := firstWrite(v.name)
				tr.setHook(func(r *http.Request) {
					if match(r) && once.CompareAndSwap(false, true) {
						v.faults(srv).Set(storm)
					}
				})
				res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
				v.faults(srv).Set(simkit.Faults{})
				tr.setHook(nil)
				msg := ""
				if err != nil {
					msg = err.Error()
				} else if res.Summary != nil {
					msg = res.Summary.Message + " " + fmt.Sprint(res.Failures)
				}
				t.Logf("storm run: %v %+v %v", err, res.Summary, res.Failures)
				if !once.Load() {
					t.Fatal("the run wrote nothing to the vendor")
				}
				if err == nil && res.Summary.Status == "success" {
					t.Errorf("a storm ended in success")
				}
				if !strings.Contains(strings.ToLower(msg), v.name) && !strings.Contains(msg, "v ") {
					t.Errorf("the storm's failure does not name %s: %q", v.name, msg)
				}
				// Nothing written twice: the vendor holds no more new records
				// than the run says it created.
				if n := v.count(srv); n >= 0 && n-before > res.Summary.Created {
					t.Errorf("%s holds %d new records; the run created %d", v.name, n-before, res.Summary.Created)
				}
			})
		}
	}
}

// TestTokenExpiresMidRunNewerVendors: every access token expires at
// the first write; the run must refresh once and finish. (Mailchimp issues
// no refresh token: TestMailchimpGrantLostMidRunStops.)
func TestTokenExpiresMidRunNewerVendors(t *testing.T) {
	for _, v := range newerVendors() {
		if v.name == "mailchimp" {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			ctx := context.Background()
			a, srv, tr := lossyApp(t, 31, 8, [2]string{"hubspot", "hs"}, [2]string{v.name, "v"})
			saveSyncs(t, a, v.def())
			var once atomic.Bool
			match := firstWrite(v.name)
			tr.setHook(func(r *http.Request) {
				if match(r) && once.CompareAndSwap(false, true) {
					v.auth(srv).ExpireAllAccess()
				}
			})
			res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
			t.Logf("run: %v %+v %v", err, res.Summary, res.Failures)
			if !once.Load() {
				t.Fatal("the run wrote nothing to the vendor")
			}
			if err != nil || res.Summary.Status != "success" {
				t.Errorf("an expired access token with a good refresh token failed the run: %v %+v", err, res.Summary)
			}
		})
	}
}
