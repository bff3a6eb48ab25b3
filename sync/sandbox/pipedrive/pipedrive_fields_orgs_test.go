package pipedrive

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFieldsMetadata(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("GET", "/api/v2/personFields?include_fields=required_fields", nil)
	if r.status != 200 {
		t.Fatalf("personFields: %d %s", r.status, r.raw)
	}
	fields := items(t, r)
	var custom int
	byCode := map[string]map[string]any{}
	for _, f := range fields {
		m := f.(map[string]any)
		byCode[m["field_code"].(string)] = m
		if m["is_custom_field"] == true {
			custom++
			if code := m["field_code"].(string); len(code) != 40 || strings.Trim(code, "0123456789abcdef") != "" {
				t.Fatalf("custom field code %q is not a 40-hex hash", code)
			}
		}
		if _, ok := m["required_fields"]; !ok {
			t.Fatalf("include_fields=required_fields ignored: %v", m)
		}
	}
	ct := byCode[FieldCustomerType]
	if custom != 6 || ct["field_type"] != "enum" || len(ct["options"].([]any)) != 3 || byCode["name"]["required_fields"].(map[string]any)["enabled"] != true ||
		byCode["emails"]["options"] != nil || byCode["emails"]["subfields"] != nil || len(byCode[FieldBudget]["subfields"].([]any)) != 2 {
		t.Fatalf("fields: %s", r.raw)
	}
	var paged int
	q := url.Values{"limit": {"7"}}
	for {
		p := e.do("GET", "/api/v2/personFields?"+q.Encode(), nil)
		paged += len(items(t, p))
		next, ok := nextCursor(t, p)
		if !ok {
			break
		}
		q.Set("cursor", next)
	}
	if paged != len(fields) {
		t.Fatalf("paged %d fields, want %d", paged, len(fields))
	}
	one := e.do("GET", "/api/v2/personFields/"+FieldInterests, nil)
	if d := data(t, one); d["field_type"] != "set" || d["is_custom_field"] != true {
		t.Fatalf("one field: %s", one.raw)
	}
	assertError(t, e.do("GET", "/api/v2/personFields/nope", nil), 404, "not found")
	assertError(t, e.do("GET", "/api/v2/personFields?include_fields=everything", nil), 400, "include_fields")
	if o := e.do("GET", "/api/v2/organizationFields", nil); o.status != 200 || len(items(t, o)) == 0 {
		t.Fatalf("organizationFields: %s", o.raw)
	}
}

func TestOrganizationsAndLinkedPersons(t *testing.T) {
	e := newEnv(t, Options{})
	org := e.do("POST", "/api/v2/organizations", map[string]any{"name": "Acme Ltd", "address": map[string]any{"value": "1 Main St, Springfield"},
		"custom_fields": map[string]any{OrgFieldTier: TierGold}, "website": "https://acme.example"})
	if org.status != 200 {
		t.Fatalf("create org: %s", org.raw)
	}
	o := data(t, org)
	oid := num(o["id"])
	addr := o["address"].(map[string]any)
	if addr["value"] != "1 Main St, Springfield" || addr["locality"] != nil || o["is_deleted"] != false || num(o["custom_fields"].(map[string]any)[OrgFieldTier]) != TierGold {
		t.Fatalf("org: %s", org.raw)
	}
	assertError(t, e.do("POST", "/api/v2/organizations", map[string]any{"website": "x"}), 400, "Name must be given")
	assertError(t, e.do("POST", "/api/v2/organizations", map[string]any{"name": "B", "address": "plain string"}), 400, "address must be an object")
	p := data(t, e.do("POST", "/api/v2/persons", map[string]any{"name": "Wile Coyote", "org_id": oid,
		"emails": []any{map[string]any{"value": "wile@acme.example"}}}))
	if num(p["org_id"]) != oid {
		t.Fatalf("person org_id: %v", p)
	}
	if l := e.do("GET", fmt.Sprintf("/api/v2/persons?org_id=%d", oid), nil); len(items(t, l)) != 1 {
		t.Fatalf("org_id filter: %s", l.raw)
	}
	hit := data(t, e.do("GET", "/api/v2/persons/search?term=wile@acme.example&exact_match=true&fields=email", nil))["items"].([]any)
	if len(hit) != 1 || hit[0].(map[string]any)["item"].(map[string]any)["organization"].(map[string]any)["name"] != "Acme Ltd" {
		t.Fatalf("person search organization: %v", hit)
	}
	os := data(t, e.do("GET", "/api/v2/organizations/search?term=springfield&fields=address", nil))["items"].([]any)
	if len(os) != 1 || os[0].(map[string]any)["item"].(map[string]any)["type"] != "organization" {
		t.Fatalf("org search: %v", os)
	}
	e.clk.add(time.Minute)
	if u := data(t, e.do("PATCH", fmt.Sprintf("/api/v2/organizations/%d", oid), map[string]any{"name": "Acme Corp"})); u["name"] != "Acme Corp" || u["update_time"] != "2026-11-23T10:01:00Z" {
		t.Fatalf("patch org: %v", u)
	}
	if d := e.do("DELETE", fmt.Sprintf("/api/v2/organizations/%d", oid), nil); d.status != 200 || e.sim.CountOrganizations() != 0 {
		t.Fatalf("delete org: %s", d.raw)
	}
	assertError(t, e.do("PATCH", fmt.Sprintf("/api/v2/persons/%d", num(p["id"])), map[string]any{"org_id": oid}), 400, "not found")
}

