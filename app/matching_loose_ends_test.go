package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// TestLinkFollowsMerge: a new HubSpot contact has three Salesforce
// Contacts of its email, so it waits in review. An admin merges two of
// them (the survivor still ambiguous with the third), and the user links
// the item to the Contact merged away: the link follows the merge to the
// survivor, as HubSpot's merge moves associations, and nothing is created.
func TestLinkFollowsMerge(t *testing.T) {
	ctx := context.Background()
	a, srv, hID, ids, item := ambiguousContact(t, 508, 3, "ines.thrice@example.com", "Thrice")
	sf := srv.Salesforce()
	if err := a.Decide(ctx, item, engine.Decision{Action: "link", OtherID: ids[1]}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if err := sf.Merge("Contact", ids[0], ids[1]); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
		if hsN, sfN, _ := dupes4Count(srv, "ines.thrice@example.com"); hsN != 1 || sfN != 2 {
			t.Fatalf("run %d: HubSpot %d, Salesforce %d records of Ines, want 1 and 2; %s", i, hsN, sfN, line)
		}
		if b := linkedB(t, a, "contacts", hID); b != ids[0] {
			t.Fatalf("run %d: HubSpot %s is linked to %q, want the survivor %s (%s, the Contact the user chose, was merged into it); %s", i, hID, b, ids[0], ids[1], line)
		}
	}
	after, _ := a.Reviews(ctx, "contacts", "", "open")
	for _, r := range after {
		if r.RecordID == hID {
			t.Errorf("review item %d (%s) on %s is still open after the user linked it: %s", r.ID, r.Kind, r.RecordID, r.Detail)
		}
	}
}

// TestPastedEmailForms: a Pipedrive person's email pasted from a
// mail client ("mailto:...", "<...>") or typed with the domain's trailing
// dot (a fully qualified name, the same domain in DNS) is the HubSpot
// contact's address: linked, not created again. A plus address is another
// mailbox: never linked to it.
func TestPastedEmailForms(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 509, 4)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatal(err)
	}
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	forms := map[string]string{
		"ann.paste@example.com": "mailto:ann.paste@example.com",
		"bob.paste@example.com": "<bob.paste@example.com>",
		"cat.paste@example.com": "Cat.Paste@Example.com.",
	}
	for plain, pasted := range forms {
		if _, err := hs.Create("contacts", map[string]string{"email": plain, "firstname": "Same", "lastname": "Person"}); err != nil {
			t.Fatal(err)
		}
		if _, err := pd.CreatePerson(map[string]any{"name": "Same Person",
			"emails": []any{map[string]any{"value": pasted, "primary": true}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pd.CreatePerson(map[string]any{"name": "Ann Plus",
		"emails": []any{map[string]any{"value": "ann.paste+news@example.com", "primary": true}}}); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoPipedriveSync("pd-contacts", "hs", "pd", ""))
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "pd-contacts", app.RunOptions{Confirm: true})
		line := app.SyncOutcome{Sync: "pd-contacts", Result: res, Err: err}.Line()
		count := map[string]int{}
		for _, r := range hs.Records("contacts") {
			if r.Archived {
				continue
			}
			e := strings.ToLower(r.Properties["email"])
			e = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(e, "mailto:"), "<"), ">")
			count[strings.TrimSuffix(e, ".")]++
		}
		for plain, pasted := range forms {
			if count[plain] != 1 {
				t.Errorf("run %d: HubSpot holds %d contacts of %s (Pipedrive has it as %q), want 1; %s", i, count[plain], plain, pasted, line)
			}
		}
		if count["ann.paste+news@example.com"] != 1 {
			t.Errorf("run %d: HubSpot holds %d contacts of the plus address, want 1 (its own); %s", i, count["ann.paste+news@example.com"], line)
		}
		for _, p := range pd.Persons() {
			if !p.Deleted && p.Name == "Same Person" && len(p.Emails) > 0 {
				n := 0
				for _, q := range pd.Persons() {
					if !q.Deleted && q.Name == "Same Person" {
						n++
					}
				}
				if n != 3 {
					t.Fatalf("run %d: Pipedrive holds %d persons named Same Person, want 3; %s", i, n, line)
				}
				break
			}
		}
	}
}

// TestNoEmailPhoneMatch: a contacts sync matched by email, then by
// phone. People with no email: the same person in both CRMs, the phone in
// two formats, is linked, not created twice; two people sharing a
// switchboard phone (different names) go to review, neither written over
// the other nor created as its copy.
func TestNoEmailPhoneMatch(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 510, 0)
	def := phoneMatchedContactsSync()
	saveSyncs(t, a, def)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	cH := mustCreateHS(t, hs, "contacts", map[string]string{"firstname": "Cara", "lastname": "Lund", "phone": "+1 415 555 0199"})
	cS := mustCreateSF(t, sf, "Contact", map[string]string{"FirstName": "Cara", "LastName": "Lund", "Phone": "(415) 555-0199"})
	aH := mustCreateHS(t, hs, "contacts", map[string]string{"firstname": "Ann", "lastname": "Berg", "phone": "+1 415 555 0100"})
	bS := mustCreateSF(t, sf, "Contact", map[string]string{"FirstName": "Bob", "LastName": "Dahl", "Phone": "(415) 555-0100"})
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
		if !isLinked(t, a, "contacts", cH.ID, cS.ID) {
			t.Errorf("run %d: HubSpot %s and Salesforce %s (Cara Lund, one phone in two formats) not linked; %s", i, cH.ID, cS.ID, line)
		}
		names := contactNameCounts(hs, sf)
		for _, n := range []string{"hs Cara Lund", "sf Cara Lund", "hs Ann Berg", "sf Bob Dahl"} {
			if names[n] != 1 {
				t.Errorf("run %d: %d records of %s, want 1: %v; %s", i, names[n], n, names, line)
			}
		}
		if names["hs Bob Dahl"]+names["sf Ann Berg"] != 0 {
			t.Errorf("run %d: a switchboard colleague was created as the other's copy: %v; %s", i, names, line)
		}
		for _, l := range syncLinks(t, a, "contacts") {
			if l.AID == aH.ID || l.BID == bS.ID {
				t.Fatalf("run %d: HubSpot %s (Ann Berg) linked to Salesforce %s by the switchboard phone; %s", i, l.AID, l.BID, line)
			}
		}
		if len(openReviewsNaming(t, a, "contacts", aH.ID)) == 0 {
			t.Errorf("run %d: no open review item names HubSpot %s (Ann Berg, sharing Bob Dahl's phone); %s", i, aH.ID, line)
		}
	}
}

// phoneMatchedContactsSync is the ready-made contacts sync with one more
// match rule, by phone in E.164 form, that must also agree on also.
func phoneMatchedContactsSync(also ...string) engine.Definition {
	def := app.DemoSync("contacts", "hs", "sf")
	def.Match = append(def.Match, engine.MatchRule{A: "phone", B: "Phone", Normalize: "e164", Also: also})
	return def
}

// contactNameCounts counts the live contacts of each CRM by "hs First
// Last" and "sf First Last", to tell a link from a copy.
func contactNameCounts(hs *hubspot.Sim, sf *salesforce.Sim) map[string]int {
	names := map[string]int{}
	for _, r := range hs.Records("contacts") {
		if !r.Archived {
			names["hs "+r.Properties["firstname"]+" "+r.Properties["lastname"]]++
		}
	}
	for _, r := range sf.Records("Contact") {
		if !r.Deleted {
			names["sf "+r.Fields["FirstName"]+" "+r.Fields["LastName"]]++
		}
	}
	return names
}
