package hubspot

import (
	"net/http"
	"slices"
	"testing"
)

// auditContact creates one contact through the API and returns its id.
func auditContact(t *testing.T, e *env, email string) string {
	t.Helper()
	r, body := e.do("POST", "/crm/objects/2026-03/contacts", map[string]any{"properties": map[string]any{"email": email}})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create %s: %d %v", email, r.StatusCode, body)
	}
	return body["id"].(string)
}

// contextList reads one key of an error's context as strings.
func contextList(body map[string]any, key string) []string {
	ctx, _ := body["context"].(map[string]any)
	raw, _ := ctx[key].([]any)
	var out []string
	for _, v := range raw {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

// TestSingleObjectMissingIDBodies pins what HubSpot answers a GET or
// PATCH of one record that is not there. Captured responses (a HubSpot MCP
// client's PATCH test; a HubSpot mirror's "Not found" table, bodies from
// captures; HubSpot/hubspot-api-nodejs#669 for a GET) agree: a numeric id
// that names no record is 404 {"status":"error","message":"resource not
// found","correlationId":…} with no category, and an id that is not
// numeric is 404 "Object not found.  objectId are usually numeric." with
// context.id and category OBJECT_NOT_FOUND. The sandbox answered both with
// the batch endpoints' "Could not get some CONTACT objects…" (PATCH) or a
// category HubSpot does not send (GET).
func TestSingleObjectMissingIDBodies(t *testing.T) {
	e := newEnv(t, Options{})
	gone := auditContact(t, e, "gone@example.com")
	if r, _ := e.do("DELETE", "/crm/objects/2026-03/contacts/"+gone, nil); r.StatusCode != http.StatusNoContent {
		t.Fatalf("archive: %d", r.StatusCode)
	}
	patch := map[string]any{"properties": map[string]any{"firstname": "X"}}
	for _, id := range []string{"987654321", gone} {
		for _, method := range []string{"GET", "PATCH"} {
			var body any
			if method == "PATCH" {
				body = patch
			}
			r, got := e.do(method, "/crm/objects/2026-03/contacts/"+id, body)
			if r.StatusCode != http.StatusNotFound || got["status"] != "error" || got["message"] != "resource not found" {
				t.Errorf("%s of numeric id %s: %d %v, want 404 \"resource not found\"", method, id, r.StatusCode, got)
			}
			if _, has := got["category"]; has {
				t.Errorf("%s of numeric id %s: category %v, HubSpot sends none", method, id, got["category"])
			}
			if got["correlationId"] == nil {
				t.Errorf("%s of numeric id %s: no correlationId: %v", method, id, got)
			}
		}
	}
	for _, method := range []string{"GET", "PATCH"} {
		var body any
		if method == "PATCH" {
			body = patch
		}
		r, got := e.do(method, "/crm/objects/2026-03/contacts/not-a-number", body)
		if r.StatusCode != http.StatusNotFound || got["category"] != "OBJECT_NOT_FOUND" ||
			got["message"] != "Object not found.  objectId are usually numeric." ||
			!slices.Equal(contextList(got, "id"), []string{"not-a-number"}) {
			t.Errorf("%s of a non-numeric id: %d %v", method, r.StatusCode, got)
		}
	}
	if n := e.sim.Count("contacts"); n != 0 {
		t.Errorf("%d live contacts after writes to missing ids, want 0", n)
	}
}

// TestBatchMissingIDsAre207 pins the batch endpoints' answer to ids
// that name no record, as captured from HubSpot (amp-labs/connectors
// providers/hubspot/test/batch/update/contacts/err-partial-success.json;
// HubSpot's 2020 changelog "Simplifying batch update response codes":
// 200 when all succeed, 207 "when one or more of the batch operations
// fails"): the found records are written and returned, and each missing
// one is an errors[] item with category OBJECT_NOT_FOUND, "Could not get
// some CONTACT objects, they may be deleted or not exist. Check that ids
// are valid." and the id in context.ids. batch/read groups every missing
// id in one item. Coverage: the sandbox already answers so, and no other
// sandbox test pins the update's 207 body.
func TestBatchMissingIDsAre207(t *testing.T) {
	e := newEnv(t, Options{})
	live := auditContact(t, e, "live@example.com")
	const msg = "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid."
	upd := map[string]any{"inputs": []any{
		map[string]any{"id": live, "properties": map[string]any{"firstname": "Kept"}},
		map[string]any{"id": "987654321", "properties": map[string]any{"firstname": "Lost"}, "objectWriteTraceId": "1"},
	}}
	r, body := e.do("POST", "/crm/objects/2026-03/contacts/batch/update", upd)
	errs, _ := body["errors"].([]any)
	if r.StatusCode != http.StatusMultiStatus || len(body["results"].([]any)) != 1 || len(errs) != 1 {
		t.Fatalf("batch update with a missing id: %d %v", r.StatusCode, body)
	}
	item := errs[0].(map[string]any)
	if item["category"] != "OBJECT_NOT_FOUND" || item["message"] != msg || !slices.Equal(contextList(item, "ids"), []string{"987654321"}) {
		t.Errorf("batch update error item %v", item)
	}
	if rec, _ := e.do("GET", "/crm/objects/2026-03/contacts/"+live+"?properties=firstname", nil); rec.StatusCode != http.StatusOK {
		t.Errorf("the live contact: %d", rec.StatusCode)
	}
	read := map[string]any{"properties": []string{"email"}, "propertiesWithHistory": []string{}, "inputs": []any{
		map[string]any{"id": live}, map[string]any{"id": "987654321"}, map[string]any{"id": "987654322"},
	}}
	r, body = e.do("POST", "/crm/objects/2026-03/contacts/batch/read", read)
	errs, _ = body["errors"].([]any)
	if r.StatusCode != http.StatusMultiStatus || len(body["results"].([]any)) != 1 || len(errs) != 1 {
		t.Fatalf("batch read with missing ids: %d %v", r.StatusCode, body)
	}
	item = errs[0].(map[string]any)
	if item["category"] != "OBJECT_NOT_FOUND" || item["message"] != msg ||
		!slices.Equal(contextList(item, "ids"), []string{"987654321", "987654322"}) {
		t.Errorf("batch read error item %v", item)
	}
}
