package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestNotesSyncEndToEnd syncs HubSpot notes with Salesforce classic Notes
// over real HTTP after the contacts sync:
//   - each note is created once on the other side, on the contact linked to
//     its own, its text the same: HubSpot's HTML read as text, Salesforce's
//     text written as HTML that reads the same;
//   - a Note created from HubSpot is titled with the note's first line, and
//     a note created from Salesforce is dated at the Note's creation;
//   - a note already in both CRMs on linked contacts is linked, not copied;
//   - notes on an Account, or with no contact, stay where they are;
//   - a Salesforce title someone wrote survives later edits of the body;
//   - a Note whose Contact is not linked yet waits, uncreated, and is
//     created on its contact once the contacts sync links it;
//   - runs with nothing new write nothing.
func TestNotesSyncEndToEnd(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 53, 60)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoNotesSync("notes", "hs", "sf", "contacts"))
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("contacts run: %v %+v", err, res)
	}
	sfContactOf := map[string]string{} // HubSpot contact -> Salesforce Contact
	var pair [2]string                 // a linked pair of contacts
	for _, l := range syncLinks(t, a, "contacts") {
		sfContactOf[l.AID] = l.BID
		pair = [2]string{l.AID, l.BID}
	}

	// The same note in both CRMs, on the same person.
	sameHS, err := hs.Create("notes", map[string]string{"hs_note_body": "<p>Asked for the   security review</p>", "hs_timestamp": "2026-11-30T10:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hs.SeedAssociations("notes", "contacts", map[string]string{sameHS.ID: pair[0]}); err != nil {
		t.Fatal(err)
	}
	sameSF, err := sf.Create("Note", map[string]string{"Title": "Security", "Body": "Asked for the security review", "ParentId": pair[1]})
	if err != nil {
		t.Fatal(err)
	}
	// Notes that are not a contact's.
	acct, _ := sf.Create("Account", map[string]string{"Name": "Notes Test Inc"})
	onAccount, err := sf.Create("Note", map[string]string{"Title": "Account plan", "Body": "Expand to EMEA", "ParentId": acct.ID})
	if err != nil {
		t.Fatal(err)
	}
	orphan, _ := hs.Create("notes", map[string]string{"hs_note_body": "A note on nobody", "hs_timestamp": "2026-11-30T10:00:00Z"})
	// A note with no text becomes a Note titled "Note".
	blank, _ := hs.Create("notes", map[string]string{"hs_note_body": "<p> </p>", "hs_timestamp": "2026-11-30T10:00:00Z"})
	if err := hs.SeedAssociations("notes", "contacts", map[string]string{blank.ID: pair[0]}); err != nil {
		t.Fatal(err)
	}

	first, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("notes run: %v %+v\n%s", err, first, first.Plan.Summary())
	}
	if c := first.Plan.Counts; c.CreateA == 0 || c.CreateB == 0 {
		t.Fatalf("notes run: %+v, want notes created on both sides\n%s", c, first.Plan.Summary())
	}
	for _, sk := range first.Plan.Skips {
		if sk.ID == onAccount.ID && strings.Contains(sk.Reason, "not created yet") {
			t.Errorf("the Account's Note waits for a contact link: %s", sk.Reason)
		}
	}
	var fromHS, fromSF [2]string // a note created from each side: HubSpot id, Salesforce id
	sameLinked, blankSynced := false, false
	for _, l := range syncLinks(t, a, "notes") {
		h, _ := hs.Get("notes", l.AID)
		s, _ := sf.Get("Note", l.BID)
		contacts, _ := hs.Associated("notes", l.AID, "contacts")
		switch {
		case l.AID == orphan.ID || l.BID == onAccount.ID:
			t.Fatalf("note %s ↔ Note %s synced; it is on no contact", l.AID, l.BID)
		case l.AID == blank.ID:
			blankSynced = s.Fields["Title"] == "Note" && s.Fields["Body"] == ""
			continue
		case l.AID == sameHS.ID:
			sameLinked = l.BID == sameSF.ID
		}
		if len(contacts) != 1 || sfContactOf[contacts[0]] != s.Fields["ParentId"] {
			t.Errorf("note %s on contacts %v; its Note %s is on %s", l.AID, contacts, l.BID, s.Fields["ParentId"])
		}
		text := strings.NewReplacer("<p>", "", "</p>", "\n", "<b>", "", "</b>", "", "&amp;", "&", "<br>", "\n").Replace(h.Properties["hs_note_body"])
		if strings.Join(strings.Fields(text), " ") != strings.Join(strings.Fields(s.Fields["Body"]), " ") {
			t.Errorf("note %s body %q, its Note %s body %q", l.AID, h.Properties["hs_note_body"], l.BID, s.Fields["Body"])
		}
		switch l.CreatedBy {
		case "b": // the Salesforce Note was created, from HubSpot
			if line, _, _ := strings.Cut(s.Fields["Body"], "\n"); s.Fields["Title"] != line {
				t.Errorf("Note %s titled %q, want its first line %q", l.BID, s.Fields["Title"], line)
			}
			fromHS = [2]string{l.AID, l.BID}
		case "a":
			if !instant(h.Properties["hs_timestamp"]).Equal(instant(s.Fields["CreatedDate"])) {
				t.Errorf("note %s dated %s, its Note created %s", l.AID, h.Properties["hs_timestamp"], s.Fields["CreatedDate"])
			}
			if !strings.Contains(h.Properties["hs_note_body"], "<br>") {
				t.Errorf("note %s body %q: the Note's line break is not kept", l.AID, h.Properties["hs_note_body"])
			}
			fromSF = [2]string{l.AID, l.BID}
		}
	}
	if !sameLinked || !blankSynced || fromHS[0] == "" || fromSF[0] == "" {
		t.Fatalf("same note linked: %v; blank note synced as an empty Note titled Note: %v; created from HubSpot %v, from Salesforce %v",
			sameLinked, blankSynced, fromHS, fromSF)
	}
	if again, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second notes run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	// Someone titles the Note in Salesforce, then the body changes in
	// HubSpot: the body follows, the title stays.
	if _, err := sf.Update("Note", fromHS[1], map[string]string{"Title": "Renewal (pricing)"}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("notes", fromHS[0], map[string]string{"hs_note_body": "<p>Renewal moved to <i>January</i></p>"}); err != nil {
		t.Fatal(err)
	}
	// A Salesforce Note's body edited in Salesforce, on two lines.
	if _, err := sf.Update("Note", fromSF[1], map[string]string{"Body": "Budget approved\n\nR&D <sign-off> pending"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Updated != 2 {
		t.Fatalf("run after the edits: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if s, _ := sf.Get("Note", fromHS[1]); s.Fields["Title"] != "Renewal (pricing)" || s.Fields["Body"] != "Renewal moved to January" {
		t.Errorf("Note %s after the edits: title %q, body %q", fromHS[1], s.Fields["Title"], s.Fields["Body"])
	}
	if h, _ := hs.Get("notes", fromSF[0]); h.Properties["hs_note_body"] != "Budget approved<br><br>R&amp;D &lt;sign-off&gt; pending" {
		t.Errorf("note %s after its Note was edited: %q", fromSF[0], h.Properties["hs_note_body"])
	}
	if again, err := a.Run(ctx, "notes", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("run after the edits' run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	// A new Contact with a Note, the Note synced before the contact.
	newContact, err := sf.Create("Contact", map[string]string{"LastName": "Latecomer", "Email": "latecomer@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	late, err := sf.Create("Note", map[string]string{"Title": "First call", "Body": "Met at the conference", "ParentId": newContact.ID})
	if err != nil {
		t.Fatal(err)
	}
	res, err = a.Run(ctx, "notes", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Created != 0 || res.Plan.Counts.WaitingLink != 1 {
		t.Fatalf("notes run before its contact is linked: %v %+v waiting %d, want nothing created and one waiting\n%s",
			err, res.Summary, res.Plan.Counts.WaitingLink, res.Plan.Summary())
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created != 1 {
		t.Fatalf("contacts run: %v %+v", err, res.Summary)
	}
	res, err = a.Run(ctx, "notes", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Created != 1 {
		t.Fatalf("notes run after its contact is linked: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	var hsContact string
	for _, l := range syncLinks(t, a, "contacts") {
		if l.BID == newContact.ID {
			hsContact = l.AID
		}
	}
	for _, l := range syncLinks(t, a, "notes") {
		if l.BID == late.ID {
			if contacts, _ := hs.Associated("notes", l.AID, "contacts"); len(contacts) != 1 || contacts[0] != hsContact {
				t.Fatalf("note %s from the late Note on contacts %v, want %s", l.AID, contacts, hsContact)
			}
			return
		}
	}
	t.Fatalf("Note %s is not linked after its contact was", late.ID)
}
