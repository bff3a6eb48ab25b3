package klaviyo

import (
	"testing"
)

func TestBulkImportJob(t *testing.T) {
	h := newHarness(t, Options{Seed: 8})
	ids := seed(t, h.sim, 3)
	h.sim.SetJobPolls(2)
	profiles := []any{
		map[string]any{"type": "profile", "id": ids[0], "attributes": map[string]any{"first_name": "Updated", "email": "renamed@example.com"}},
		map[string]any{"type": "profile", "attributes": map[string]any{"email": "p001@example.com", "title": "VP"}},
		map[string]any{"type": "profile", "attributes": map[string]any{"email": "fresh@example.com", "first_name": "Fresh"}},
		map[string]any{"type": "profile", "attributes": map[string]any{"email": "broken@@example", "first_name": "Bad"}},
	}
	code, body, _ := h.call("POST", "/api/profile-bulk-import-jobs", map[string]any{"data": map[string]any{
		"type": "profile-bulk-import-job", "attributes": map[string]any{"profiles": map[string]any{"data": profiles}}}})
	if code != 202 {
		t.Fatalf("create job: %d %v", code, body)
	}
	job := body["data"].(map[string]any)
	id := job["id"].(string)
	if job["attributes"].(map[string]any)["status"] != "queued" || h.sim.Count() != 3 {
		t.Fatalf("new job: %v, %d profiles", job, h.sim.Count())
	}
	for i, want := range []string{"processing", "processing", "complete", "complete"} {
		code, body, _ = h.call("GET", "/api/profile-bulk-import-jobs/"+id, nil)
		a := body["data"].(map[string]any)["attributes"].(map[string]any)
		if code != 200 || a["status"] != want {
			t.Fatalf("poll %d: %d %v, want %s", i, code, a, want)
		}
		if want == "processing" && h.sim.Count() != 3 {
			t.Fatal("writes applied before the job completed")
		}
		if want == "complete" && (a["total_count"] != float64(4) || a["completed_count"] != float64(3) || a["failed_count"] != float64(1)) {
			t.Fatalf("counts: %v", a)
		}
	}
	if p, _ := h.sim.Profile(ids[0]); p.FirstName != "Updated" || p.Email != "renamed@example.com" {
		t.Fatalf("update by id: %+v", p)
	}
	if p, _ := h.sim.Profile(ids[1]); p.Title != "VP" {
		t.Fatalf("update by email: %+v", p)
	}
	if p, ok := h.sim.ProfileByEmail("fresh@example.com"); !ok || p.FirstName != "Fresh" || h.sim.Count() != 4 {
		t.Fatalf("create: %+v, %d profiles", p, h.sim.Count())
	}
	code, body, _ = h.call("GET", "/api/profile-bulk-import-jobs/"+id+"/import-errors", nil)
	errs := body["data"].([]any)
	if code != 200 || len(errs) != 1 {
		t.Fatalf("import errors: %d %v", code, body)
	}
	ea := errs[0].(map[string]any)["attributes"].(map[string]any)
	if ea["source"].(map[string]any)["pointer"] != "/data/attributes/email" || ea["detail"] != detailEmail ||
		ea["original_payload"].(map[string]any)["attributes"].(map[string]any)["first_name"] != "Bad" {
		t.Fatalf("import error: %v", ea)
	}
	code, body, _ = h.call("GET", "/api/profile-bulk-import-jobs/"+id+"/profiles?page[size]=2", nil)
	if code != 200 || len(body["data"].([]any)) != 2 || body["links"].(map[string]any)["next"] == nil {
		t.Fatalf("job profiles page 1: %d %v", code, body)
	}
	code, body, _ = h.call("GET", body["links"].(map[string]any)["next"].(string), nil)
	if code != 200 || len(body["data"].([]any)) != 1 {
		t.Fatalf("job profiles page 2: %d %v", code, body)
	}
	code, body, _ = h.call("GET", "/api/profile-bulk-import-jobs/"+id+"/relationships/profiles", nil)
	if code != 200 || len(body["data"].([]any)) != 3 {
		t.Fatalf("job profile ids: %d %v", code, body)
	}
}

func TestBulkUnsubscribeChangesConsent(t *testing.T) {
	h := newHarness(t, Options{Seed: 9})
	ids := seed(t, h.sim, 2)
	before, _ := h.sim.Profile(ids[0])
	item := func(email, consent string) map[string]any {
		return map[string]any{"type": "profile", "attributes": map[string]any{"email": email,
			"subscriptions": map[string]any{"email": map[string]any{"marketing": map[string]any{"consent": consent}}}}}
	}
	code, body, _ := h.call("POST", "/api/profile-subscription-bulk-delete-jobs", map[string]any{"data": map[string]any{
		"type": "profile-subscription-bulk-delete-job", "attributes": map[string]any{"profiles": map[string]any{
			"data": []any{item("p000@example.com", "UNSUBSCRIBED")}}}}})
	if code != 202 || body != nil {
		t.Fatalf("unsubscribe: %d %v", code, body)
	}
	after, _ := h.sim.Profile(ids[0])
	if after.EmailConsent != Unsubscribed || !after.Updated.After(before.Updated) {
		t.Fatalf("after unsubscribe: %+v", after)
	}
	if p, _ := h.sim.Profile(ids[1]); p.EmailConsent != Subscribed {
		t.Fatalf("other profile: %+v", p)
	}
	code, _, _ = h.call("POST", "/api/profile-subscription-bulk-create-jobs", map[string]any{"data": map[string]any{
		"type": "profile-subscription-bulk-create-job", "attributes": map[string]any{"profiles": map[string]any{
			"data": []any{item("p000@example.com", "SUBSCRIBED")}}}}})
	if p, _ := h.sim.Profile(ids[0]); code != 202 || p.EmailConsent != Subscribed {
		t.Fatalf("subscribe: %d %+v", code, p)
	}
	many := make([]any, MaxUnsubscribeProfiles+1)
	for i := range many {
		many[i] = item("p000@example.com", "UNSUBSCRIBED")
	}
	code, _, _ = h.call("POST", "/api/profile-subscription-bulk-delete-jobs", map[string]any{"data": map[string]any{
		"type": "profile-subscription-bulk-delete-job", "attributes": map[string]any{"profiles": map[string]any{"data": many}}}})
	if code != 400 {
		t.Fatalf("101 profiles: %d", code)
	}
}
