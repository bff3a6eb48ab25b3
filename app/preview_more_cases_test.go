package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// statsGrowth lists the sandbox endpoints called between two snapshots.
func statsGrowth(before, after sandbox.Stats) []string {
	var out []string
	for vendor, eps := range after {
		for ep, n := range eps {
			if d := n - before[vendor][ep]; d > 0 {
				out = append(out, vendor+" "+ep)
			}
		}
	}
	slices.Sort(out)
	return out
}

// writeCalls keeps the calls that can change a CRM: all but GETs and the
// POSTs HubSpot reads with (search, batch read).
func writeCalls(calls []string) []string {
	var out []string
	for _, c := range calls {
		if strings.Contains(c, " GET ") || strings.HasSuffix(c, "/search") || strings.HasSuffix(c, "/batch/read") {
			continue
		}
		out = append(out, c)
	}
	return out
}

// previewAll previews every sync in defs and returns the sandbox
// endpoints the previews called.
func previewAll(t *testing.T, a *app.App, srv *sandbox.Server, defs []engine.Definition) []string {
	t.Helper()
	before := srv.Stats()
	for _, def := range defs {
		// A sync that waits for another's first run refuses to plan: that
		// is no write either.
		if _, err := a.Run(context.Background(), def.Name, app.RunOptions{DryRun: true}); err != nil {
			t.Logf("preview %s: %v", def.Name, err)
		}
	}
	return statsGrowth(before, srv.Stats())
}

// TestPreviewWritesNothingAnyVendor: previews of every ready-made
// sync (all eight vendors), before the first run and after one, call
// no endpoint that writes. Coverage: the existing tests check the
// records, not the calls, and only for HubSpot and Salesforce.
func TestPreviewWritesNothingAnyVendor(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	ctx := context.Background()
	a, srv := connectedSandbox(t, 53, 8)
	defs := app.DemoSyncs(connectAll(t, a, srv))
	saveSyncs(t, a, defs...)
	if w := writeCalls(previewAll(t, a, srv, defs)); len(w) > 0 {
		t.Errorf("first previews called write endpoints: %q", w)
	}
	if _, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil); err != nil {
		t.Fatalf("run all: %v", err)
	}
	if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": "late.one@example.com", "firstname": "Late", "lastname": "One"}); err != nil {
		t.Fatal(err)
	}
	if w := writeCalls(previewAll(t, a, srv, defs)); len(w) > 0 {
		t.Errorf("previews after a run called write endpoints: %q", w)
	}
}

