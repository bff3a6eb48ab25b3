package hubspot

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// A contact's associatedcompanyid is offered as writable and written as
// its primary company association, after the contact: one call per 100
// contacts. A company HubSpot does not know fails that contact's result,
// naming the field and HubSpot's message, and the others stand.
func TestPrimaryCompanyWrittenThroughAssociations(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 5})
	co, err := e.sim.Create("companies", map[string]string{"name": "Acme", "domain": "acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	sc, err := c.Schema(t.Context(), "contacts")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sc.Fields {
		if f.Name == "associatedcompanyid" && f.ReadOnly {
			t.Fatalf("%s is offered read-only; the connector writes it through associations", "associatedcompanyid")
		}
	}
	before := e.sim.Stats()["POST /crm/associations/2026-03/contacts/{toObject}/batch/create"]
	ops := []connector.Op{
		{Kind: connector.OpUpsert, Fields: map[string]string{"email": "one@acme.example", "firstname": "One", "associatedcompanyid": co.ID}},
		{Kind: connector.OpUpsert, Fields: map[string]string{"email": "two@acme.example", "firstname": "Two", "associatedcompanyid": "987654321"}},
		{Kind: connector.OpUpsert, Fields: map[string]string{"email": "three@acme.example", "firstname": "Three"}},
	}
	res, err := c.Upsert(t.Context(), "contacts", "email", ops)
	if err != nil {
		t.Fatal(err)
	}
	calls := e.sim.Stats()["POST /crm/associations/2026-03/contacts/{toObject}/batch/create"] - before
	if res[0].Err != nil || res[2].Err != nil || calls != 1 {
		t.Fatalf("results %+v, %d association calls; want the first and third written, in 1 call", res, calls)
	}
	if _, prim := e.sim.Associated("contacts", res[0].ID, "companies"); prim != co.ID {
		t.Fatalf("contact %s: primary company %q, want %s", res[0].ID, prim, co.ID)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != "associatedcompanyid" || !strings.Contains(re.Message, "987654321") || re.RecordID == "" {
		t.Fatalf("unknown company: %v", res[1].Err)
	}
	if got, _ := e.sim.Get("contacts", re.RecordID); got.Properties["firstname"] != "Two" {
		t.Fatalf("the contact whose company failed was not written: %+v", got.Properties)
	}
	if ids, _ := e.sim.Associated("contacts", res[2].ID, "companies"); len(ids) != 0 {
		t.Fatalf("a contact without a company got %v", ids)
	}
	// An update that changes only the company makes no update call.
	co2, _ := e.sim.Create("companies", map[string]string{"name": "Beta", "domain": "beta.example"})
	upd := e.sim.Stats()["POST /crm/objects/2026-03/contacts/batch/update"]
	res, err = c.Write(t.Context(), "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: res[0].ID, Fields: map[string]string{"associatedcompanyid": co2.ID}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("company-only update: %+v, %v", res, err)
	}
	if _, prim := e.sim.Associated("contacts", res[0].ID, "companies"); prim != co2.ID || e.sim.Stats()["POST /crm/objects/2026-03/contacts/batch/update"] != upd {
		t.Fatalf("company-only update: primary %q (want %s), update calls %d → %d", prim, co2.ID, upd, e.sim.Stats()["POST /crm/objects/2026-03/contacts/batch/update"])
	}
}

// Associate makes the default (unlabeled) association over the sandbox,
// and names the records when one does not exist.
func TestAssociateDefault(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 6})
	ct, _ := e.sim.Create("contacts", map[string]string{"email": "as@beta.example"})
	co, _ := e.sim.Create("companies", map[string]string{"name": "Beta", "domain": "beta.example"})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Associate(t.Context(), "contacts", ct.ID, "companies", co.ID); err != nil {
		t.Fatal(err)
	}
	if ids, prim := e.sim.Associated("contacts", ct.ID, "companies"); len(ids) != 1 || ids[0] != co.ID || prim != "" {
		t.Fatalf("associated %v, primary %q; want %s, unlabeled", ids, prim, co.ID)
	}
	err = c.Associate(t.Context(), "contacts", ct.ID, "companies", "123")
	if connector.CategoryOf(err) != connector.CatNotFound || !strings.Contains(err.Error(), "123") {
		t.Fatalf("unknown company: %v", err)
	}
}

