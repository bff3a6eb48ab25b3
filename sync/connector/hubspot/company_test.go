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
		if f.Name == companyProp && f.ReadOnly {
			t.Fatalf("%s is offered read-only; the connector writes it through associations", companyProp)
		}
	}
	before := e.sim.Stats()["POST /crm/associations/2026-03/contacts/{toObject}/batch/create"]
	ops := []connector.Op{
		{Kind: connector.OpUpsert, Fields: map[string]string{"email": "one@acme.example", "firstname": "One", companyProp: co.ID}},
		{Kind: connector.OpUpsert, Fields: map[string]string{"email": "two@acme.example", "firstname": "Two", companyProp: "987654321"}},
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
	if !errors.As(res[1].Err, &re) || re.Field != companyProp || !strings.Contains(re.Message, "987654321") || re.RecordID == "" {
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
	res, err = c.Write(t.Context(), "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: res[0].ID, Fields: map[string]string{companyProp: co2.ID}}})
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
		{Kind: connector.OpCreate, Fields: map[string]string{"firstname": "NoEmail", "lastname": "One", companyProp: co.ID}},
		{Kind: connector.OpCreate, Fields: map[string]string{"firstname": "NoEmail", "lastname": "Two", companyProp: "424242"}},
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
	if !errors.As(res[1].Err, &re) || re.Field != companyProp || !strings.Contains(re.Message, "424242") {
		t.Fatalf("create with an unknown company: %+v", res[1])
	}
	if got := e.sim.Count("contacts"); got != count+1 {
		t.Fatalf("%d contacts created, want only the one whose company exists", got-count)
	}
}
