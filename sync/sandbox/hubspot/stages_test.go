package hubspot

import "testing"

// stageOrders is the lifecycle stage options of object as its properties
// API lists them: value -> displayOrder.
func stageOrders(t *testing.T, e *env, object string) map[string]any {
	t.Helper()
	_, body := e.do("GET", "/crm/properties/2026-03/"+object, nil)
	orders := map[string]any{}
	for _, p := range body["results"].([]any) {
		p := p.(map[string]any)
		if p["name"] != lifecycleProp {
			continue
		}
		for _, o := range p["options"].([]any) {
			o := o.(map[string]any)
			orders[o["value"].(string)] = o["displayOrder"]
		}
	}
	return orders
}

// Contacts and companies share one lifecycle stage list (knowledge base,
// "Create and customize lifecycle stages": stages are edited under
// Objects > Contacts > Lifecycle Stage, and a new stage "will now appear
// as an option when editing a contact's or company's Lifecycle stage
// property"). Reordering them from contacts reorders companies too, and
// a stage added there is one a company can take.
func TestLifecycleStagesShared(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.sim.SetStageOrder("contacts", "customer", "lead"); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.AddStage("Partner", "partner"); err != nil {
		t.Fatal(err)
	}
	for _, object := range []string{"contacts", "companies"} {
		orders := stageOrders(t, e, object)
		if orders["customer"] != float64(0) || orders["lead"] != float64(1) || orders["partner"] != float64(8) {
			t.Errorf("%s stage orders %v; want customer 0, lead 1, partner 8 (after the 8 defaults)", object, orders)
		}
	}
	rec, err := e.sim.Create("companies", map[string]string{"name": "Partner Co", "lifecyclestage": "lead"})
	if err != nil {
		t.Fatal(err)
	}
	// customer comes before lead now, for companies too: lead -> customer
	// is backward and kept; lead -> partner is forward.
	base := "/crm/objects/2026-03/companies/" + rec.ID
	e.do("PATCH", base, map[string]any{"properties": map[string]string{"lifecyclestage": "customer"}})
	if got := stageOf(t, e.sim, "companies", rec.ID); got != "lead" {
		t.Errorf("company lead -> customer under the contacts' order: stage %q, want lead kept", got)
	}
	if r, body := e.do("PATCH", base, map[string]any{"properties": map[string]string{"lifecyclestage": "partner"}}); r.StatusCode != 200 {
		t.Fatalf("company set to the added stage: %d %v", r.StatusCode, body)
	}
	if got := stageOf(t, e.sim, "companies", rec.ID); got != "partner" {
		t.Errorf("company stage %q, want partner", got)
	}
}

// A number property takes only digits, one optional leading minus and
// one optional decimal point; anything else is a 400 (developer changelog,
// "Upcoming: A change for number properties in CRM APIs": "Attempts to
// save values on numeric properties with commas, spaces or multiple
// period/dot symbols via the API will be rejected with an HTTP 400").
// Go's float parser takes more ("1e5", "+5", "NaN", "Inf"), which the
// sandbox stored as sent.
func TestNumberPropertyDigitsOnly(t *testing.T) {
	e := newEnv(t, Options{})
	rec, err := e.sim.Create("companies", map[string]string{"name": "Numbers Co"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/crm/objects/2026-03/companies/" + rec.ID
	for _, v := range []string{"1e5", "+5", "NaN", "Inf", "4,68", "1.2.3", " 5", "0x10", "-"} {
		r, body := e.do("PATCH", path, map[string]any{"properties": map[string]string{"annualrevenue": v}})
		if r.StatusCode != 400 {
			t.Errorf("annualrevenue %q: %d %v; want 400", v, r.StatusCode, body)
		}
	}
	for _, v := range []string{"4.68", "-12", "1000000", "0.5"} {
		if r, body := e.do("PATCH", path, map[string]any{"properties": map[string]string{"annualrevenue": v}}); r.StatusCode != 200 {
			t.Errorf("annualrevenue %q: %d %v; want 200", v, r.StatusCode, body)
		}
	}
}
