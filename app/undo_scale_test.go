package app_test

import (
	"context"
	"fmt"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// statsDelta is what each vendor's counters grew by since before.
func statsDelta(before, after map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

func sumCalls(m map[string]int64) int64 {
	var n int64
	for k, v := range m {
		if k == "POST /oauth/v1/token" || k == "POST /services/oauth2/token" {
			continue
		}
		n += v
	}
	return n
}

// bigRun syncs contacts contacts per vendor on a stepped clock, then
// edits the job title of n linked HubSpot contacts and of n other linked
// Salesforce Contacts, a minute apart from each run (past HubSpot's overlap
// window, as a person's undo would be), and runs the sync (2n updates). It
// returns the run's id, the links edited on each side and their titles
// before the edits (by the id of the record the run wrote).
func bigRun(t *testing.T, contacts, n int) (*killable, int64, []store.LinkRow, []store.LinkRow, map[string]string) {
	t.Helper()
	return bigRunWith(t, contacts, n, nil)
}

// bigRunWith is bigRun with edit, when not nil, making more edits before
// the run.
func bigRunWith(t *testing.T, contacts, n int, edit func(k *killable, toSF, toHS []store.LinkRow)) (*killable, int64, []store.LinkRow, []store.LinkRow, map[string]string) {
	t.Helper()
	k := killableApp(t, contacts, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, k.a, app.DemoSync("contacts", "hs", "sf"))
	hs, sf := k.srv.HubSpot(), k.srv.Salesforce()
	k.clock.step(time.Minute)
	if res, errs := runAndErrors(t, k.a, "contacts"); len(errs) != 0 || res.Summary.Status != "success" {
		t.Fatalf("first run: %+v %+v", res.Summary, errs)
	}
	links := syncLinks(t, k.a, "contacts")
	if len(links) < 2*n {
		t.Fatalf("%d links, want %d", len(links), 2*n)
	}
	k.clock.step(time.Minute)
	toSF, toHS := links[:n], links[n:2*n]
	before := map[string]string{}
	for i, l := range toSF {
		c, _ := sf.Get("Contact", l.BID)
		before[l.BID] = c.Fields["Title"]
		// Edits a person makes are apart in time: past HubSpot's 5 s
		// overlap window, which re-reads edits made just before a read.
		k.clock.step(6 * time.Second)
		if _, err := hs.Update("contacts", l.AID, map[string]string{"jobtitle": fmt.Sprintf("HS title %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i, l := range toHS {
		c, _ := hs.Get("contacts", l.AID)
		before[l.AID] = c.Properties["jobtitle"]
		k.clock.step(6 * time.Second)
		if _, err := sf.Update("Contact", l.BID, map[string]string{"Title": fmt.Sprintf("SF title %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(k, toSF, toHS)
	}
	k.clock.step(time.Minute)
	res, errs := runAndErrors(t, k.a, "contacts")
	if len(errs) != 0 || res.Summary.Updated != 2*n {
		t.Fatalf("run: %+v %+v", res.Summary, errs)
	}
	k.clock.step(time.Minute)
	return k, res.Summary.RunID, toSF, toHS, before
}

// checkUndone fails unless every title the run wrote is back.
func checkUndone(t *testing.T, srv *sandbox.Server, toSF, toHS []store.LinkRow, before map[string]string) {
	t.Helper()
	for _, l := range toSF {
		if c, _ := srv.Salesforce().Get("Contact", l.BID); c.Fields["Title"] != before[l.BID] {
			t.Fatalf("Salesforce %s Title %q after the undo, want %q", l.BID, c.Fields["Title"], before[l.BID])
		}
	}
	for _, l := range toHS {
		if c, _ := srv.HubSpot().Get("contacts", l.AID); c.Properties["jobtitle"] != before[l.AID] {
			t.Fatalf("HubSpot %s jobtitle %q after the undo, want %q", l.AID, c.Properties["jobtitle"], before[l.AID])
		}
	}
}

// TestUndoOfBigRunCostsTheBatchFloor: undoing a run that updated
// 1,000 HubSpot contacts and 1,000 Salesforce Contacts writes them back
// in batches (HubSpot batch/update of 100, sObject Collections of 200)
// and reads no record one by one.
func TestUndoOfBigRunCostsTheBatchFloor(t *testing.T) {
	const n = 1000
	ctx := context.Background()
	k, runID, toSF, toHS, before := bigRun(t, 1200, n)
	a, hs, sf := k.a, k.srv.HubSpot(), k.srv.Salesforce()
	hs0, sf0 := hs.Stats(), sf.Stats()
	u, err := a.Undo(ctx, runID, app.RunOptions{Confirm: true})
	if err != nil || u.Summary.Status != "success" || u.Summary.Updated != 2*n {
		t.Fatalf("undo: %v %+v review %d", err, u.Summary, len(u.Plan.Review))
	}
	dHS, dSF := statsDelta(hs0, hs.Stats()), statsDelta(sf0, sf.Stats())
	t.Logf("undo calls: hubspot %d %v; salesforce %d %v", sumCalls(dHS), dHS, sumCalls(dSF), dSF)
	// Floor (as BENCHMARKS.md counts it): the reads the undo needs to see
	// the values there now (HubSpot search 200 a page, SOQL 2,000; HubSpot's
	// 5 s overlap window re-reads the edits made just before the run) and
	// the writes back in full batches.
	c := u.Plan.Counts
	t.Logf("undo read A/B %d/%d, update A/B %d/%d", c.ReadA, c.ReadB, c.UpdateA, c.UpdateB)
	floorHS := int64(max(1, (c.ReadA+199)/200) + (c.UpdateA+99)/100)
	floorSF := int64(max(1, (c.ReadB+1999)/2000) + (c.UpdateB+199)/200)
	if got := sumCalls(dHS); got > floorHS+1 {
		t.Errorf("HubSpot: the undo made %d calls, floor %d: %v", got, floorHS, dHS)
	}
	if got := sumCalls(dSF); got > floorSF+1 {
		t.Errorf("Salesforce: the undo made %d calls, floor %d: %v", got, floorSF, dSF)
	}
	checkUndone(t, k.srv, toSF, toHS, before)
}

// createdRun syncs a few contacts, then adds toSF new HubSpot contacts and
// toHS new Salesforce Contacts, and runs the sync, which creates their
// copies. It returns the run's id and the ids of the copies it created on
// each side (HubSpot's, Salesforce's).
func createdRun(t *testing.T, toSF, toHS int) (*killable, int64, []string, []string) {
	t.Helper()
	k := killableApp(t, 12, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, k.a, app.DemoSync("contacts", "hs", "sf"))
	hs, sf := k.srv.HubSpot(), k.srv.Salesforce()
	k.clock.step(time.Minute)
	if res, errs := runAndErrors(t, k.a, "contacts"); len(errs) != 0 || res.Summary.Status != "success" {
		t.Fatalf("first run: %+v %+v", res.Summary, errs)
	}
	k.clock.step(time.Minute)
	newHS, newSF := map[string]bool{}, map[string]bool{}
	for i := range toSF {
		c, err := hs.Create("contacts", map[string]string{"email": fmt.Sprintf("hs.new%d@example.com", i), "firstname": "Hanna", "lastname": fmt.Sprintf("New%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		newHS[c.ID] = true
	}
	for i := range toHS {
		c, err := sf.Create("Contact", map[string]string{"Email": fmt.Sprintf("sf.new%d@example.com", i), "FirstName": "Saul", "LastName": fmt.Sprintf("New%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		newSF[c.ID] = true
	}
	k.clock.step(time.Minute)
	res, errs := runAndErrors(t, k.a, "contacts")
	if len(errs) != 0 || res.Summary.Created != toSF+toHS {
		t.Fatalf("run: %+v %+v", res.Summary, errs)
	}
	var copiesHS, copiesSF []string
	for _, l := range syncLinks(t, k.a, "contacts") {
		if newHS[l.AID] {
			copiesSF = append(copiesSF, l.BID)
		}
		if newSF[l.BID] {
			copiesHS = append(copiesHS, l.AID)
		}
	}
	if len(copiesSF) != toSF || len(copiesHS) != toHS {
		t.Fatalf("copies linked: %d in Salesforce, %d in HubSpot", len(copiesSF), len(copiesHS))
	}
	k.clock.step(time.Minute)
	return k, res.Summary.RunID, copiesHS, copiesSF
}

// TestUndoOfCreatesDeletesOnlyWhenApprovedInBatches: undoing a run
// that created 450 HubSpot contacts and 250 Salesforce Contacts previews
// one delete per copy, deletes nothing until each is approved, and then
// deletes the copies in batches (HubSpot batch/archive of 100, Salesforce
// sObject Collections delete of 200), leaving the records copied from.
func TestUndoOfCreatesDeletesOnlyWhenApprovedInBatches(t *testing.T) {
	const toHS, toSF = 450, 250
	ctx := context.Background()
	k, runID, copiesHS, copiesSF := createdRun(t, toSF, toHS)
	a, hs, sf := k.a, k.srv.HubSpot(), k.srv.Salesforce()
	liveHS, liveSF := hs.Count("contacts"), sf.Count("Contact")
	prev, err := a.Undo(ctx, runID, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatalf("undo preview: %v", err)
	}
	dels := 0
	for _, it := range prev.Plan.Review {
		if it.Kind == "delete" {
			dels++
		}
	}
	t.Logf("undo preview: counts %+v, %d delete items", prev.Plan.Counts, dels)
	if dels != toHS+toSF || prev.Plan.Counts.Review < toHS+toSF {
		t.Errorf("the undo's preview holds %d deletes (review count %d), want %d", dels, prev.Plan.Counts.Review, toHS+toSF)
	}
	u, err := a.Undo(ctx, runID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	t.Logf("undo: %+v", u.Summary)
	if hs.Count("contacts") != liveHS || sf.Count("Contact") != liveSF {
		t.Fatalf("the undo deleted without approval: HubSpot %d → %d, Salesforce %d → %d", liveHS, hs.Count("contacts"), liveSF, sf.Count("Contact"))
	}
	items, err := a.Reviews(ctx, "contacts", "delete", "open")
	if err != nil || len(items) != toHS+toSF {
		t.Fatalf("delete reviews: %v %d, want %d", err, len(items), toHS+toSF)
	}
	for _, it := range items {
		if err := a.Decide(ctx, it.ID, engine.Decision{Action: "delete"}); err != nil {
			t.Fatal(err)
		}
	}
	hs0, sf0 := hs.Stats(), sf.Stats()
	res, errs := runAndErrors(t, a, "contacts")
	dHS, dSF := statsDelta(hs0, hs.Stats()), statsDelta(sf0, sf.Stats())
	t.Logf("run applying the deletes: %+v %v\nhubspot %v\nsalesforce %v", res.Summary, errs, dHS, dSF)
	if res.Summary.Deleted != toHS+toSF || len(errs) != 0 {
		t.Errorf("the run deleted %d, want %d: %v", res.Summary.Deleted, toHS+toSF, errs)
	}
	if got, floor := dHS["POST /crm/objects/2026-03/contacts/batch/archive"], int64((toHS+99)/100); got != floor {
		t.Errorf("HubSpot: %d batch/archive calls for %d deletes, want %d", got, toHS, floor)
	}
	var sfDeletes int64
	for k, v := range dSF {
		if strings.HasPrefix(k, "DELETE ") {
			sfDeletes += v
		}
	}
	if floor := int64((toSF + 199) / 200); sfDeletes != floor {
		t.Errorf("Salesforce: %d delete calls for %d deletes, want %d", sfDeletes, toSF, floor)
	}
	for _, id := range copiesHS {
		if r, ok := hs.Get("contacts", id); ok && !r.Archived {
			t.Fatalf("HubSpot copy %s is still there", id)
		}
	}
	for _, id := range copiesSF {
		if r, ok := sf.Get("Contact", id); ok && !r.Deleted {
			t.Fatalf("Salesforce copy %s is still there", id)
		}
	}
	if hs.Count("contacts") != liveHS-toHS || sf.Count("Contact") != liveSF-toSF {
		t.Errorf("HubSpot %d → %d, Salesforce %d → %d; want only the copies gone", liveHS, hs.Count("contacts"), liveSF, sf.Count("Contact"))
	}
}

// auditedUndos counts, per record, the audit rows of runs that wrote the
// title back to want (by record id).
func auditedUndos(t *testing.T, a *app.App, runs []int64, want map[string]string) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, id := range runs {
		rows, err := a.DB().Audit(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if w, ok := want[r.RecordID]; ok && (r.Field == "jobtitle" || r.Field == "Title") {
				if r.New == w && r.Old != w {
					n[r.RecordID]++
				}
			}
		}
	}
	return n
}

// TestKilledBigUndoFinishesOnceAndRedoes: the undo of a run that
// updated 300 contacts each way dies (the process closes) after a CRM
// carried out its second write call (whichever side's). Started again: undoing the run
// again writes only the rest (no record written back twice, each audited
// once), every title is back, the undo of that undo puts every title the
// run wrote back (not only the rest), and the runs after write nothing.
func TestKilledBigUndoFinishesOnceAndRedoes(t *testing.T) {
	const n = 300
	k, runID, toSF, toHS, before := bigRun(t, 500, n)
	hs, sf := k.srv.HubSpot(), k.srv.Salesforce()
	ctx, cancel := k.killOn(2, isWrite)
	defer cancel()
	k.tr.kill = func() { k.a.Close() }
	u, err := k.a.Undo(ctx, runID, app.RunOptions{Confirm: true})
	t.Logf("killed undo: %v %+v lost=%v", err, u.Summary, k.tr.lostCalls())
	if len(k.tr.lostCalls()) != 1 {
		t.Fatalf("the undo was not killed: %v", k.tr.lostCalls())
	}
	k.restart()
	killedID := k.lastRun("contacts").ID
	if r := k.runRow(killedID); r.Status == "success" || r.Status == "running" {
		t.Errorf("the killed undo is %q after a restart: %s", r.Status, r.Message)
	}
	k.clock.step(time.Minute)
	hs0, sf0 := hs.Stats(), sf.Stats()
	again, err := k.a.Undo(context.Background(), runID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo again: %v", err)
	}
	dHS, dSF := statsDelta(hs0, hs.Stats()), statsDelta(sf0, sf.Stats())
	t.Logf("undo again: %+v review %d\nhubspot %v\nsalesforce %v", again.Summary, len(again.Plan.Review), dHS, dSF)
	if again.Summary.Status != "success" || len(again.Plan.Review) != 0 {
		t.Errorf("undo again: %+v, review %+v", again.Summary, again.Plan.Review)
	}
	// The killed undo's batches carried out (the one whose answer was
	// lost too) are audited under it; the undo again writes the rest only.
	killedDone := len(auditedUndos(t, k.a, []int64{killedID}, before))
	if killedDone == 0 || again.Summary.Updated != 2*n-killedDone {
		t.Errorf("the killed undo wrote %d back; the undo again wrote %d, want the %d left", killedDone, again.Summary.Updated, 2*n-killedDone)
	}
	checkUndone(t, k.srv, toSF, toHS, before)
	for id, c := range auditedUndos(t, k.a, []int64{killedID, again.Summary.RunID}, before) {
		if c != 1 {
			t.Errorf("record %s: its title written back is audited %d times", id, c)
			for _, run := range []int64{killedID, again.Summary.RunID} {
				rows, _ := k.a.DB().Audit(context.Background(), run)
				for _, r := range rows {
					if r.RecordID == id {
						t.Logf("run %d: %+v", run, r)
					}
				}
			}
		}
	}
	if got := len(auditedUndos(t, k.a, []int64{killedID, again.Summary.RunID}, before)); got != 2*n {
		t.Errorf("%d records audited as written back, want %d", got, 2*n)
	}
	// The undo of the undo writes back what the run wrote, to every record.
	k.clock.step(time.Minute)
	redo, err := k.a.Undo(context.Background(), again.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil || redo.Summary.Status != "success" || redo.Summary.Updated != 2*n || len(redo.Plan.Review) != 0 {
		t.Fatalf("undo of the undo: %v %+v review %d", err, redo.Summary, len(redo.Plan.Review))
	}
	for i, l := range toSF {
		if c, _ := sf.Get("Contact", l.BID); c.Fields["Title"] != fmt.Sprintf("HS title %d", i) {
			t.Fatalf("after the undo of the undo Salesforce %s Title %q, want %q", l.BID, c.Fields["Title"], fmt.Sprintf("HS title %d", i))
		}
	}
	for i, l := range toHS {
		if c, _ := hs.Get("contacts", l.AID); c.Properties["jobtitle"] != fmt.Sprintf("SF title %d", i) {
			t.Fatalf("after the undo of the undo HubSpot %s jobtitle %q, want %q", l.AID, c.Properties["jobtitle"], fmt.Sprintf("SF title %d", i))
		}
	}
	for i := range 2 {
		k.clock.step(time.Minute)
		r, errs := runAndErrors(t, k.a, "contacts")
		if r.Summary.Created+r.Summary.Updated+r.Summary.Deleted != 0 || len(errs) != 0 {
			t.Errorf("run %d after the undo of the undo wrote: %+v %v", i+1, r.Summary, errs)
		}
	}
}

// TestBigUndoOneRecordRefused: the undo of a run that updated 300
// contacts each way, one of which also had its email moved, meets a
// HubSpot contact made since with that old email: HubSpot refuses that
// one record in a batch of 100. The other 599 are undone, the run ends
// partial, its error names the record, the field and HubSpot's message,
// and undoing again once the clash is gone writes that record only.
func TestBigUndoOneRecordRefused(t *testing.T) {
	const n = 300
	ctx := context.Background()
	var moved store.LinkRow
	var oldEmail string
	k, runID, toSF, toHS, before := bigRunWith(t, 500, n, func(k *killable, _, toHS []store.LinkRow) {
		moved = toHS[150]
		c, _ := k.srv.HubSpot().Get("contacts", moved.AID)
		oldEmail = c.Properties["email"]
		if _, err := k.srv.Salesforce().Update("Contact", moved.BID, map[string]string{"Email": "moved.big.undo@gmail.com"}); err != nil {
			t.Fatal(err)
		}
	})
	a, hs := k.a, k.srv.HubSpot()
	clash, err := hs.Create("contacts", map[string]string{"email": oldEmail, "firstname": "Someone", "lastname": "Else"})
	if err != nil {
		t.Fatal(err)
	}
	k.clock.step(time.Minute)
	u, err := a.Undo(ctx, runID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	d, _ := a.RunDetail(ctx, u.Summary.RunID)
	t.Logf("undo: %+v errors %+v", u.Summary, d.Errors)
	if u.Summary.Status != "partial" || u.Summary.Updated != 2*n-1 || u.Summary.Failed != 1 {
		t.Errorf("undo: %+v; want partial, %d undone, 1 failed", u.Summary, 2*n-1)
	}
	if len(d.Errors) != 1 || d.Errors[0].RecordID != moved.AID || d.Errors[0].Field != "email" || !strings.Contains(d.Errors[0].Message, oldEmail) && d.Errors[0].Message == "" {
		t.Errorf("the undo's errors %+v; want one naming HubSpot contact %s, its email and HubSpot's message", d.Errors, moved.AID)
	}
	for _, l := range toSF {
		if c, _ := k.srv.Salesforce().Get("Contact", l.BID); c.Fields["Title"] != before[l.BID] {
			t.Fatalf("Salesforce %s Title %q after the undo, want %q", l.BID, c.Fields["Title"], before[l.BID])
		}
	}
	for _, l := range toHS {
		if c, _ := hs.Get("contacts", l.AID); l != moved && c.Properties["jobtitle"] != before[l.AID] {
			t.Fatalf("HubSpot %s jobtitle %q after the undo, want %q", l.AID, c.Properties["jobtitle"], before[l.AID])
		}
	}
	if !hs.Archive("contacts", clash.ID) {
		t.Fatal("archive the clashing contact")
	}
	k.clock.step(time.Minute)
	again, err := a.Undo(ctx, runID, app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Status != "success" || again.Summary.Updated != 1 {
		t.Fatalf("undo again: %v %+v review %+v", err, again.Summary, again.Plan.Review)
	}
	checkUndone(t, k.srv, toSF, toHS, before)
	if c, _ := hs.Get("contacts", moved.AID); c.Properties["email"] != oldEmail {
		t.Errorf("HubSpot %s email %q after undoing again, want %q", moved.AID, c.Properties["email"], oldEmail)
	}
}

// TestBigUndoUnder429Storm: HubSpot answers 429 to every call once
// the undo of a run that updated 300 contacts each way starts writing.
// The undo does not end a success and says to undo again; undoing again
// once the limit lifts writes exactly the records the first did not, each
// write back audited once.
func TestBigUndoUnder429Storm(t *testing.T) {
	const n = 300
	ctx := context.Background()
	k, runID, toSF, toHS, before := bigRun(t, 500, n)
	hs := k.srv.HubSpot()
	var once gosync.Once
	storm := func(p engine.Progress) {
		if p.Done > 0 {
			once.Do(func() { hs.Faults().Set(simkit.Faults{P429: 1}) })
		}
	}
	u, err := k.a.Undo(ctx, runID, app.RunOptions{Confirm: true, Progress: storm})
	hs.Faults().Set(simkit.Faults{})
	if u.Summary == nil {
		t.Fatalf("undo under a 429 storm: %v", err)
	}
	d, _ := k.a.RunDetail(ctx, u.Summary.RunID)
	t.Logf("undo under a 429 storm: %v %+v errors %d", err, u.Summary, len(d.Errors))
	if u.Summary.Status == "success" || !strings.Contains(u.Summary.Message, fmt.Sprintf("undo run %d again", runID)) {
		t.Errorf("the undo under a 429 storm: %s: %q; want it not a success, saying to undo run %d again", u.Summary.Status, u.Summary.Message, runID)
	}
	first := len(auditedUndos(t, k.a, []int64{u.Summary.RunID}, before))
	k.clock.step(time.Minute)
	again, err := k.a.Undo(ctx, runID, app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Status != "success" || len(again.Plan.Review) != 0 {
		t.Fatalf("undo again: %v %+v review %+v", err, again.Summary, again.Plan.Review)
	}
	t.Logf("first undo wrote %d back, the undo again %d", first, again.Summary.Updated)
	if first+again.Summary.Updated != 2*n {
		t.Errorf("the first undo wrote %d back and the undo again %d; want %d in all", first, again.Summary.Updated, 2*n)
	}
	checkUndone(t, k.srv, toSF, toHS, before)
	audited := auditedUndos(t, k.a, []int64{u.Summary.RunID, again.Summary.RunID}, before)
	shown := 0
	for id, c := range audited {
		if c != 1 {
			t.Errorf("record %s: its title written back is audited %d times", id, c)
			for _, run := range []int64{u.Summary.RunID, again.Summary.RunID} {
				rows, _ := k.a.DB().Audit(context.Background(), run)
				for _, r := range rows {
					if r.RecordID == id && shown < 6 {
						shown++
						t.Logf("run %d: %+v", run, r)
					}
				}
			}
		}
	}
	if len(audited) != 2*n {
		t.Errorf("%d records audited as written back, want %d", len(audited), 2*n)
	}
}
