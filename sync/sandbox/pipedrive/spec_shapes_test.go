package pipedrive

import (
	"fmt"
	"slices"
	"testing"
)

// creatableFieldTypes is the field_type enum of AddPersonFieldRequest,
// AddOrganizationFieldRequest and AddDealFieldRequest in Pipedrive's v2
// spec (pipedrive/client-nodejs src/versions/v2/models/add-deal-field-request.ts,
// generated from it): the only types a custom field can have. "int" is in
// the response enum for built-in fields only.
var creatableFieldTypes = []string{"varchar", "text", "double", "phone", "date", "daterange", "time",
	"timerange", "set", "enum", "varchar_auto", "address", "monetary", "org", "people", "user"}

// TestCustomFieldTypesCreatable reads every custom field over the v2
// fields API and checks its type is one a company can create.
func TestCustomFieldTypesCreatable(t *testing.T) {
	e := newEnv(t, Options{})
	for _, path := range []string{"/api/v2/personFields", "/api/v2/organizationFields", "/api/v2/dealFields"} {
		r := e.do("GET", path+"?limit=500", nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", path, r.status, r.raw)
		}
		custom := 0
		for _, it := range items(t, r) {
			f := it.(map[string]any)
			if f["is_custom_field"] != true {
				continue
			}
			custom++
			if typ, _ := f["field_type"].(string); !slices.Contains(creatableFieldTypes, typ) {
				t.Errorf("%s: custom field %q (%v) has field_type %q, which no custom field can have", path, f["field_code"], f["field_name"], typ)
			}
		}
		if custom == 0 {
			t.Fatalf("%s lists no custom field: %s", path, r.raw)
		}
	}
}

// TestPersonsListByDeal lists persons with deal_id, a filter of
// getPersons in the v2 spec ("only persons linked to the specified deal
// are returned"): the deal's contact person comes back, the others not.
func TestPersonsListByDeal(t *testing.T) {
	e := newEnv(t, Options{})
	var ids []int64
	for _, name := range []string{"Ann Lee", "Bob Ray", "Cy Dunn"} {
		r := e.do("POST", "/api/v2/persons", map[string]any{"name": name})
		if r.status != 200 {
			t.Fatalf("create %s: %d %s", name, r.status, r.raw)
		}
		ids = append(ids, num(data(t, r)["id"]))
	}
	r := e.do("POST", "/api/v2/deals", map[string]any{"title": "Bob's deal", "person_id": ids[1]})
	if r.status != 200 {
		t.Fatalf("create deal: %d %s", r.status, r.raw)
	}
	deal := num(data(t, r)["id"])
	r = e.do("GET", fmt.Sprintf("/api/v2/persons?deal_id=%d", deal), nil)
	if r.status != 200 {
		t.Fatalf("list by deal: %d %s", r.status, r.raw)
	}
	var got []int64
	for _, it := range items(t, r) {
		got = append(got, num(it.(map[string]any)["id"]))
	}
	if !slices.Equal(got, []int64{ids[1]}) {
		t.Fatalf("persons of deal %d: %v, want only %d (the deal's person): %s", deal, got, ids[1], r.raw)
	}
	// A deal that does not exist links no one [unverified: the spec names no error].
	r = e.do("GET", fmt.Sprintf("/api/v2/persons?deal_id=%d", deal+1000), nil)
	if r.status != 200 || len(items(t, r)) != 0 {
		t.Fatalf("persons of a missing deal: %d %s", r.status, r.raw)
	}
}

// TestUnauthorizedBodyHasErrorCode checks a refused token's body
// against the v1 spec's UnathorizedResponse ({success, error, errorCode};
// pipedrive/client-nodejs src/versions/v1/models/unathorized-response.ts).
func TestUnauthorizedBodyHasErrorCode(t *testing.T) {
	e := newEnv(t, Options{})
	for name, h := range map[string]map[string]string{
		"bad bearer":    {"Authorization": "Bearer not-a-token"},
		"bad api token": {"x-api-token": "not-a-token"},
		"no token":      {},
	} {
		r := e.request("GET", "/api/v2/persons", nil, h)
		if r.status != 401 {
			t.Fatalf("%s: status %d: %s", name, r.status, r.raw)
		}
		if r.body["success"] != false || r.body["error"] == "" || num(r.body["errorCode"]) != 401 {
			t.Errorf("%s: body %s lacks the spec's success false, error and errorCode 401", name, r.raw)
		}
	}
}

// TestOrganizationCreateTakesUpdateTime creates an organization with
// add_time and update_time, both properties of AddOrganizationRequest in
// the v2 spec (client-nodejs src/versions/v2/models/add-organization-request.ts),
// as AddPersonRequest has them for a person: both are kept.
func TestOrganizationCreateTakesUpdateTime(t *testing.T) {
	e := newEnv(t, Options{})
	const added, updated = "2026-01-02T03:04:05Z", "2026-02-03T04:05:06Z"
	for _, path := range []string{"/api/v2/organizations", "/api/v2/persons"} {
		r := e.do("POST", path, map[string]any{"name": "Acme Oy", "add_time": added, "update_time": updated})
		if r.status != 200 {
			t.Fatalf("%s with add_time and update_time: %d %s", path, r.status, r.raw)
		}
		if d := data(t, r); d["add_time"] != added || d["update_time"] != updated {
			t.Fatalf("%s: add_time %v, update_time %v; want %s and %s", path, d["add_time"], d["update_time"], added, updated)
		}
	}
}
