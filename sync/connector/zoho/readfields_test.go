package zoho

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// listedFields are the fields=, sorted, of the last record list (a call
// with sort_by: a Read's, not a Lookup's) of module that log saw.
func listedFields(log *conformance.QueryLog, module string) []string {
	var last []string
	for _, q := range log.Take("/" + module) {
		if q.Has("sort_by") {
			last = strings.Split(q.Get("fields"), ",")
		}
	}
	return slices.Sorted(slices.Values(last))
}

// TestReadOnlyTheFieldsAskedFor: a Read whose ctx names fields asks Zoho
// for those alone plus Modified_Time, a mapped target through its lookup
// (What_Id.Accounts as What_Id), and returns records holding just those,
// blank ones included; on a module wider than Zoho's 50 a field asked for
// is read although an unmarked read ranks it out. An unmarked read asks
// for every field, as before.
func TestReadOnlyTheFieldsAskedFor(t *testing.T) {
	var wide []zsim.CustomField
	for i := range 40 {
		wide = append(wide, zsim.CustomField{APIName: fmt.Sprintf("Zz_Extra_%02d", i), Type: zsim.TypeText})
	}
	e := newEnv(t, zsim.Options{Seed: 29, CustomFields: map[string][]zsim.CustomField{"Contacts": wide}})
	sent := conformance.NewQueryLog(headerTransport(e.sim.MintAccessToken()))
	c, err := newConnector(&http.Client{Transport: sent}, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	last := "Zz_Extra_39" // sorted last among writable fields: ranked out of an unmarked read
	person, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "Lovelace", "First_Name": "Ada", last: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := e.sim.Create("Accounts", map[string]any{"Account_Name": "Bentley Systems"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.SeedTasks([]zsim.TaskSeed{{Subject: "Renewal", Status: "Not Started", RelatedModule: "Accounts", RelatedID: acc.ID}}); err != nil {
		t.Fatal(err)
	}

	ask := connector.WithReadFields(t.Context(), []string{"Last_Name", "Phone", last, "No_Such_Field"})
	got := readOne(t, c.Read(ask, "Contacts", ""), person.ID)
	if sentFields, want := listedFields(sent, "Contacts"), []string{"Last_Name", "Modified_Time", "Phone", last}; !slices.Equal(sentFields, want) {
		t.Errorf("a narrowed read sent fields=%v, want %v", sentFields, want)
	}
	for k := range got {
		if k != "Last_Name" && k != "Phone" && k != last && k != "Modified_Time" {
			t.Errorf("a narrowed read returned %s=%q", k, got[k])
		}
	}
	if got["Last_Name"] != "Lovelace" || got[last] != "kept" {
		t.Errorf("narrowed read: %v", got)
	}
	if v, ok := got["Phone"]; !ok || v != "" {
		t.Errorf("Phone, asked for and blank, reads %q (present %v)", v, ok)
	}

	task := readOne(t, c.Read(connector.WithReadFields(t.Context(), []string{"Subject", "What_Id.Accounts"}), "Tasks", ""), "")
	if sentFields, want := listedFields(sent, "Tasks"), []string{"Modified_Time", "Subject", "What_Id"}; !slices.Equal(sentFields, want) {
		t.Errorf("a narrowed read of Tasks sent fields=%v, want %v", sentFields, want)
	}
	if task["What_Id.Accounts"] != acc.ID || task["Subject"] != "Renewal" {
		t.Errorf("a narrowed task: %v, want What_Id.Accounts %s", task, acc.ID)
	}

	all := readOne(t, c.Read(t.Context(), "Contacts", ""), person.ID)
	if n := len(listedFields(sent, "Contacts")); n != maxFields || all["First_Name"] != "Ada" {
		t.Errorf("an unmarked read sent %d fields and read %v; want Zoho's %d, First_Name among them", n, all, maxFields)
	}
	if _, ok := all[last]; ok {
		t.Errorf("an unmarked read of %d fields holds %s: the module is not wide enough to test the cap", len(all), last)
	}

	// Lookup names its key whatever the ranking: the engine sorts the hits by it.
	hits, err := c.Lookup(t.Context(), "Contacts", last, []string{"kept"})
	if err != nil || len(hits) != 1 || hits[0].Fields[last] != "kept" {
		t.Errorf("Lookup by %s: %+v %v, want Lovelace holding the key", last, hits, err)
	}
}

// readOne is the fields of the record id in pages ("" for the first).
func readOne(t *testing.T, pages func(func(connector.Page, error) bool), id string) map[string]string {
	t.Helper()
	for page, err := range pages {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			if id == "" || r.ID == id {
				return r.Fields
			}
		}
	}
	t.Fatalf("record %q was not read", id)
	return nil
}
