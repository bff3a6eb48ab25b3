package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// TestBrevo429StormStopsCreates: Brevo answers 429 to every call from
// the first create on. Once the transport's retries are spent the run must
// stop, as Klaviyo's and Mailchimp's do, leaving the rest for the next run,
// rather than go on to every other contact (each with its own retries) and
// fail them all as rate-limited.
func TestBrevo429StormStopsCreates(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 29, 8, [2]string{"hubspot", "hs"}, [2]string{"brevo", "v"})
	saveSyncs(t, a, app.DemoBrevoSync("s", "hs", "v"))
	var once atomic.Bool
	var calls atomic.Int32
	tr.setHook(func(r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/brevo/v3/") && once.Load() {
			calls.Add(1)
		}
		if r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/brevo/v3/contacts") && once.CompareAndSwap(false, true) {
			calls.Add(1)
			srv.Brevo().Faults().Set(simkit.Faults{P429: 1})
		}
	})
	res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
	srv.Brevo().Faults().Set(simkit.Faults{})
	tr.setHook(nil)
	t.Logf("storm run: %v %+v %v; %d Brevo calls in the storm", err, res.Summary, res.Failures, calls.Load())
	if !once.Load() {
		t.Fatal("the run created nothing in Brevo")
	}
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Stopped == nil || !strings.Contains(res.Summary.Message, "brevo") || !strings.Contains(res.Summary.Message, "429") {
		t.Errorf("the storm did not stop the run naming Brevo's 429: %+v", res.Summary)
	}
	if res.Summary.Failed != 0 {
		t.Errorf("%d contacts failed as rate-limited; want them left for the next run", res.Summary.Failed)
	}
	res, err = a.Run(ctx, "s", app.RunOptions{Confirm: true})
	t.Logf("run after: %v %+v", err, res.Summary)
	if err != nil || res.Summary.Status != "success" || res.Summary.Failed != 0 {
		t.Errorf("the run after the storm: %v %+v", err, res.Summary)
	}
	if n, links := srv.Brevo().Count(), len(syncLinks(t, a, "s")); n != links {
		t.Errorf("%d Brevo contacts, %d links", n, links)
	}
}