// A contact created (no upsert key) takes its company in the create input
// itself, so no association call follows; a company HubSpot does not know
// fails the create, so nothing half-made is left for a retry to duplicate.
func TestPrimaryCompanyOnCreate(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 7})
	co, _ := e.sim.Create("companies", map[string]string{"name": "Gamma", "domain": "gamma.example"})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	assocCalls := func() int64 { return e.sim.Stats()["POST /crm/associations/2026-03/contacts/{toObject}/batch/create"] }
	before, count := assocCalls(), e.sim.Count("contacts")
	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"firstname": "NoEmail", "lastname": "One", "associatedcompanyid": co.ID}},
		{Kind: connector.OpCreate, Fields: map[string]string{"firstname": "NoEmail", "lastname": "Two", "associatedcompanyid": "424242"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[0].ID == "" || assocCalls() != before {
		t.Fatalf("create with a company: %+v, %d association calls", res[0], assocCalls()-before)
	}
	if _, prim := e.sim.Associated("contacts", res[0].ID, "companies"); prim != co.ID {
		t.Fatalf("created contact %s: primary company %q, want %s", res[0].ID, prim, co.ID)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != "associatedcompanyid" || !strings.Contains(re.Message, "424242") {
		t.Fatalf("create with an unknown company: %+v", res[1])
	}
	if got := e.sim.Count("contacts"); got != count+1 {
		t.Fatalf("%d contacts created, want only the one whose company exists", got-count)
	}
}

// A deal's primary company is offered as a field of its own: read after
// each search page through one associations batch read (a deal without a
// company reads as a blank), set on create in the create input, and moved
// on update through the associations API, where the old primary stays
// associated but no longer primary.
func TestDealCompanyReadAndWritten(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 11})
	co1, _ := e.sim.Create("companies", map[string]string{"name": "One", "domain": "one.example"})
	co2, _ := e.sim.Create("companies", map[string]string{"name": "Two", "domain": "two.example"})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	sc, err := c.Schema(t.Context(), "deals")
	if err != nil {
		t.Fatal(err)
	}
	var offered bool
	for _, f := range sc.Fields {
		offered = offered || (f.Name == "associations.company" && !f.ReadOnly && f.Type == connector.TypeID)
	}
	if !offered {
		t.Fatalf("deals schema does not offer a writable associations.company: %+v", sc.Fields)
	}
	res, err := c.Write(t.Context(), "deals", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"dealname": "With", "dealstage": "appointmentscheduled", "associations.company": co1.ID}},
		{Kind: connector.OpCreate, Fields: map[string]string{"dealname": "Without", "dealstage": "appointmentscheduled"}},
	})
	if err != nil || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("create: %v %+v", err, res)
	}
	if _, prim := e.sim.Associated("deals", res[0].ID, "companies"); prim != co1.ID {
		t.Fatalf("created deal %s: primary company %q, want %s", res[0].ID, prim, co1.ID)
	}
	reads := func() int64 { return e.sim.Stats()["POST /crm/associations/2026-03/deals/{toObject}/batch/read"] }
	read := func() map[string]connector.Record {
		t.Helper()
		out := map[string]connector.Record{}
		for page, err := range c.Read(t.Context(), "deals", "") {
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Records {
				out[r.ID] = r
			}
		}
		return out
	}
	before := reads()
	got := read()
	with, without := got[res[0].ID], got[res[1].ID]
	if v, ok := with.Fields["associations.company"]; !ok || v != co1.ID {
		t.Fatalf("deal with a company reads %q (%v)", v, ok)
	}
	if v, ok := without.Fields["associations.company"]; !ok || v != "" {
		t.Fatalf("deal without a company reads %q (%v), want a blank", v, ok)
	}
	if n := reads() - before; n != 1 {
		t.Fatalf("%d association reads for one page of deals, want 1", n)
	}

	upd, err := c.Write(t.Context(), "deals", []connector.Op{{Kind: connector.OpUpdate, ID: res[0].ID, Fields: map[string]string{"associations.company": co2.ID}}})
	if err != nil || upd[0].Err != nil {
		t.Fatalf("update: %v %+v", err, upd)
	}
	ids, prim := e.sim.Associated("deals", res[0].ID, "companies")
	if prim != co2.ID || len(ids) != 2 {
		t.Fatalf("after the move: primary %q of %v, want %s of both", prim, ids, co2.ID)
	}
	if v := read()[res[0].ID].Fields["associations.company"]; v != co2.ID {
		t.Fatalf("after the move the deal reads company %q, want %s", v, co2.ID)
	}
}
