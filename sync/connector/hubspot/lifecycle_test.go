package hubspot

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// stageEnv is a sandbox portal, a connector on it, and a counter of its
// batch updates to object.
func stageEnv(t *testing.T, object string) (*env, *Connector, func() int64) {
	t.Helper()
	e := newEnv(t, hssim.Options{Seed: 3})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	updates := func() int64 { return e.sim.Stats()["POST /crm/objects/2026-03/"+object+"/batch/update"] }
	return e, c, updates
}

func stageIn(t *testing.T, e *env, object, id string) string {
	t.Helper()
	r, ok := e.sim.Get(object, id)
	if !ok {
		t.Fatalf("%s %s is gone", object, id)
	}
	return r.Properties[stageProp]
}

// TestLifecycleStageWithoutWas: an update that moves a company's stage
// backward without knowing what the record held (no Op.Was, or a plan
// that read an older stage) is answered as done while HubSpot keeps the
// later stage; the connector sees it in the answer and clears then sets
// it: the write lands, and costs one clear and one set batch more.
func TestLifecycleStageWithoutWas(t *testing.T) {
	e, c, updates := stageEnv(t, "companies")
	ids := e.seed(t, "companies", []map[string]string{
		{"name": "Back Co", "lifecyclestage": "customer"},
		{"name": "Forward Co", "lifecyclestage": "lead"},
	})
	before := updates()
	res, err := c.Write(context.Background(), "companies", []connector.Op{
		{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{stageProp: "lead", "city": "Oslo"}},
		{Kind: connector.OpUpdate, ID: ids[1], Fields: map[string]string{stageProp: "customer"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || r.ID != ids[i] {
			t.Errorf("result %d: %+v", i, r)
		}
	}
	if got := stageIn(t, e, "companies", ids[0]); got != "lead" {
		t.Errorf("backward company: stage %q, want lead", got)
	}
	if got := stageIn(t, e, "companies", ids[1]); got != "customer" {
		t.Errorf("forward company: stage %q, want customer", got)
	}
	if n := updates() - before; n != 3 {
		t.Errorf("batch updates: %d, want 3 (the update, one clear, one set)", n)
	}
}

// TestLifecycleStageCustomOrder: the order is the portal's own
// (displayOrder), read from the schema the connector holds: with customer
// placed before lead, lead -> customer is the backward move, cleared first
// (one clear batch, one update batch, no extra schema read per write).
func TestLifecycleStageCustomOrder(t *testing.T) {
	e, c, updates := stageEnv(t, "contacts")
	if err := e.sim.SetStageOrder("contacts", "subscriber", "customer", "lead"); err != nil {
		t.Fatal(err)
	}
	ids := e.seed(t, "contacts", []map[string]string{{"email": "order@example.com", "lifecyclestage": "lead"}})
	ctx := context.Background()
	schemaReads := func() int64 { return e.sim.Stats()["GET /crm/properties/2026-03/contacts"] }
	for i, want := range []string{"customer", "subscriber"} {
		before, reads := updates(), schemaReads()
		was := stageIn(t, e, "contacts", ids[0])
		res, err := c.Write(ctx, "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: ids[0],
			Fields: map[string]string{stageProp: want}, Was: map[string]string{stageProp: was}}})
		if err != nil || res[0].Err != nil {
			t.Fatalf("write %s: %v %+v", want, err, res)
		}
		if got := stageIn(t, e, "contacts", ids[0]); got != want {
			t.Errorf("%s -> %s: stage %q", was, want, got)
		}
		if n := updates() - before; n != 2 {
			t.Errorf("%s -> %s: batch updates %d, want 2 (a clear, then the update)", was, want, n)
		}
		if n := schemaReads() - reads; i > 0 && n != 0 {
			t.Errorf("the second write read the schema %d times; it is held", n)
		}
	}
}

// TestLifecycleStageUpsert: an upsert that finds its contact and moves
// its stage backward lands too (the answer shows the kept stage; cleared
// and set again).
func TestLifecycleStageUpsert(t *testing.T) {
	e, c, _ := stageEnv(t, "contacts")
	ids := e.seed(t, "contacts", []map[string]string{{"email": "up@example.com", "lifecyclestage": "opportunity"}})
	res, err := c.Write(context.Background(), "contacts", []connector.Op{
		{Kind: connector.OpUpsert, Fields: map[string]string{"email": "up@example.com", stageProp: "subscriber"}}})
	if err != nil || res[0].Err != nil || res[0].ID != ids[0] {
		t.Fatalf("upsert: %v %+v", err, res)
	}
	if got := stageIn(t, e, "contacts", ids[0]); got != "subscriber" {
		t.Errorf("upserted contact: stage %q, want subscriber", got)
	}
}

// TestLifecycleStageRestoredWhenUpdateFails: a backward move whose
// update HubSpot then refuses (an invalid email beside it) must not leave
// the contact without a stage: the one cleared first is put back, and the
// record's error is HubSpot's refusal.
func TestLifecycleStageRestoredWhenUpdateFails(t *testing.T) {
	e, c, _ := stageEnv(t, "contacts")
	ids := e.seed(t, "contacts", []map[string]string{{"email": "keep@example.com", "lifecyclestage": "customer"}})
	res, err := c.Write(context.Background(), "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: ids[0],
		Fields: map[string]string{stageProp: "lead", "email": "not an email"}, Was: map[string]string{stageProp: "customer"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err == nil {
		t.Fatalf("the refused update reported done: %+v", res[0])
	}
	if got := stageIn(t, e, "contacts", ids[0]); got != "customer" {
		t.Errorf("stage after the refused update: %q, want customer put back (error: %v)", got, res[0].Err)
	}
}
