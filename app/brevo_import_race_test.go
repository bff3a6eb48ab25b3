package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// bulkToBrevo is a HubSpot → Brevo sync that puts every contact it creates
// in Brevo's list: 50 or more such creates go through one import. It
// matches by first name: a sync matching by email upserts by email, one
// POST /v3/contacts each, and never imports.
func bulkToBrevo(name string, list int64) engine.Definition {
	return engine.Definition{
		Name: name,
		A:    engine.SideDef{Connection: "hs", Object: "contacts"},
		B:    engine.SideDef{Connection: "bv", Object: "contacts"},
		// Two-way, so that an import read back as changes would show.
		Direction: mapping.TwoWay,
		Match:     []engine.MatchRule{{A: "firstname", B: "FIRSTNAME", Normalize: "exact"}},
		Unmatched: engine.UnmatchedCreate,
		Conflict:  engine.ConflictNewer,
		Fields: []mapping.Field{
			{A: "email", B: "email", Transform: "lower"},
			{A: "firstname", B: "FIRSTNAME"},
			{A: "lastname", B: "LASTNAME", Rule: mapping.UnlessBlank},
			{A: "jobtitle", B: "listIds", Direction: mapping.AtoB, Default: fmt.Sprint(list)},
		},
		Schedule: "manual",
		Safety:   engine.Safety{MaxChangePercent: 100},
	}
}

// seedBulk creates n HubSpot contacts Brevo does not hold.
func seedBulk(t *testing.T, k *killable, n int) {
	t.Helper()
	for i := range n {
		if _, err := k.srv.HubSpot().Create("contacts", map[string]string{"email": fmt.Sprintf("bulk%02d@imp.example", i),
			"firstname": fmt.Sprintf("First%02d", i), "lastname": "Bulk"}); err != nil {
			t.Fatal(err)
		}
	}
}

// brevoByEmail is the Brevo contacts of each email.
func brevoByEmail(bv *brevo.Sim) map[string][]brevo.Contact {
	out := map[string][]brevo.Contact{}
	for _, c := range bv.Contacts() {
		e := strings.ToLower(c.Email)
		out[e] = append(out[e], c)
	}
	return out
}

// TestBrevoImportKilledBeforeReadBack: 60 creates for one list go
// through one import, and the process dies once Brevo accepted it, before
// the polls and the read-back. Brevo runs the import anyway. Started again:
// no contact twice, none in review as a duplicate, all 60 linked with
// their create in the audit, and the run after writes nothing.
func TestBrevoImportKilledBeforeReadBack(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	const n = 60
	k := killableApp(t, 0, [2]string{"hubspot", "hs"}, [2]string{"brevo", "bv"})
	bv := k.srv.Brevo()
	list := bv.CreateList("Newsletter")
	seedBulk(t, k, n)
	def := bulkToBrevo("bulk-kill", list)
	saveSyncs(t, k.a, def)
	ctx, cancel := k.killOn(1, postTo("/v3/contacts/import"))
	defer cancel()
	killed, err := k.a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	t.Logf("killed run: %v %+v lost=%v", err, killed.Summary, k.tr.lostCalls())
	if len(k.tr.lostCalls()) != 1 {
		t.Fatalf("the import was not killed: %v", k.tr.lostCalls())
	}
	k.clock.step(time.Minute) // Brevo runs the import meanwhile
	k.restart()
	res, errs := runAndErrors(t, k.a, def.Name)
	if res.Summary.Failed != 0 || len(errs) != 0 {
		t.Errorf("the run after the kill failed records: %+v %+v", res.Summary, errs)
	}
	items, err := k.a.Reviews(context.Background(), def.Name, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		t.Errorf("in review after the kill: %s %s %s", it.Kind, it.RecordID, it.Detail)
	}
	k.clock.step(time.Minute)
	if again, _ := runAndErrors(t, k.a, def.Name); again.Summary.Created+again.Summary.Updated+again.Summary.Failed != 0 {
		t.Errorf("the second run after the kill wrote: %+v\n%s", again.Summary, again.Plan.Summary())
	}
	byEmail := brevoByEmail(bv)
	linked := map[string]bool{}
	for _, l := range syncLinks(t, k.a, def.Name) {
		linked[l.BID] = true
	}
	for i := range n {
		e := fmt.Sprintf("bulk%02d@imp.example", i)
		if len(byEmail[e]) != 1 {
			t.Errorf("%s is %d Brevo contacts, want 1", e, len(byEmail[e]))
			continue
		}
		if id := fmt.Sprint(byEmail[e][0].ID); !linked[id] {
			t.Errorf("Brevo contact %s (%s) is not linked", id, e)
		}
	}
	audited := auditedCreates(t, k.a, def.Name, "b")
	for i := range n {
		if e := fmt.Sprintf("bulk%02d@imp.example", i); !audited[e] {
			t.Errorf("the create of %s is in no run's audit", e)
		}
	}
}

