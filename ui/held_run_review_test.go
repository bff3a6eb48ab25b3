package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// auditKiller forwards every call to the sandbox; while armed, the first
// Pipedrive person create is made by the sandbox and then its answer is
// lost as the run's process dies (kill, then context.Canceled).
type auditKiller struct {
	mu   sync.Mutex
	kill func()
}

func (k *auditKiller) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	k.mu.Lock()
	kill := k.kill
	hit := kill != nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/persons")
	if hit {
		k.kill = nil
	}
	k.mu.Unlock()
	if !hit {
		return resp, nil
	}
	_ = resp.Body.Close()
	kill()
	return nil, context.Canceled
}

// auditHeldWithReview connects HubSpot and Pipedrive, saves a persons sync
// that writes no key to Pipedrive (a limit of 1 change), kills a run at
// Pipedrive's create, and adds two more HubSpot contacts: the next plan
// holds the cut-short create in Review and is over the limit. It answers
// the live UI and the sync's name.
func auditHeldWithReview(t *testing.T) (*live, string) {
	t.Helper()
	ctx := context.Background()
	k := &auditKiller{}
	l := newLiveWith(t, 6, fyne.NewSize(1200, 800), func(o *app.Options, _ *sandbox.Server) {
		o.HTTP = &http.Client{Transport: k}
	})
	for _, v := range [][2]string{{"hubspot", demoHubSpot}, {"pipedrive", demoPipedrive}} {
		if _, err := l.a.ConnectSandbox(ctx, l.srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	const name = "people"
	def := app.DemoPipedriveSync(name, demoHubSpot, demoPipedrive, "")
	for i := range def.Fields {
		if def.Fields[i].A == "email" {
			def.Fields[i].Direction = mapping.BtoA // no key reaches Pipedrive
		}
	}
	def.Safety.MaxChanges = 1
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if res, err := l.a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	add := func(i int) {
		if _, err := l.srv.HubSpot().Create("contacts", map[string]string{"email": fmt.Sprintf("audit%d@example.org", i), "firstname": "Audit", "lastname": fmt.Sprintf("Person%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	add(0)
	add(1)
	killCtx, kill := context.WithCancel(ctx)
	k.mu.Lock()
	k.kill = kill
	k.mu.Unlock()
	_, _ = l.a.Run(killCtx, name, app.RunOptions{Confirm: true})
	kill()
	k.mu.Lock()
	armed := k.kill != nil
	k.kill = nil
	k.mu.Unlock()
	if armed {
		t.Fatal("the run was not killed at Pipedrive's create")
	}
	add(10)
	add(11)
	return l, name
}

// auditOpenReviews is how many open review items sync name has.
func auditOpenReviews(t *testing.T, l *live, name string) int {
	t.Helper()
	items, err := l.a.Reviews(context.Background(), name, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

// TestHeldRunConfirmSaysWhatIsInReview: Sync now holds the run
// for confirmation, and its plan already put the cut-short create in
// Review (History's held row counts it). The confirmation must say so, and
// "Run finished" after Apply anyway must not read as nothing sent to
// Review: the confirmed run counts 0, the held one counted them.
func TestHeldRunConfirmSaysWhatIsInReview(t *testing.T) {
	l, name := auditHeldWithReview(t)
	before := auditOpenReviews(t, l, name)
	l.navigate(ScreenSyncs)
	l.tap("Sync now")
	l.see("Apply anyway")
	held := auditOpenReviews(t, l, name) - before
	if held < 1 {
		t.Fatalf("the held run's plan put nothing in Review")
	}
	runs, err := l.a.Runs(context.Background(), name, 1)
	if err != nil || len(runs) != 1 || runs[0].Run.Status != "needs_confirmation" || runs[0].Run.Review != held {
		t.Fatalf("History's latest run: %+v %v; want held, counting %d to review", runs, err, held)
	}
	l.see(fmt.Sprintf("%d already in Review from this plan", held))
	l.tap("Apply anyway")
	l.see("Run finished")
	l.see(fmt.Sprintf("%d already in Review from the held run", held))
	l.see("Open Review")
}
