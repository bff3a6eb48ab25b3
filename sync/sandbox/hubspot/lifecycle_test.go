package hubspot

import (
	"testing"
)

// stageOf reads a record's lifecycle stage through the Go API.
func stageOf(t *testing.T, s *Sim, object, id string) string {
	t.Helper()
	r, ok := s.Get(object, id)
	if !ok {
		t.Fatalf("%s %s is gone", object, id)
	}
	return r.Properties[lifecycleProp]
}

// TestLifecycleStageForwardOnly: an API update may move a contact's or
// a company's stage forward, not backward (the value stays, the call
// succeeds); clearing it first and then setting the earlier stage works,
// through PATCH, batch/update and batch/upsert alike; a create sets any
// stage.
func TestLifecycleStageForwardOnly(t *testing.T) {
	e := newEnv(t, Options{})
	for _, object := range []string{"contacts", "companies"} {
		base := "/crm/objects/2026-03/" + object
		props := map[string]string{"lifecyclestage": "customer", "city": "Lyon"}
		rec, err := e.sim.Create(object, props)
		if err != nil {
			t.Fatal(err)
		}
		id := rec.ID
		if got := stageOf(t, e.sim, object, id); got != "customer" {
			t.Fatalf("%s create: stage %q, want customer", object, got)
		}

		r, body := e.do("PATCH", base+"/"+id, map[string]any{"properties": map[string]string{"lifecyclestage": "lead", "city": "Nice"}})
		if r.StatusCode != 200 {
			t.Fatalf("%s PATCH backward: %d %v", object, r.StatusCode, body)
		}
		if got := body["properties"].(map[string]any)["lifecyclestage"]; got != "customer" {
			t.Errorf("%s PATCH backward answered stage %v; want the kept customer", object, got)
		}
		if got := stageOf(t, e.sim, object, id); got != "customer" {
			t.Errorf("%s PATCH backward: stage %q, want customer kept", object, got)
		}
		if got, _ := e.sim.Get(object, id); got.Properties["city"] != "Nice" {
			t.Errorf("%s PATCH backward: the other property was not applied: city %q", object, got.Properties["city"])
		}

		batch := func(kind string, stage string) {
			t.Helper()
			if r, body := e.do("POST", base+"/batch/"+kind, map[string]any{"inputs": []any{
				map[string]any{"id": id, "properties": map[string]string{"lifecyclestage": stage}}}}); r.StatusCode != 200 {
				t.Fatalf("%s batch/%s %q: %d %v", object, kind, stage, r.StatusCode, body)
			}
		}
		if r, body := e.do("PATCH", base+"/"+id, map[string]any{"properties": map[string]string{"lifecyclestage": "nosuchstage"}}); r.StatusCode != 400 {
			t.Errorf("%s PATCH of an unknown stage: %d %v; want 400, not a stage silently kept", object, r.StatusCode, body)
		}
		batch("update", "subscriber")
		if got := stageOf(t, e.sim, object, id); got != "customer" {
			t.Errorf("%s batch/update backward: stage %q, want customer kept", object, got)
		}
		batch("upsert", "lead")
		if got := stageOf(t, e.sim, object, id); got != "customer" {
			t.Errorf("%s batch/upsert backward: stage %q, want customer kept", object, got)
		}
		batch("update", "evangelist")
		if got := stageOf(t, e.sim, object, id); got != "evangelist" {
			t.Errorf("%s batch/update forward: stage %q, want evangelist", object, got)
		}
		batch("update", "")
		batch("update", "lead")
		if got := stageOf(t, e.sim, object, id); got != "lead" {
			t.Errorf("%s clear then set: stage %q, want lead", object, got)
		}
		if _, err := e.sim.Update(object, id, map[string]string{"lifecyclestage": "subscriber"}); err != nil || stageOf(t, e.sim, object, id) != "subscriber" {
			t.Errorf("%s: a user in HubSpot's window moves a stage back: %v, stage %q", object, err, stageOf(t, e.sim, object, id))
		}
	}
}

// TestLifecycleStageCustomOrder: the order is the options'
// displayOrder, which a portal may change; the properties API shows it.
func TestLifecycleStageCustomOrder(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.sim.SetStageOrder("contacts", "customer", "lead"); err != nil {
		t.Fatal(err)
	}
	rec, err := e.sim.Create("contacts", map[string]string{"lifecyclestage": "lead", "email": "order@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	// customer now comes before lead: lead -> customer is backward.
	e.do("PATCH", "/crm/objects/2026-03/contacts/"+rec.ID, map[string]any{"properties": map[string]string{"lifecyclestage": "customer"}})
	if got := stageOf(t, e.sim, "contacts", rec.ID); got != "lead" {
		t.Errorf("custom order: stage %q, want lead kept (customer is earlier)", got)
	}
	_, body := e.do("GET", "/crm/properties/2026-03/contacts", nil)
	for _, p := range body["results"].([]any) {
		p := p.(map[string]any)
		if p["name"] != lifecycleProp {
			continue
		}
		orders := map[string]any{}
		for _, o := range p["options"].([]any) {
			o := o.(map[string]any)
			orders[o["value"].(string)] = o["displayOrder"]
		}
		if orders["customer"] != float64(0) || orders["lead"] != float64(1) || orders["subscriber"] != float64(2) {
			t.Errorf("properties API displayOrder: %v; want customer 0, lead 1, subscriber 2", orders)
		}
	}
}
