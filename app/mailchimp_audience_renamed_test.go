package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestChosenAudienceRenamedThenDeleted: an audience chosen by id
// ("members:<list id>") is renamed in Mailchimp from "Partners" to
// "Partners EU"; the sync editor lists it by its new name. Its admin then
// deletes it: the run's failure must name it as the user last saw it,
// "Partners EU", not the name kept from the schema read before the rename.
// The same for the connection's pinned default audience ("members").
func TestChosenAudienceRenamedThenDeleted(t *testing.T) {
	for _, chosen := range []bool{true, false} {
		name := map[bool]string{true: "chosen", false: "default"}[chosen]
		t.Run(name, func(t *testing.T) { renamedThenDeleted(t, chosen) })
	}
}

func renamedThenDeleted(t *testing.T, chosen bool) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 65, 4)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc"); err != nil {
		t.Fatalf("connect mailchimp: %v", err)
	}
	mc := srv.Mailchimp()
	def := plainMailchimpSync("partners")
	partners := mc.DefaultListID()
	if chosen {
		partners = mc.CreateList("Partners")
		def.B.Object = "members:" + partners
	} else if err := mc.RenameList(partners, "Partners"); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, def)
	if first, err := a.Run(ctx, "partners", app.RunOptions{Confirm: true}); err != nil || first.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, first.Summary)
	}
	if err := mc.RenameList(partners, "Partners EU"); err != nil {
		t.Fatal(err)
	}
	choices, err := a.ObjectChoices(ctx, "mc")
	if err != nil {
		t.Fatal(err)
	}
	listed := false
	for _, c := range choices {
		listed = listed || c.Name == def.B.Object && strings.Contains(c.Label, `"Partners EU"`)
	}
	if !listed {
		t.Fatalf("the editor lists %+v; want %s as \"Partners EU\"", choices, def.B.Object)
	}
	deleteAudienceOverAPI(t, srv, partners)
	for i := range 2 { // the second run finds no cached metadata left
		res, err := a.Run(ctx, "partners", app.RunOptions{Confirm: true})
		text := runOutcome(res, err)
		if err == nil && (res.Summary == nil || res.Summary.Status == "success") {
			t.Fatalf("run %d after the delete succeeded: %+v", i+1, res.Summary)
		}
		if !strings.Contains(text, `"Partners EU"`) || !strings.Contains(text, partners) {
			t.Errorf("run %d after the delete: the failure does not name \"Partners EU\" (%s):\n%s", i+1, partners, text)
		}
	}
}