func TestGoAPISeedAndErrors(t *testing.T) {
	e := newEnv(t, Options{})
	oids, err := e.sim.SeedOrganizations([]OrganizationSeed{{Name: "Globex", Address: "Cypress Creek"}})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := e.sim.SeedPersons([]PersonSeed{{Name: "Hank Scorpio", OrgID: oids[0], CustomFields: map[string]any{FieldLeadSource: "Referral"}}})
	if err != nil || len(ids) != 1 {
		t.Fatalf("seed: %v", err)
	}
	p, ok := e.sim.GetPerson(ids[0])
	if !ok || p.FirstName != "Hank" || p.LastName != "Scorpio" || p.OrgID != oids[0] || p.CustomFields[FieldLeadSource] != "Referral" {
		t.Fatalf("seeded person: %+v", p)
	}
	if _, err := e.sim.SeedPersons([]PersonSeed{{Name: "X", OrgID: 999}}); err == nil || !strings.Contains(err.Error(), "organization 999") {
		t.Fatalf("seed with unknown org: %v", err)
	}
	if _, err := e.sim.SeedPersons([]PersonSeed{{Name: "X", CustomFields: map[string]any{FieldInterests: []int{}}}}); err == nil {
		t.Fatal("seed accepted an empty set value")
	}
	if _, err := e.sim.CreatePerson(map[string]any{"emails": []any{}}); err == nil || !strings.Contains(err.Error(), "Name must be given") {
		t.Fatalf("create without name: %v", err)
	}
	if _, err := e.sim.UpdatePerson(12345, map[string]any{"name": "x"}); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("update unknown: %v", err)
	}
	if err := e.sim.DeleteOrganization(oids[0]); err != nil {
		t.Fatal(err)
	}
	if o, _ := e.sim.GetOrganization(oids[0]); !o.Deleted || o.Address != "Cypress Creek" {
		t.Fatalf("deleted org: %+v", o)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Plan: PlanUltimate})
	seedPeople(t, e.sim, 50, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				var r reply
				switch j % 3 {
				case 0:
					r = e.do("GET", "/api/v2/persons?sort_by=update_time&limit=10", nil)
				case 1:
					r = e.do("POST", "/api/v2/persons", map[string]any{"name": fmt.Sprintf("C %d %d", i, j)})
				default:
					r = e.do("PATCH", "/api/v2/persons/1", map[string]any{"name": fmt.Sprintf("P %d", i)})
				}
				if r.status != 200 {
					errs <- r.raw
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	if e.sim.CountPersons() != 50+8*2 {
		t.Fatalf("count %d", e.sim.CountPersons())
	}
}
