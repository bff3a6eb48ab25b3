package zoho

import (
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestDealsAndTasks: the connector offers Deals with their stages and
// Tasks with the contact lookup, and a task's Related To (a multi-module
// lookup, written with its $se_module) as read only and as one field per
// module; a deal created under an account and a task on a contact land in
// the sandbox with both lookups, a task related to the deal through
// What_Id.Deals carries $se_module Deals, and a task read back names its
// contact and its deal by id.
func TestDealsAndTasks(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 11})
	c := e.connect(t)
	ctx := t.Context()
	deals, err := c.Schema(ctx, "Deals")
	if err != nil {
		t.Fatal(err)
	}
	stage, ok := deals.Field("Stage")
	if !ok || stage.Type != connector.TypeEnum || !stage.Required || !hasOption(stage, "Closed Won") {
		t.Fatalf("Deals.Stage: %+v", stage)
	}
	tasks, err := c.Schema(ctx, "Tasks")
	if err != nil {
		t.Fatal(err)
	}
	if who, ok := tasks.Field("Who_Id"); !ok || who.Type != connector.TypeID || who.ReadOnly {
		t.Fatalf("Tasks.Who_Id: %+v, want a writable id", who)
	}
	if what, ok := tasks.Field("What_Id"); !ok || !what.ReadOnly {
		t.Fatalf("Tasks.What_Id: %+v, want read only", what)
	}
	if key, err := c.UpsertKey(ctx, "Deals"); err != nil || key != "" {
		t.Fatalf("Deals upsert key %q %v, want none", key, err)
	}

	acc, err := e.sim.Create("Accounts", map[string]any{"Account_Name": "Bentley Systems"})
	if err != nil {
		t.Fatal(err)
	}
	person, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(ctx, "Deals", []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{
		"Deal_Name": "Bentley renewal", "Stage": "Qualification", "Closing_Date": "2027-01-31", "Amount": "12500", "Account_Name": acc.ID}}})
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("create deal: %v %+v", err, res)
	}
	if d, _ := e.sim.Get("Deals", res[0].ID); d.Fields["Account_Name"] != acc.ID || d.Fields["Stage"] != "Qualification" || d.Fields["Closing_Date"] != "2027-01-31" {
		t.Fatalf("deal in Zoho: %+v", d.Fields)
	}
	res, err = c.Write(ctx, "Tasks", []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{
		"Subject": "Call about the renewal", "Status": "Not Started", "Priority": "High", "Due_Date": "2027-01-15", "Who_Id": person.ID}}})
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("create task: %v %+v", err, res)
	}
	taskID := res[0].ID
	dealID := ""
	for _, d := range e.sim.Records("Deals") {
		dealID = d.ID
	}
	res, err = c.Write(ctx, "Tasks", []connector.Op{{Kind: connector.OpUpdate, ID: taskID, Fields: map[string]string{"What_Id.Accounts": "", "What_Id.Deals": dealID}}})
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("relate the task to its deal: %v %+v", err, res)
	}
	if z, _ := e.sim.Get("Tasks", taskID); z.Fields["What_Id"] != dealID || z.Fields["$se_module"] != "Deals" {
		t.Fatalf("task in Zoho: What_Id %q in %q, want deal %s", z.Fields["What_Id"], z.Fields["$se_module"], dealID)
	}
	var got map[string]string
	for page, err := range c.Read(ctx, "Tasks", "") {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			if r.ID == taskID {
				got = r.Fields
			}
		}
	}
	if got["Who_Id"] != person.ID || got["Subject"] != "Call about the renewal" || got["Due_Date"] != "2027-01-15" ||
		got["What_Id.Deals"] != dealID || got["What_Id.Accounts"] != "" {
		t.Fatalf("task read back: %+v", got)
	}
}

func hasOption(f connector.Field, v string) bool {
	for _, o := range f.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}

// Zoho lists no deleted notes: the connector says so, lists nothing as
// deleted for Notes (rather than failing on Zoho's INVALID_MODULE), and
// lists the ids of the notes that remain, so a deleted note is found by
// what is missing.
func TestNoteDeletesAreFoundByIDs(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 13})
	c := e.connect(t)
	ctx := t.Context()
	if why := c.DeletesUnseen("Notes"); why == "" || c.DeletesUnseen("Contacts") != "" {
		t.Fatalf("DeletesUnseen: Notes %q, Contacts %q", why, c.DeletesUnseen("Contacts"))
	}
	person, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := e.sim.SeedNotes([]zsim.NoteSeed{{Content: "kept", ParentID: person.ID}, {Content: "deleted", ParentID: person.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Delete("Notes", ids[1]); err != nil {
		t.Fatal(err)
	}
	for page, err := range c.ListDeleted(ctx, "Notes", time.Time{}) {
		t.Fatalf("ListDeleted(Notes) gave %v %v, want nothing", page, err)
	}
	var listed []string
	for page, err := range c.ListIDs(ctx, "Notes") {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, page...)
	}
	if len(listed) != 1 || listed[0] != ids[0] {
		t.Fatalf("ListIDs(Notes) = %v, want only %s (not the deleted %s)", listed, ids[0], ids[1])
	}
}
