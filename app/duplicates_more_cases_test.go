package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// dupes4Count is how many live records of each vendor hold email, read
// as the vendor would compare it (trimmed, lower case).
func dupes4Count(srv *sandbox.Server, email string) (hs, sf, pd int) {
	same := func(v string) bool { return strings.EqualFold(strings.TrimSpace(v), email) }
	for _, r := range srv.HubSpot().Records("contacts") {
		if !r.Archived && same(r.Properties["email"]) {
			hs++
		}
	}
	for _, r := range srv.Salesforce().Records("Contact") {
		if !r.Deleted && same(r.Fields["Email"]) {
			sf++
		}
	}
	for _, p := range srv.Pipedrive().Persons() {
		for _, e := range p.Emails {
			if !p.Deleted && same(e.Value) {
				pd++
				break
			}
		}
	}
	return hs, sf, pd
}

// dupes4TwoFeeds is HubSpot fed by Salesforce and Pipedrive, with one
// person new in both, the email typed differently, not yet in HubSpot.
func dupes4TwoFeeds(t *testing.T, seed int64) (*app.App, *sandbox.Server) {
	t.Helper()
	ctx := context.Background()
	a, srv := connectedSandbox(t, seed, 6)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoSync("sf-contacts", "hs", "sf"), app.DemoPipedriveSync("pd-contacts", "hs", "pd", ""))
	if _, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Salesforce().Create("Contact", map[string]string{"FirstName": "Jane", "LastName": "Twofeeds", "Email": "Jane.Twofeeds@Example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Pipedrive().CreatePerson(map[string]any{"name": "Jane Twofeeds",
		"emails": []any{map[string]any{"value": "jane.twofeeds@example.com", "primary": true}}}); err != nil {
		t.Fatal(err)
	}
	return a, srv
}

// TestSyncAllTwoFeedsOnePerson: one Sync all must leave the person
// once in each CRM, and a second Sync all must not add one.
func TestSyncAllTwoFeedsOnePerson(t *testing.T) {
	ctx := context.Background()
	a, srv := dupes4TwoFeeds(t, 401)
	for i := 1; i <= 2; i++ {
		out, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, o := range out {
			lines = append(lines, o.Line())
		}
		if hs, sf, pd := dupes4Count(srv, "jane.twofeeds@example.com"); hs != 1 || sf != 1 || pd != 1 {
			t.Fatalf("after Sync all %d: HubSpot %d, Salesforce %d, Pipedrive %d records of Jane, want 1 each; ran:\n%s", i, hs, sf, pd, strings.Join(lines, "\n"))
		}
	}
}

// TestOverlappingRunsTwoFeedsOnePerson: the two syncs' scheduled
// runs overlap; both plan to create Jane in HubSpot. HubSpot keeps emails
// unique, so one create is refused: it must end linked, not failed, and
// no CRM may hold her twice.
func TestOverlappingRunsTwoFeedsOnePerson(t *testing.T) {
	ctx := context.Background()
	a, srv := dupes4TwoFeeds(t, 402)
	var wg sync.WaitGroup
	lines := make([]string, 2)
	for i, n := range []string{"sf-contacts", "pd-contacts"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := a.Run(ctx, n, app.RunOptions{Confirm: true, Trigger: "scheduled"})
			lines[i] = app.SyncOutcome{Sync: n, Result: res, Err: err}.Line()
		}()
	}
	wg.Wait()
	if hs, sf, pd := dupes4Count(srv, "jane.twofeeds@example.com"); hs != 1 || sf != 1 || pd != 1 {
		t.Fatalf("after overlapping runs: HubSpot %d, Salesforce %d, Pipedrive %d records of Jane, want 1 each; ran:\n%s", hs, sf, pd, strings.Join(lines, "\n"))
	}
	// The next runs settle: nothing is created, nothing fails.
	for _, n := range []string{"sf-contacts", "pd-contacts"} {
		res, err := a.Run(ctx, n, app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatalf("%s after the overlap: %v", n, err)
		}
		if s := res.Summary; s.Created != 0 || s.Failed != 0 {
			t.Errorf("%s after the overlap: %s", n, app.SyncOutcome{Sync: n, Result: res}.Line())
		}
	}
	if hs, sf, pd := dupes4Count(srv, "jane.twofeeds@example.com"); hs != 1 || sf != 1 || pd != 1 {
		t.Fatalf("after the next runs: HubSpot %d, Salesforce %d, Pipedrive %d records of Jane, want 1 each; first runs:\n%s", hs, sf, pd, strings.Join(lines, "\n"))
	}
	t.Logf("overlapping runs:\n%s", strings.Join(lines, "\n"))
}

