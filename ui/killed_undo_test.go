package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// cutRT forwards every call; for the one cut picks, it drops the answer
// once the vendor acted and fails the call: the run dying after the CRM
// wrote and before crmsync heard back.
type cutRT struct {
	cut atomic.Pointer[func(*http.Request) bool]
}

func (c *cutRT) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if f := c.cut.Load(); err == nil && f != nil && (*f)(r) {
		resp.Body.Close()
		return nil, context.Canceled
	}
	return resp, err
}

// TestUndoOfCutShortRunFromHistory: a run copying three HubSpot
// first names to Salesforce is cut short once Salesforce carried out the
// update, before crmsync stored it: its History detail lists no field
// change yet (the next plan settles them). Its "Undo this run" must still
// be offered, and undo what reached Salesforce, as `runs undo` does.
func TestUndoOfCutShortRunFromHistory(t *testing.T) {
	rt := &cutRT{}
	l := newLiveGated(t, rt)
	ctx := context.Background()
	connectDemoContacts(t, l)
	if res, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	links, err := contactsLinks(t, l)
	if err != nil || len(links) < 3 {
		t.Fatalf("%d links, %v", len(links), err)
	}
	sf, hs := l.srv.Salesforce(), l.srv.HubSpot()
	time.Sleep(1100 * time.Millisecond)
	before := map[string]string{}
	for i, lk := range links[:3] {
		c, _ := sf.Get("Contact", lk.BID)
		before[lk.BID] = c.Fields["FirstName"]
		if _, err := hs.Update("contacts", lk.AID, map[string]string{"firstname": fmt.Sprintf("Cutshort%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	runCtx, kill := context.WithCancel(ctx)
	defer kill()
	var once atomic.Bool
	cut := func(r *http.Request) bool {
		if r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/composite/sobjects") && once.CompareAndSwap(false, true) {
			kill()
			return true
		}
		return false
	}
	rt.cut.Store(&cut)
	res, err := l.a.Run(runCtx, "contacts", app.RunOptions{Confirm: true})
	rt.cut.Store(nil)
	if !once.Load() {
		t.Fatalf("the run was not cut short: %v", err)
	}
	for id := range before {
		if c, _ := sf.Get("Contact", id); !strings.HasPrefix(c.Fields["FirstName"], "Cutshort") {
			t.Fatalf("Salesforce did not take the update the run sent: %s FirstName %q", id, c.Fields["FirstName"])
		}
	}
	runID := res.Summary.RunID
	t.Logf("cut-short run %d: %v %+v", runID, err, res.Summary)
	l.ui(func() { l.u.openRunDetail(runID) })
	l.see(fmt.Sprintf("Run %d of contacts", runID))
	l.tap("Undo this run") // opens the undo's preview
	l.see(fmt.Sprintf("Undo run %d of contacts", runID))
	l.tap("Undo this run") // applies it
	l.closeDialogs()
	for id, want := range before {
		if c, _ := sf.Get("Contact", id); c.Fields["FirstName"] != want {
			t.Errorf("after undoing run %d from History: Salesforce %s FirstName %q, want %q", runID, id, c.Fields["FirstName"], want)
		}
	}
}