// TestUndoAppliedFromPreviewSaysWhatItSkipped: an undo is previewed
// (two first names go back), then one of them is edited in HubSpot
// before the undo is applied. The undo rightly leaves the edited one, but
// the person approved the preview's two: the result must say which
// previewed change was not written, and the audit must hold only what
// was written.
func TestUndoAppliedFromPreviewSaysWhatItSkipped(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 61, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	for i, name := range []string{"Undo0", "Undo1"} {
		if _, err := sf.Update("Contact", links[i].BID, map[string]string{"FirstName": name}); err != nil {
			t.Fatal(err)
		}
	}
	run, err := a.Run(ctx, "contacts", app.RunOptions{})
	if err != nil || run.Summary.Updated != 2 {
		t.Fatalf("run: %v %+v", err, run.Summary)
	}
	preview, err := a.Undo(ctx, run.Summary.RunID, app.RunOptions{DryRun: true})
	if err != nil || preview.Plan.Counts.UpdateA != 2 {
		t.Fatalf("undo preview: %v\n%s", err, preview.Plan.Summary())
	}
	if _, err := hs.Update("contacts", links[1].AID, map[string]string{"firstname": "Edited Since"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Undo(ctx, run.Summary.RunID, app.RunOptions{Previewed: preview.Plan})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	if c, _ := hs.Get("contacts", links[1].AID); c.Properties["firstname"] != "Edited Since" {
		t.Errorf("undo overwrote an edit made since the run: %q", c.Properties["firstname"])
	}
	said := strings.Join(res.SincePreview, "\n")
	if !strings.Contains(said, links[1].AID) || !strings.Contains(said, "not written") {
		t.Errorf("the undo does not say the previewed change of %s was not written: %q", links[1].AID, res.SincePreview)
	}
	if strings.Contains(said, links[0].AID) {
		t.Errorf("the undo names %s, which it wrote as previewed: %q", links[0].AID, res.SincePreview)
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range d.Audit {
		if r.RecordID == links[1].AID {
			t.Errorf("the audit of the undo records a write it did not make: %+v", r)
		}
	}
}

// TestPreviewKeepsReviewDecisions: a conflict decided in Review
// ("take A") is shown by every preview and still applied by the run
// after them: previewing must not use the decision up.
func TestPreviewKeepsReviewDecisions(t *testing.T) {
	ctx := context.Background()
	a, srv, l := firstNameConflict(t)
	item := openItem(t, a, "conflict", l.AID, "firstname>FirstName")
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "take-a"}); err != nil {
		t.Fatal(err)
	}
	h, _ := srv.HubSpot().Get("contacts", l.AID)
	want := h.Properties["firstname"]
	for i := range 2 {
		p, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
		if err != nil || p.Plan.Counts.UpdateB != 1 {
			t.Fatalf("preview %d: %v\n%s", i+1, err, p.Plan.Summary())
		}
	}
	if c, _ := srv.Salesforce().Get("Contact", l.BID); c.Fields["FirstName"] == want {
		t.Fatalf("a preview wrote the decided value %q to Salesforce", want)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run after the previews: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if c, _ := srv.Salesforce().Get("Contact", l.BID); c.Fields["FirstName"] != want {
		t.Errorf("Salesforce first name %q after the run; want the decided %q", c.Fields["FirstName"], want)
	}
}

// TestWrittenValuesAreWhatTheAuditSays: after edits the vendors
// rewrite (a phone in local format, a multi-select, a mixed-case email, a
// blank city), every audit row of the run holds the value the target CRM
// now has, so History and Undo work from the truth.
func TestWrittenValuesAreWhatTheAuditSays(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 67, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if _, err := hs.Update("contacts", links[0].AID, map[string]string{"phone": "(415) 555-0134", "hs_buying_role": "CHAMPION;BLOCKER", "jobtitle": "  Head of Ops "}); err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Update("Contact", links[1].BID, map[string]string{"MailingCity": "", "FirstName": "Zoë", "Phone": "415.555.0177", "Email": "MiXed.Case@Example.com"}); err != nil {
		t.Fatal(err)
	}
	res := previewMatchesApply(t, a, "contacts")
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range d.Audit {
		if strings.HasPrefix(r.Field, "(") {
			continue
		}
		var now string
		switch r.Side {
		case "a":
			c, _ := hs.Get("contacts", r.RecordID)
			now = c.Properties[r.Field]
		case "b":
			c, _ := sf.Get("Contact", r.RecordID)
			now = c.Fields[r.Field]
		}
		if now != r.New {
			t.Errorf("audit says side %s %s %s became %q; the CRM holds %q", r.Side, r.RecordID, r.Field, r.New, now)
		}
	}
	if len(d.Audit) == 0 {
		t.Fatal("the run wrote nothing")
	}
}

// TestEveryDemoRunAuditsWhatTheCRMHolds: the first run of every
// ready-made sync between HubSpot, Salesforce and Zoho records, per
// field written, the value the target CRM then holds (dates, picklists,
// amounts, phones as the vendor keeps them). A time may be written in
// the vendor's own form of the same instant (".000Z", "+00:00").
func TestEveryDemoRunAuditsWhatTheCRMHolds(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	ctx := context.Background()
	a, srv := connectedSandbox(t, 71, 10)
	conns := connectAll(t, a, srv)
	defs := app.DemoSyncs(conns)
	saveSyncs(t, a, defs...)
	held := func(conn, object, id, field string) (string, bool) {
		switch conn {
		case conns.HubSpot:
			r, ok := srv.HubSpot().Get(object, id)
			return r.Properties[field], ok
		case conns.Salesforce:
			r, ok := srv.Salesforce().Get(object, id)
			return r.Fields[field], ok
		case conns.Zoho:
			r, ok := srv.Zoho().Get(object, id)
			if l, isList := r.Lists[field]; isList {
				return strings.Join(l, ";"), ok
			}
			return r.Fields[field], ok
		}
		return "", false
	}
	checked := 0
	for _, name := range app.RunOrder(defs) {
		var def engine.Definition
		for _, d := range defs {
			if d.Name == name {
				def = d
			}
		}
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary == nil {
			t.Logf("run %s: %v", name, err)
			continue
		}
		d, err := a.RunDetail(ctx, res.Summary.RunID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range d.Audit {
			if strings.HasPrefix(r.Field, "(") || strings.Contains(r.Field, ".") {
				continue // not a field of the record (an association, a parent)
			}
			conn, object := def.A.Connection, def.A.Object
			if r.Side == "b" {
				conn, object = def.B.Connection, def.B.Object
			}
			now, ok := held(conn, object, r.RecordID, r.Field)
			if !ok {
				continue // a vendor this test does not read
			}
			checked++
			if now != r.New && !sameInstant(now, r.New) {
				t.Errorf("%s: audit says %s %s %s %s became %q; the CRM holds %q", name, conn, object, r.RecordID, r.Field, r.New, now)
			}
		}
	}
	t.Logf("checked %d audit rows", checked)
	if checked == 0 {
		t.Fatal("no audit row checked")
	}
}

// sameInstant: a and b are the same time in two of the forms the vendors
// print (RFC 3339, with or without milliseconds, Salesforce's +0000).
func sameInstant(a, b string) bool {
	parse := func(s string) (time.Time, bool) {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-0700"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, true
			}
		}
		return time.Time{}, false
	}
	ta, okA := parse(a)
	tb, okB := parse(b)
	return okA && okB && ta.Equal(tb)
}
