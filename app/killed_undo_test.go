package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestKilledRunResumedThenUndone: a run copies three first names
// each way; the process dies once both CRMs carried out their update
// call, before crmsync stored anything. Started again, the next run
// settles the killed run's writes. History then lists each of the six
// names once under the killed run, old → new, and undoing the killed run
// (after a later run changed one of those names again) puts back the
// five the later run left alone, in both CRMs, and asks about the sixth.
func TestKilledRunResumedThenUndone(t *testing.T) {
	ctx := context.Background()
	k := killableApp(t, 12, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, k.a, app.DemoSync("contacts", "hs", "sf"))
	hs, sf := k.srv.HubSpot(), k.srv.Salesforce()
	k.clock.step(time.Minute)
	if res, errs := runAndErrors(t, k.a, "contacts"); len(errs) != 0 || res.Summary.Status != "success" {
		t.Fatalf("first run: %+v %+v", res.Summary, errs)
	}
	links := syncLinks(t, k.a, "contacts")
	if len(links) < 6 {
		t.Fatalf("%d links", len(links))
	}
	k.clock.step(time.Minute)
	hsBefore, sfBefore := renameFirstThreeEachWay(t, k, links) // what the undo must put back
	k.clock.step(time.Minute)
	// The second update call is carried out, then the process dies.
	killed := k.a
	k.tr.arm(1, func() func(*http.Request) bool {
		n := 0
		return func(r *http.Request) bool {
			if isWrite(r) {
				n++
			}
			return isWrite(r) && n == 2
		}
	}())
	k.tr.kill = func() { killed.Close() }
	if _, err := killed.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err == nil {
		t.Fatal("the run went on after the process died")
	}
	if len(k.tr.lostCalls()) != 1 {
		t.Fatalf("no update call was killed: %v", k.tr.lostCalls())
	}
	k.restart()
	killedID := k.lastRun("contacts").ID
	k.clock.step(time.Minute)
	res, errs := runAndErrors(t, k.a, "contacts")
	if len(errs) != 0 || res.Summary.Status != "success" {
		t.Fatalf("the run after the restart: %+v %+v", res.Summary, errs)
	}

	// History of the killed run: each name once, old → new.
	d, err := k.a.RunDetail(ctx, killedID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("killed run %d: %s %q created %d updated %d", killedID, d.Run.Status, d.Run.Message, d.Run.Created, d.Run.Updated)
	if d.Run.Status == "running" || d.Run.Status == "success" {
		t.Errorf("the killed run reads %q", d.Run.Status)
	}
	// Its writes are settled now: History must not still call them unknown.
	// The side whose batch committed before the kill has no unknown
	// writes: 3 or 6 were left unknown, as the two calls raced.
	if !strings.HasPrefix(d.Run.Message, store.InterruptedMessage) || strings.Contains(d.Run.Message, "outcome unknown (sent") ||
		strings.Contains(d.Run.Message, "the next run reads them back") ||
		!strings.Contains(d.Run.Message, "6 outcome unknown when it was cut short, settled since") && !strings.Contains(d.Run.Message, "3 outcome unknown when it was cut short, settled since") {
		t.Errorf("after run %d settled its writes, History says of the killed run: %q; want it interrupted, its unknown writes settled since", res.Summary.RunID, d.Run.Message)
	}
	seen := map[string]int{}
	for _, r := range d.Audit {
		t.Logf("audit %d: %s %s %s %q -> %q (%s)", r.ID, r.Side, r.RecordID, r.Field, r.Old, r.New, r.Rule)
		if strings.EqualFold(r.Field, "firstname") {
			seen[r.Side+" "+r.RecordID]++
			want := sfBefore[r.RecordID] + hsBefore[r.RecordID]
			if r.Old != want || r.Old == "" {
				t.Errorf("History: %s %s firstname %q -> %q; want old %q", r.Side, r.RecordID, r.Old, r.New, want)
			}
		}
	}
	for id := range sfBefore {
		if seen["b "+id] != 1 {
			t.Errorf("History lists Salesforce %s's FirstName %d times under the killed run, want once", id, seen["b "+id])
		}
	}
	for id := range hsBefore {
		if seen["a "+id] != 1 {
			t.Errorf("History lists HubSpot %s's firstname %d times under the killed run, want once", id, seen["a "+id])
		}
	}
	if d.Run.Updated != 6 {
		t.Errorf("History counts %d updated under the killed run; both CRMs took 3", d.Run.Updated)
	}

	// A later run changes one of the names the killed run wrote.
	later := links[0]
	if _, err := hs.Update("contacts", later.AID, map[string]string{"firstname": "Latername"}); err != nil {
		t.Fatal(err)
	}
	k.clock.step(time.Minute)
	if res, errs := runAndErrors(t, k.a, "contacts"); res.Summary.Updated != 1 || len(errs) != 0 {
		t.Fatalf("the later run: %+v %+v", res.Summary, errs)
	}
	k.clock.step(time.Minute)
	u, err := k.a.Undo(ctx, killedID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo of the killed run: %v", err)
	}
	t.Logf("undo: %+v review %+v", u.Summary, u.Plan.Review)
	for id, want := range sfBefore {
		c, _ := sf.Get("Contact", id)
		if id == later.BID {
			want = "Latername"
		}
		if c.Fields["FirstName"] != want {
			t.Errorf("after the undo: Salesforce %s FirstName %q, want %q", id, c.Fields["FirstName"], want)
		}
	}
	for id, want := range hsBefore {
		if c, _ := hs.Get("contacts", id); c.Properties["firstname"] != want {
			t.Errorf("after the undo: HubSpot %s firstname %q, want %q", id, c.Properties["firstname"], want)
		}
	}
	asked := false
	for _, it := range u.Plan.Review {
		asked = asked || it.RecordID == later.BID
	}
	if !asked {
		t.Errorf("the undo did not ask about Salesforce %s, changed by a later run: %+v", later.BID, u.Plan.Review)
	}
	for i := range 2 {
		k.clock.step(time.Minute)
		if res, errs := runAndErrors(t, k.a, "contacts"); res.Summary.Created+res.Summary.Updated+res.Summary.Failed != 0 {
			t.Errorf("run %d after the undo wrote: %+v %+v", i, res.Summary, errs)
		}
	}
}

// TestUndoOfRunStillUnderway: a run is under way, its Salesforce
// update held on the wire. Undoing it now (the preview, `runs undo ID
// --dry-run`, and the apply) must be refused, saying that run is still
// under way, not planned from the part of its audit stored so far; once
// it finishes, its undo previews.
func TestUndoOfRunStillUnderway(t *testing.T) {
	ctx := context.Background()
	k := killableApp(t, 8, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, k.a, app.DemoSync("contacts", "hs", "sf"))
	if res, err := k.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	links := syncLinks(t, k.a, "contacts")[:2]
	k.clock.step(time.Minute)
	for i, l := range links {
		if _, err := k.srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": fmt.Sprintf("Open%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	k.clock.step(time.Minute)
	held, release := make(chan struct{}), make(chan struct{})
	var once bool
	k.tr.setHook(func(r *http.Request) {
		if r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/composite/sobjects") && !once {
			once = true
			close(held)
			<-release
		}
	})
	done := make(chan error, 1)
	go func() {
		_, err := k.a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		done <- err
	}()
	<-held
	open := k.lastRun("contacts")
	if open.Status != "running" {
		close(release)
		t.Fatalf("the run held on the wire reads %q", open.Status)
	}
	_, perr := k.a.Undo(ctx, open.ID, app.RunOptions{DryRun: true})
	_, aerr := k.a.Undo(ctx, open.ID, app.RunOptions{Confirm: true})
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("the run: %v", err)
	}
	k.tr.setHook(nil)
	for what, err := range map[string]error{"preview": perr, "apply": aerr} {
		t.Logf("undo %s of open run %d: %v", what, open.ID, err)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("run %d", open.ID)) || !strings.Contains(err.Error(), "still under way") {
			t.Errorf("the undo %s of run %d while it runs says %v; want a refusal saying run %d is still under way", what, open.ID, err, open.ID)
		}
	}
	if r := k.runRow(open.ID); r.Status != "success" {
		t.Fatalf("the run ended %q: %s", r.Status, r.Message)
	}
	p, err := k.a.Undo(ctx, open.ID, app.RunOptions{DryRun: true})
	if err != nil || len(p.Plan.Updates) == 0 {
		t.Errorf("the undo preview of the finished run: %v", err)
	}
}