// runContactsTwiceOneEach runs the contacts sync twice; after each run
// HubSpot and Salesforce must hold one record of email each, else notOne
// reports the counts and the run's outcome line.
func runContactsTwiceOneEach(ctx context.Context, t *testing.T, a *app.App, srv *sandbox.Server, email string, notOne func(run, hs, sf int, line string)) {
	t.Helper()
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		if hs, sf, _ := dupes4Count(srv, strings.ToLower(email)); hs != 1 || sf != 1 {
			notOne(i, hs, sf, app.SyncOutcome{Sync: "contacts", Result: res}.Line())
		}
	}
}

// TestDeletedAndRecreatedInHubSpot: a user deletes a synced HubSpot
// contact and makes it again, same email in another case, before the
// next run. Salesforce must not get a second Contact for her.
func TestDeletedAndRecreatedInHubSpot(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 403, false)
	var hsID, sfID, email string
	for _, l := range links {
		if h, ok := srv.HubSpot().Get("contacts", l.AID); ok && h.Properties["email"] != "" {
			hsID, sfID, email = l.AID, l.BID, h.Properties["email"]
			break
		}
	}
	if hsID == "" {
		t.Fatal("no linked HubSpot contact with an email")
	}
	if !srv.HubSpot().Archive("contacts", hsID) {
		t.Fatal("archive")
	}
	again := mustCreateHS(t, srv.HubSpot(), "contacts", map[string]string{"email": strings.ToUpper(email[:1]) + email[1:], "firstname": "Again", "lastname": "Made"})
	runContactsTwiceOneEach(ctx, t, a, srv, email, func(i, hs, sf int, line string) {
		t.Fatalf("run %d after HubSpot %s was deleted and made again as %s: HubSpot %d, Salesforce %d records of %s, want 1 each (Salesforce %s was hers); %s",
			i, hsID, again.ID, hs, sf, email, sfID, line)
	})
}

// TestDeletedAndRecreatedInSalesforce: the same in Salesforce.
func TestDeletedAndRecreatedInSalesforce(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 404, false)
	var hsID, sfID, email string
	for _, l := range links {
		if r, ok := srv.Salesforce().Get("Contact", l.BID); ok && r.Fields["Email"] != "" {
			hsID, sfID, email = l.AID, l.BID, r.Fields["Email"]
			break
		}
	}
	if sfID == "" {
		t.Fatal("no linked Salesforce Contact with an email")
	}
	if !srv.Salesforce().Delete("Contact", sfID) {
		t.Fatal("delete")
	}
	again := mustCreateSF(t, srv.Salesforce(), "Contact", map[string]string{"Email": strings.ToUpper(email), "FirstName": "Again", "LastName": "Made"})
	runContactsTwiceOneEach(ctx, t, a, srv, email, func(i, hs, sf int, line string) {
		t.Fatalf("run %d after Salesforce %s was deleted and made again as %s: HubSpot %d, Salesforce %d records of %s, want 1 each (HubSpot %s was hers); %s",
			i, sfID, again.ID, hs, sf, email, hsID, line)
	})
}

