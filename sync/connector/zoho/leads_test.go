package zoho

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// readAll runs Read from since and returns the records by id and the last cursor.
func readAll(t *testing.T, c *Connector, object string, since connector.Cursor) (map[string]connector.Record, connector.Cursor) {
	t.Helper()
	out := map[string]connector.Record{}
	cur := since
	for page, err := range c.Read(t.Context(), object, since) {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			out[r.ID] = r
		}
		cur = page.Cursor
	}
	return out, cur
}

func writeOne(t *testing.T, c *Connector, op connector.Op) connector.Result {
	t.Helper()
	res, err := c.Write(t.Context(), "Leads", []connector.Op{op})
	if err != nil || len(res) != 1 {
		t.Fatalf("write lead: %v %+v", err, res)
	}
	return res[0]
}

func lookupLeads(t *testing.T, c *Connector, email string) []connector.Record {
	t.Helper()
	hits, err := c.Lookup(t.Context(), "Leads", "Email", []string{email})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

// TestLeadsThroughTheConnector: Leads is a standard object whose schema offers the
// fields a contacts <-> leads sync maps; leads are created, updated, read (whole and
// changed since), found by email, and a deleted one is listed as deleted.
func TestLeadsThroughTheConnector(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 21})
	c := e.connect(t)
	ctx := t.Context()
	if !slices.Contains(Info().Objects, "Leads") {
		t.Fatalf("Info().Objects = %v", Info().Objects)
	}
	sc, err := c.Schema(ctx, "Leads")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]connector.FieldType{"Email": connector.TypeEmail, "First_Name": connector.TypeString,
		"Last_Name": connector.TypeString, "Company": connector.TypeString, "Phone": connector.TypePhone,
		"Designation": connector.TypeString, "City": connector.TypeString, "Email_Opt_Out": connector.TypeBool,
		"Lead_Status": connector.TypeEnum, "Lead_Source": connector.TypeEnum, "Owner": connector.TypeEnum} // Owner: a picklist of the users (users.go)
	for name, typ := range want {
		if f, ok := sc.Field(name); !ok || f.Type != typ || f.ReadOnly {
			t.Errorf("Leads.%s: %+v, want writable %s", name, f, typ)
		}
	}
	if last, _ := sc.Field("Last_Name"); !last.Required {
		t.Errorf("Last_Name not required: %+v", last)
	}
	if status, _ := sc.Field("Lead_Status"); !hasOption(status, "Not Contacted") {
		t.Errorf("Lead_Status options: %+v", status.Options)
	}
	if key, err := c.UpsertKey(ctx, "Leads"); err != nil || key != "Email" {
		t.Fatalf("upsert key %q %v", key, err)
	}

	_, cur := readAll(t, c, "Leads", "")
	created := writeOne(t, c, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"First_Name": "Pat",
		"Last_Name": "Boyle", "Email": "pat@zylker.com", "Company": "Zylker", "Lead_Status": "Not Contacted", "Email_Opt_Out": "true"}})
	if created.Err != nil || !created.Created {
		t.Fatalf("create: %+v", created)
	}
	if z, _ := e.sim.Get("Leads", created.ID); z.Fields["Email"] != "pat@zylker.com" || z.Fields["Email_Opt_Out"] != "true" {
		t.Fatalf("lead in Zoho: %v", z.Fields)
	}
	if res := writeOne(t, c, connector.Op{Kind: connector.OpUpdate, ID: created.ID, Fields: map[string]string{"Designation": "CTO", "City": "Austin"}}); res.Err != nil {
		t.Fatalf("update: %v", res.Err)
	}
	changed, _ := readAll(t, c, "Leads", cur)
	if got := changed[created.ID].Fields; got["Designation"] != "CTO" || got["City"] != "Austin" || got["Last_Name"] != "Boyle" {
		t.Fatalf("changed-since read: %+v", changed)
	}
	if hits := lookupLeads(t, c, "pat@zylker.com"); len(hits) != 1 || hits[0].ID != created.ID {
		t.Fatalf("lookup by email: %+v", hits)
	}

	gone := writeOne(t, c, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"Last_Name": "Gone"}})
	since := time.Now().Add(-2 * time.Second)
	if res, err := c.Delete(ctx, "Leads", []string{gone.ID}); err != nil || res[0].Err != nil {
		t.Fatalf("delete: %v %+v", err, res)
	}
	var deleted []string
	for page, err := range c.ListDeleted(ctx, "Leads", since) {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			deleted = append(deleted, r.ID)
		}
	}
	if !slices.Equal(deleted, []string{gone.ID}) {
		t.Fatalf("deleted leads: %v, want %s", deleted, gone.ID)
	}
}

// TestConvertedLeadLeavesTheConnector: once a rep converts a lead, the connector's
// reads (whole and changed since) and lookups no longer see it, ListDeleted does not
// report it, and an update of it fails with a validation error naming Zoho's
// ID_ALREADY_CONVERTED and its message.
func TestConvertedLeadLeavesTheConnector(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 22})
	c := e.connect(t)
	ids, err := e.sim.SeedLeads([]zsim.LeadSeed{{FirstName: "Pat", LastName: "Boyle", Email: "pat@zylker.com", Company: "Zylker"},
		{LastName: "Stays", Email: "stays@zylker.com"}})
	if err != nil {
		t.Fatal(err)
	}
	all, cur := readAll(t, c, "Leads", "")
	if len(all) != 2 {
		t.Fatalf("before conversion: %d leads", len(all))
	}
	since := time.Now().Add(-2 * time.Second)
	time.Sleep(1100 * time.Millisecond) // Modified_Time has one-second resolution
	res, err := e.sim.ConvertLead(ids[0], zsim.LeadConvert{CreateDeal: true, DealName: "Zylker pilot"})
	if err != nil || res.ContactID == "" || res.AccountID == "" || res.DealID == "" {
		t.Fatalf("convert: %+v %v", res, err)
	}

	if all, _ := readAll(t, c, "Leads", ""); len(all) != 1 || all[ids[1]].ID == "" {
		t.Errorf("full read after conversion: %+v, want only %s", all, ids[1])
	}
	if changed, _ := readAll(t, c, "Leads", cur); len(changed) != 0 {
		t.Errorf("changed-since read after conversion: %+v, want nothing", changed)
	}
	if hits := lookupLeads(t, c, "pat@zylker.com"); len(hits) != 0 {
		t.Errorf("lookup of a converted lead: %+v", hits)
	}
	for page, err := range c.ListDeleted(context.Background(), "Leads", since) {
		t.Errorf("ListDeleted after a conversion: %+v %v", page, err)
	}

	upd := writeOne(t, c, connector.Op{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{"Phone": "+1 555 0100"}})
	var re *connector.RecordError
	if !errors.As(upd.Err, &re) || re.Code != "ID_ALREADY_CONVERTED" || re.Category != connector.CatValidation ||
		re.RecordID != ids[0] || !errors.Is(upd.Err, connector.ErrValidation) {
		t.Fatalf("update of a converted lead: %#v", upd.Err)
	}
	if msg := upd.Err.Error(); !strings.Contains(msg, "ID_ALREADY_CONVERTED") || !strings.Contains(msg, "id already converted") ||
		!strings.Contains(msg, "converted in Zoho CRM") {
		t.Errorf("error text %q", msg)
	}
	if z, _ := e.sim.Get("Leads", ids[0]); z.Fields["Phone"] != "" {
		t.Errorf("converted lead changed: %v", z.Fields)
	}
}
