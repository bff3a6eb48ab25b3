package klaviyo

import "testing"

// A bulk import job does not clear a field sent as null ("The Bulk Import
// Profiles API does not support setting fields to null to clear them. Only
// fields explicitly provided with non-null values will be updated", Bulk
// Import Profiles API guide); PATCH /api/profiles/{id} does.
func TestBulkImportIgnoresNulls(t *testing.T) {
	h := newHarness(t, Options{Seed: 11})
	h.sim.SetJobPolls(0)
	ids, err := h.sim.SeedProfiles([]ProfileSeed{{Email: "ada@example.com", FirstName: "Ada", Title: "CTO",
		Location: Location{City: "London"}, Properties: map[string]any{"Plan": "gold"}}})
	if err != nil {
		t.Fatal(err)
	}
	profiles := []any{map[string]any{"type": "profile", "id": ids[0], "attributes": map[string]any{
		"first_name": "Augusta", "title": nil, "location": map[string]any{"city": nil}, "properties": map[string]any{"Plan": nil}}}}
	code, body, _ := h.call("POST", "/api/profile-bulk-import-jobs", map[string]any{"data": map[string]any{
		"type": "profile-bulk-import-job", "attributes": map[string]any{"profiles": map[string]any{"data": profiles}}}})
	if code != 202 {
		t.Fatalf("create job: %d %v", code, body)
	}
	jobID := body["data"].(map[string]any)["id"].(string)
	if code, body, _ = h.call("GET", "/api/profile-bulk-import-jobs/"+jobID, nil); code != 200 {
		t.Fatalf("poll: %d %v", code, body)
	}
	p, _ := h.sim.Profile(ids[0])
	if p.FirstName != "Augusta" || p.Title != "CTO" || p.Location.City != "London" || p.Properties["Plan"] != "gold" {
		t.Fatalf("after the import job: %+v; want first_name written and the nulls ignored", p)
	}
	code, body, _ = h.call("PATCH", "/api/profiles/"+ids[0], profileDoc(ids[0], map[string]any{"title": nil}))
	if p, _ = h.sim.Profile(ids[0]); code != 200 || p.Title != "" {
		t.Fatalf("PATCH title null: %d %v, profile %+v", code, body, p)
	}
}