// TestDeletedAndRecreatedPipedrive: the same beside Pipedrive, which
// keeps no email unique: a HubSpot contact deleted and made again must
// not give Pipedrive a second person, nor a Pipedrive person deleted and
// made again a failed create in HubSpot.
func TestDeletedAndRecreatedPipedrive(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 405, 8, "pipedrive", "pd", app.DemoPipedriveSync("pd-contacts", "hs", "pd", ""))
	links := syncLinks(t, a, "pd-contacts")
	if len(links) < 2 {
		t.Fatalf("links: %v", links)
	}
	var picked [][2]string // HubSpot id, email
	for _, l := range links {
		if h, ok := srv.HubSpot().Get("contacts", l.AID); ok && h.Properties["email"] != "" {
			picked = append(picked, [2]string{l.AID, h.Properties["email"]})
		}
	}
	if len(picked) < 2 {
		t.Fatal("fewer than two linked contacts with an email")
	}
	// The first made again in HubSpot, the second in Pipedrive.
	if !srv.HubSpot().Archive("contacts", picked[0][0]) {
		t.Fatal("archive")
	}
	if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": strings.ToUpper(picked[0][1]), "firstname": "Again", "lastname": "Made"}); err != nil {
		t.Fatal(err)
	}
	var pdID int64
	for _, l := range links {
		if l.AID == picked[1][0] {
			if _, err := fmtSscan(l.BID, &pdID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := srv.Pipedrive().DeletePerson(pdID); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Pipedrive().CreatePerson(map[string]any{"name": "Again Made",
		"emails": []any{map[string]any{"value": strings.ToUpper(picked[1][1]), "primary": true}}}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "pd-contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		line := app.SyncOutcome{Sync: "pd-contacts", Result: res}.Line()
		for _, p := range picked[:2] {
			if hs, _, pd := dupes4Count(srv, strings.ToLower(p[1])); hs != 1 || pd != 1 {
				t.Errorf("run %d: HubSpot %d, Pipedrive %d records of %s, want 1 each; %s", i, hs, pd, p[1], line)
			}
		}
		if res.Summary.Failed != 0 {
			t.Errorf("run %d failed records: %s", i, line)
		}
	}
}

// TestEmailFormsOfOnePerson: the same address typed in another case,
// and with its domain in Unicode on one side and punycode (IDNA, RFC 5891:
// the same domain) on the other, is one person: linked, not created on
// each side. A plus address is another mailbox: never linked to it.
func TestEmailFormsOfOnePerson(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 406, 4)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	pairs := [][2]string{
		{"Lena@Bücher.example", "lena@xn--bcher-kva.example"},
		{"OMAR@MÜNCHEN-Kanzlei.example", "omar@xn--mnchen-kanzlei-gsb.example"},
		{"Ruth.Case@Example.com", "ruth.case@example.com"},
	}
	for _, p := range pairs {
		if _, err := hs.Create("contacts", map[string]string{"email": p[0], "firstname": "Same", "lastname": "Person"}); err != nil {
			t.Fatal(err)
		}
		if _, err := sf.Create("Contact", map[string]string{"Email": p[1], "FirstName": "Same", "LastName": "Person"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sf.Create("Contact", map[string]string{"Email": "ruth.case+news@example.com", "FirstName": "Ruth", "LastName": "Plus"}); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	line := app.SyncOutcome{Sync: "contacts", Result: res}.Line()
	forms := func(p [2]string) (h, s int) {
		for _, r := range hs.Records("contacts") {
			if v := strings.ToLower(r.Properties["email"]); !r.Archived && (v == strings.ToLower(p[0]) || v == p[1]) {
				h++
			}
		}
		for _, r := range sf.Records("Contact") {
			if v := strings.ToLower(r.Fields["Email"]); !r.Deleted && (v == strings.ToLower(p[0]) || v == p[1]) {
				s++
			}
		}
		return h, s
	}
	for _, p := range pairs {
		if h, s := forms(p); h != 1 || s != 1 {
			t.Errorf("%s and %s: HubSpot holds %d, Salesforce %d, want 1 each; %s", p[0], p[1], h, s, line)
		}
	}
	if h, _ := forms([2]string{"ruth.case+news@example.com", "ruth.case+news@example.com"}); h != 1 {
		t.Errorf("the plus address: HubSpot holds %d, want 1 (its own contact); %s", h, line)
	}
}

// TestApprovedCreateOfMergedContact: a new HubSpot contact waits in
// review (unmatched: review). Before the decision is applied, someone
// merges it into a contact already synced. Approving "create" must not
// give Salesforce a second Contact for the merged person.
func TestApprovedCreateOfMergedContact(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 407, 6)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Unmatched = engine.UnmatchedReview
	saveSyncs(t, a, def)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	kept := mustCreateHS(t, hs, "contacts", map[string]string{"email": "kim.kept@example.com", "firstname": "Kim", "lastname": "Kept"})
	if _, err := sf.Create("Contact", map[string]string{"Email": "kim.kept@example.com", "FirstName": "Kim", "LastName": "Kept"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	dup := mustCreateHS(t, hs, "contacts", map[string]string{"email": "kim.second@example.com", "firstname": "Kim", "lastname": "Kept"})
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	var item int64
	rs, err := a.Reviews(ctx, "contacts", "", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.RecordID == dup.ID {
			item = r.ID
		}
	}
	if item == 0 {
		t.Fatalf("no open review item for HubSpot %s: %+v", dup.ID, rs)
	}
	time.Sleep(5 * time.Millisecond)
	merged, err := hs.Merge("contacts", kept.ID, dup.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Decide(ctx, item, engine.Decision{Action: "create"}); err != nil {
		t.Logf("decision refused: %v", err)
	}
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
		n := 0
		for _, r := range sf.Records("Contact") {
			if e := strings.ToLower(r.Fields["Email"]); !r.Deleted && (e == "kim.kept@example.com" || e == "kim.second@example.com") {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("run %d after HubSpot %s was merged with %s into %s and its create approved: Salesforce holds %d Contacts of Kim, want 1; %s", i, dup.ID, kept.ID, merged, n, line)
		}
	}
}

// TestMergeSettlesAmbiguousMatch: a new HubSpot contact has two
// Salesforce Contacts of its email (Salesforce does not dedupe), so it
// waits in review. A Salesforce admin merges the two: one candidate is
// left, so the next run links it, nothing created, and the items close.
func TestMergeSettlesAmbiguousMatch(t *testing.T) { mergedAmbiguity(t, false) }

// TestApprovedLinkToMergedContact: the same, and the user, from the
// item as listed, links it to the Contact merged away before the run.
func TestApprovedLinkToMergedContact(t *testing.T) { mergedAmbiguity(t, true) }

// ambiguousContact connects the sandbox (seed), runs the demo contacts
// sync once, then makes a HubSpot contact with n Salesforce Contacts of
// its email and runs again, so it waits in review: it returns the HubSpot
// id, the Salesforce ids and the open ambiguous item.
func ambiguousContact(t *testing.T, seed int64, n int, email, last string) (*app.App, *sandbox.Server, string, []string, int64) {
	t.Helper()
	ctx := context.Background()
	a, srv := connectedSandbox(t, seed, 6)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	hs, sf := srv.HubSpot(), srv.Salesforce()
	time.Sleep(5 * time.Millisecond)
	h := mustCreateHS(t, hs, "contacts", map[string]string{"email": email, "firstname": "Ines", "lastname": last})
	var ids []string
	for i := 0; i < n; i++ {
		r := mustCreateSF(t, sf, "Contact", map[string]string{"Email": strings.ToUpper(email[:1]) + email[1:], "FirstName": "Ines", "LastName": last})
		ids = append(ids, r.ID)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	rs, err := a.Reviews(ctx, "contacts", "ambiguous", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.RecordID == h.ID {
			return a, srv, h.ID, ids, r.ID
		}
	}
	t.Fatalf("no open ambiguous item for HubSpot %s: %+v", h.ID, rs)
	return nil, nil, "", nil, 0
}

func mergedAmbiguity(t *testing.T, decide bool) {
	ctx := context.Background()
	a, srv, hID, ids, item := ambiguousContact(t, 408, 2, "ines.twice@example.com", "Twice")
	sf := srv.Salesforce()
	time.Sleep(5 * time.Millisecond)
	if err := sf.Merge("Contact", ids[0], ids[1]); err != nil {
		t.Fatal(err)
	}
	if decide {
		if err := a.Decide(ctx, item, engine.Decision{Action: "link", OtherID: ids[1]}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
		if hsN, sfN, _ := dupes4Count(srv, "ines.twice@example.com"); hsN != 1 || sfN != 1 {
			t.Fatalf("run %d: HubSpot %d, Salesforce %d records of Ines, want 1 each; %s", i, hsN, sfN, line)
		}
	}
	after, _ := a.Reviews(ctx, "contacts", "", "")
	for _, r := range after {
		if r.Status == "open" && (r.RecordID == hID || r.RecordID == ids[0] || r.RecordID == ids[1]) {
			t.Errorf("review item %d (%s) on %s is still open after the merge settled it: %s", r.ID, r.Kind, r.RecordID, r.Detail)
		}
	}
	if b := linkedB(t, a, "contacts", hID); b != ids[0] {
		t.Errorf("HubSpot %s is linked to %q, want the survivor %s (%s was merged into it)", hID, b, ids[0], ids[1])
	}
}