// TestBrevoImportRaceOtherCreate: while the import runs, another
// integration creates a Brevo contact with one of its emails. Brevo's
// import leaves that contact alone (updateExistingContacts false).
// crmsync did not create it: the audit must not say so, an undo of the
// run must not offer to delete it, and since this sync does not match by
// email, it goes to review as a duplicate naming that contact, as a plain
// create of a taken email does.
func TestBrevoImportRaceOtherCreate(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	const n = 60
	k := killableApp(t, 0, [2]string{"hubspot", "hs"}, [2]string{"brevo", "bv"})
	bv := k.srv.Brevo()
	list := bv.CreateList("Newsletter")
	seedBulk(t, k, n)
	def := bulkToBrevo("bulk-race", list)
	saveSyncs(t, k.a, def)
	const theirs = "bulk07@imp.example"
	var once sync.Once
	var otherID int64
	k.tr.setHook(func(r *http.Request) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/v3/processes/") {
			once.Do(func() {
				ids, err := bv.SeedContacts([]brevo.ContactSeed{{Email: theirs, Attributes: map[string]any{"FIRSTNAME": "Theirs"}}})
				if err != nil {
					t.Error(err)
					return
				}
				otherID = ids[0]
			})
		}
	})
	res, errs := runAndErrors(t, k.a, def.Name)
	k.tr.setHook(nil)
	if otherID == 0 {
		t.Fatal("no import was polled")
	}
	if res.Summary.Failed != 0 || len(errs) != 0 {
		t.Errorf("run: %+v %+v", res.Summary, errs)
	}
	if got := len(brevoByEmail(bv)[theirs]); got != 1 {
		t.Fatalf("%s is %d Brevo contacts", theirs, got)
	}
	other := fmt.Sprint(otherID)
	var link bool
	for _, l := range syncLinks(t, k.a, def.Name) {
		if l.BID == other {
			link = true
			if l.CreatedBy != "" {
				t.Errorf("the other integration's contact %s is linked as created by crmsync (%q)", other, l.CreatedBy)
			}
		}
	}
	items, err := k.a.Reviews(context.Background(), def.Name, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for _, it := range items {
		named = named || strings.Contains(it.Detail, other)
	}
	if !link && !named {
		t.Errorf("the other integration's contact %s is neither linked nor in review: %+v", other, items)
	}
	rows, err := k.a.DB().Audit(context.Background(), res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if row.Side == "b" && row.RecordID == other && strings.HasPrefix(row.Rule, engine.RuleCreate) {
			t.Errorf("the audit says crmsync created %s: %s %q → %q (%s)", other, row.Field, row.Old, row.New, row.Rule)
		}
	}
	k.clock.step(time.Minute)
	undo, err := k.a.Undo(context.Background(), res.Summary.RunID, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range undo.Plan.Review {
		if it.Kind == "delete" && (it.OtherID == other || it.RecordID == other) {
			t.Errorf("the undo offers to delete the other integration's contact: %+v", it)
		}
	}
}
