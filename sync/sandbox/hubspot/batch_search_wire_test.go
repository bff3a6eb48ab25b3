package hubspot

import (
	"net/http"
	"testing"
)

// HubSpot refuses a whole batch update or upsert in which two inputs name
// the same record: 400 VALIDATION_ERROR, "Duplicate IDs found in batch
// input: [<id>]. IDs must be unique", with context.ids, whether or not the
// inputs carry objectWriteTraceIds. The body is as captured from the live
// API in rudderlabs/rudder-transformer's HubSpot proxy test fixtures; the
// upsert case (two inputs with one idProperty value) as reported in
// segmentio/action-destinations#3969. Nothing in the batch is written.
func TestBatchDuplicateIDsRefuseTheWholeBatch(t *testing.T) {
	e := newEnv(t, Options{})
	rec, err := e.sim.Create("contacts", map[string]string{"email": "ada@example.com", "firstname": "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.sim.Create("contacts", map[string]string{"email": "bob@example.com", "firstname": "Bob"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, r *http.Response, body map[string]any, id string) {
		t.Helper()
		if r.StatusCode != http.StatusBadRequest || body["category"] != "VALIDATION_ERROR" {
			t.Fatalf("%s: %d %v; want 400 VALIDATION_ERROR for the whole batch", what, r.StatusCode, body)
		}
		if want := "Duplicate IDs found in batch input: [" + id + "]. IDs must be unique"; body["message"] != want {
			t.Fatalf("%s: message %q; want %q", what, body["message"], want)
		}
		ctx, _ := body["context"].(map[string]any)
		if ids, _ := ctx["ids"].([]any); len(ids) != 1 || ids[0] != id {
			t.Fatalf("%s: context %v; want ids [%s]", what, body["context"], id)
		}
	}

	r, body := e.do("POST", "/crm/objects/2026-03/contacts/batch/update", map[string]any{"inputs": []any{
		map[string]any{"id": other.ID, "objectWriteTraceId": "0", "properties": map[string]any{"firstname": "Bobby"}},
		map[string]any{"id": rec.ID, "objectWriteTraceId": "1", "properties": map[string]any{"firstname": "Ada1"}},
		map[string]any{"id": rec.ID, "objectWriteTraceId": "2", "properties": map[string]any{"firstname": "Ada2"}},
	}})
	check("batch update", r, body, rec.ID)

	r, body = e.do("POST", "/crm/objects/2026-03/contacts/batch/upsert", map[string]any{"inputs": []any{
		map[string]any{"id": "new@example.com", "idProperty": "email", "properties": map[string]any{"firstname": "New"}},
		map[string]any{"id": "ada@example.com", "idProperty": "email", "properties": map[string]any{"firstname": "Ada3"}},
		map[string]any{"id": "ada@example.com", "idProperty": "email", "properties": map[string]any{"firstname": "Ada4"}},
	}})
	check("batch upsert", r, body, "ada@example.com")

	if got, _ := e.sim.Get("contacts", rec.ID); got.Properties["firstname"] != "Ada" {
		t.Fatalf("firstname %q after refused batches; want Ada untouched", got.Properties["firstname"])
	}
	if got, _ := e.sim.Get("contacts", other.ID); got.Properties["firstname"] != "Bob" {
		t.Fatalf("firstname %q after a refused batch; want Bob untouched", got.Properties["firstname"])
	}
	if n := e.sim.Count("contacts"); n != 2 {
		t.Fatalf("%d contacts after a refused upsert; want 2 (nothing created)", n)
	}
}

// A search over HubSpot's per-second search limit answers 429 with
// {"status":"error","message":"You have reached your secondly limit.",
// "correlationId":…,"category":"RATE_LIMITS"}: no errorType, no policyName
// and no Retry-After header, unlike the ten-secondly and daily 429s. As
// recorded from api.hubapi.com (POST /crm/v3/objects/{type}/search) in
// grouparoo/grouparoo's HubSpot plugin test fixtures (nock recordings of
// 2021-11-04, headers listed in full).
func TestSearch429IsTheSecondlyBody(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, SearchPerSec: 2})
	search := map[string]any{"limit": 1}
	for i := 0; i < 2; i++ {
		if r, _ := e.do("POST", "/crm/objects/2026-03/contacts/search", search); r.StatusCode != 200 {
			t.Fatalf("search %d: %d", i, r.StatusCode)
		}
	}
	r, body := e.do("POST", "/crm/objects/2026-03/contacts/search", search)
	if r.StatusCode != 429 {
		t.Fatalf("search over the limit: %d", r.StatusCode)
	}
	if body["message"] != "You have reached your secondly limit." || body["category"] != "RATE_LIMITS" || body["status"] != "error" {
		t.Fatalf("search 429 body %v; want HubSpot's secondly body", body)
	}
	if _, ok := body["policyName"]; ok {
		t.Fatalf("search 429 body %v names a policy; HubSpot's names none", body)
	}
	if ra := r.Header.Get("Retry-After"); ra != "" {
		t.Fatalf("search 429 with Retry-After %q; HubSpot sends none", ra)
	}
}

// HubSpot's CRM search guide allows at most five filterGroups of up to six
// filters each, 18 filters in all (as quoted by docs.erpbridge.io and
// docs.propstreet.com; the spec only says "Up to 6 groups"). The August
// 2024 changelog's 10 per group and 25 in all are looser, and a sandbox
// looser than the vendor hides a query the vendor refuses.
func TestSearchFilterLimits(t *testing.T) {
	e := newEnv(t, Options{})
	group := func(n int) map[string]any {
		fs := make([]any, n)
		for i := range fs {
			fs[i] = map[string]any{"propertyName": "email", "operator": "HAS_PROPERTY"}
		}
		return map[string]any{"filters": fs}
	}
	search := func(groups ...map[string]any) int {
		gs := make([]any, len(groups))
		for i, g := range groups {
			gs[i] = g
		}
		r, _ := e.do("POST", "/crm/objects/2026-03/contacts/search", map[string]any{"filterGroups": gs, "limit": 1})
		return r.StatusCode
	}
	if st := search(group(6), group(6), group(6)); st != 200 {
		t.Fatalf("3 groups of 6 filters (18): %d, want 200", st)
	}
	if st := search(group(7)); st != 400 {
		t.Fatalf("7 filters in a group: %d, want 400", st)
	}
	if st := search(group(6), group(6), group(6), group(1)); st != 400 {
		t.Fatalf("19 filters in all: %d, want 400", st)
	}
	if st := search(group(1), group(1), group(1), group(1), group(1), group(1)); st != 400 {
		t.Fatalf("6 filter groups: %d, want 400", st)
	}
}
