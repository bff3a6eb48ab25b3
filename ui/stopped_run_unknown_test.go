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
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// TestStoppedRunShowsUnknownWrites: four linked contacts get a new
// first name in Salesforce; HubSpot refuses the batch update whole once,
// so its connector sends it again in halves, takes the first half and
// then answers 429 to everything. The "Run finished" dialog must not say
// only "updated 0": HubSpot holds two of the names. It must say the
// outcome of the four is unknown and that the next run settles them.
func TestStoppedRunShowsUnknownWrites(t *testing.T) {
	rt := &hookRT{}
	l := newLiveGated(t, rt)
	ctx := context.Background()
	connectDemoContacts(t, l)
	if _, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	links, err := contactsLinks(t, l)
	if err != nil || len(links) < 4 {
		t.Fatalf("%d links, %v; want four or more", len(links), err)
	}
	time.Sleep(1100 * time.Millisecond)
	for i, lk := range links[:4] {
		if _, err := l.srv.Salesforce().Update("Contact", lk.BID, map[string]string{"FirstName": fmt.Sprintf("Shown%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	hs := l.srv.HubSpot()
	const updates = "POST /crm/objects/2026-03/contacts/batch/update"
	hs.Faults().RefuseEndpoint(updates, simkit.Refusal{Status: http.StatusBadRequest, Code: "VALIDATION_ERROR", Message: "refused once", Times: 1})
	var calls atomic.Int32
	storm := func(r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/contacts/batch/update") && calls.Add(1) == 3 {
			hs.Faults().Set(simkit.Faults{P429: 1})
		}
	}
	rt.hook.Store(&storm)
	l.syncNowToFinish()
	rt.hook.Store(nil)
	hs.Faults().Set(simkit.Faults{})
	written := 0
	for i, lk := range links[:4] {
		if c, _ := hs.Get("contacts", lk.AID); c.Properties["firstname"] == fmt.Sprintf("Shown%d", i) {
			written++
		}
	}
	if written == 0 {
		t.Fatalf("HubSpot took none of the updates before the storm (%d calls)", calls.Load())
	}
	l.see("outcome unknown 4")
	l.see("the next run reads them back and settles them")
}
