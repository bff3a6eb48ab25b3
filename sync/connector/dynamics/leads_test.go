package dynamics

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// Leads go through the generic table code: the schema offers their columns and
// statecode's choices, rows are created, updated, found by email and read
// incrementally, and a lead a seller qualified still reads, with statecode 1
// (Qualified) to filter on, and still takes an update (Dataverse keeps only quotes,
// orders and invoices read-only once closed).
func TestLeadsThroughTheConnector(t *testing.T) {
	clock, tick := steppedClock()
	e := newEnv(t, dsim.Options{Seed: 44, Now: clock})
	c := e.connect(t)
	ctx := t.Context()

	sc, err := c.Schema(ctx, "leads")
	if err != nil {
		t.Fatal(err)
	}
	// statecode reads as its option value ("1" Qualified); the schema does not list
	// state and status choices (only picklists' OptionSets are read).
	if f, ok := sc.Field("statecode"); !ok || f.Type != connector.TypeEnum {
		t.Fatalf("statecode %+v (%v)", f, ok)
	}
	for name, want := range map[string]connector.FieldType{"emailaddress1": connector.TypeEmail, "donotbulkemail": connector.TypeBool,
		"companyname": connector.TypeString, "ownerid": connector.TypeEnum, "parentaccountid": connector.TypeID} {
		if f, ok := sc.Field(name); !ok || f.Type != want {
			t.Errorf("field %s: %+v (%v), want type %v", name, f, ok, want)
		}
	}
	if f, _ := sc.Field("fullname"); !f.ReadOnly {
		t.Errorf("fullname is writable: %+v", f)
	}

	seeded, err := e.sim.SeedLeads([]dsim.LeadSeed{{FirstName: "Grace", LastName: "Hopper", Company: "Cobol Co", Email: "grace@cobol.example", Created: clock()}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(ctx, "leads", []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{
		"firstname": "Ada", "lastname": "Byron", "companyname": "Engines", "emailaddress1": "ada@engines.example", "donotbulkemail": "true"}}})
	if err != nil || res[0].Err != nil || !res[0].Created {
		t.Fatalf("create: %+v %v", res, err)
	}
	ada := res[0].ID
	found, err := c.Lookup(ctx, "leads", "emailaddress1", []string{"ada@engines.example", "nobody@example.com"})
	if err != nil || len(found) != 1 || found[0].ID != ada || found[0].Fields["fullname"] != "Ada Byron" || found[0].Fields["donotbulkemail"] != "true" {
		t.Fatalf("lookup by email: %+v %v", found, err)
	}

	all, cur := conformance.ReadAll(t, c, "leads", "")
	got := conformance.ByID(all)
	if len(got) != 2 || got[ada].Fields["statecode"] != "0" || got[ada].Fields["statuscode"] != "1" {
		t.Fatalf("first read %+v", got)
	}

	tick()
	q, err := e.sim.QualifyLead(seeded[0], dsim.QualifyLead{CreateAccount: true, CreateContact: true})
	if err != nil {
		t.Fatal(err)
	}
	all, cur = conformance.ReadAll(t, c, "leads", cur)
	got = conformance.ByID(all)
	grace := got[seeded[0]].Fields
	if grace["statecode"] != "1" || grace["statuscode"] != "3" || grace["parentcontactid"] != q.ContactID || grace["parentaccountid"] != q.AccountID {
		t.Fatalf("the changed-since read gives %+v, want Grace qualified", got)
	}

	tick()
	res, err = c.Write(ctx, "leads", []connector.Op{
		{Kind: connector.OpUpdate, ID: seeded[0], Fields: map[string]string{"jobtitle": "Rear Admiral"}},
		{Kind: connector.OpUpdate, ID: ada, Fields: map[string]string{"jobtitle": "Countess"}},
	})
	if err != nil || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("updates: %+v %v", res, err)
	}
	all, _ = conformance.ReadAll(t, c, "leads", cur)
	got = conformance.ByID(all)
	if len(got) != 2 || got[seeded[0]].Fields["jobtitle"] != "Rear Admiral" || got[seeded[0]].Fields["statecode"] != "1" ||
		got[ada].Fields["jobtitle"] != "Countess" || got[ada].Fields["statecode"] != "0" {
		t.Fatalf("after the updates %+v", got)
	}

	var ids []string
	for batch, err := range c.ListIDs(ctx, "leads") {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, batch...)
	}
	if len(ids) != 2 {
		t.Fatalf("ListIDs %v", ids)
	}
}
