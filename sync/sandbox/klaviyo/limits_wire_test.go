package klaviyo

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// get_profiles' fields[profile] enum (klaviyo/openapi, openapi/stable/apis/
// get_profiles.json, revision 2026-07-15) lists "id" among its members.
func TestSparseFieldsetAcceptsID(t *testing.T) {
	h := newHarness(t, Options{Seed: 31})
	ids := seed(t, h.sim, 1)
	code, body, _ := h.call("GET", "/api/profiles?"+url.Values{"fields[profile]": {"id,email"}}.Encode(), nil)
	if code != 200 {
		t.Fatalf("fields[profile]=id,email: %d %v", code, body)
	}
	data := body["data"].([]any)
	p := data[0].(map[string]any)
	a := p["attributes"].(map[string]any)
	if p["id"] != ids[0] || a["email"] != "p000@example.com" || a["first_name"] != nil {
		t.Fatalf("sparse profile: %v", p)
	}
	if code, body, _ = h.call("GET", "/api/profiles/"+ids[0]+"?"+url.Values{"fields[profile]": {"id"}}.Encode(), nil); code != 200 {
		t.Fatalf("get_profile fields[profile]=id: %d %v", code, body)
	}
}

// get_profiles' description (openapi/stable/apis/get_profiles.json): "Rate
// limits when using the additional-fields[profile]=predictive_analytics
// parameter in your API request: Burst: 10/s Steady: 150/m".
func TestPredictiveAnalyticsUsesTheSmallerRateLimit(t *testing.T) {
	now := time.Date(2026, 7, 20, 12, 0, 0, 0, time.UTC)
	h := newHarness(t, Options{Seed: 32, RateLimits: true, Now: func() time.Time { return now }})
	seed(t, h.sim, 1)
	path := "/api/profiles?" + url.Values{"additional-fields[profile]": {"predictive_analytics"}}.Encode()
	for i := range 10 {
		if code, body, _ := h.call("GET", path, nil); code != 200 {
			t.Fatalf("call %d within the burst of 10: %d %v", i+1, code, body)
		}
	}
	code, body, hdr := h.call("GET", path, nil)
	if code != 429 || hdr.Get("Retry-After") == "" {
		t.Fatalf("11th predictive_analytics read in one second: %d %v; want 429 (burst 10/s)", code, body)
	}
	if code, _, _ := h.call("GET", "/api/profiles", nil); code != 200 {
		t.Fatalf("a plain read keeps the 75/s window: %d", code)
	}
}

// bulk_import_profiles' description (openapi/stable/apis/
// bulk_import_profiles.json): "The maximum allowed payload size per-profile
// is 100KB." [how a profile over it is refused is unverified: here the job
// is refused with the pointer at that profile].
func TestBulkImportRefusesAProfileOver100KB(t *testing.T) {
	h := newHarness(t, Options{Seed: 33})
	big := strings.Repeat("x", 101<<10)
	profiles := []any{
		map[string]any{"type": "profile", "attributes": map[string]any{"email": "ok@example.com"}},
		map[string]any{"type": "profile", "attributes": map[string]any{"email": "big@example.com", "properties": map[string]any{"Notes": big}}},
	}
	code, body, _ := h.call("POST", "/api/profile-bulk-import-jobs", map[string]any{"data": map[string]any{
		"type": "profile-bulk-import-job", "attributes": map[string]any{"profiles": map[string]any{"data": profiles}}}})
	e := firstError(body)
	if code != 400 || e == nil {
		t.Fatalf("job with a 101KB profile: %d %v; want 400", code, body)
	}
	src, _ := e["source"].(map[string]any)
	if src["pointer"] != "/data/attributes/profiles/data/1" {
		t.Fatalf("pointer %v; want the oversized profile", src)
	}
}

// Profiles API overview (developers.klaviyo.com/en/reference/
// profiles_api_overview, "Profile identifiers"): email is "The profile's
// valid email address (must be <= 100 characters)".
func TestEmailOver100CharactersIsRefused(t *testing.T) {
	h := newHarness(t, Options{Seed: 34})
	long := strings.Repeat("a", 89) + "@example.com" // 101 characters
	code, body, _ := h.call("POST", "/api/profiles", profileDoc("", map[string]any{"email": long}))
	e := firstError(body)
	src, _ := e["source"].(map[string]any)
	if code != 400 || src["pointer"] != "/data/attributes/email" {
		t.Fatalf("create with a 101-character email: %d %v; want 400 at /data/attributes/email", code, body)
	}
	ok := strings.Repeat("a", 88) + "@example.com" // 100 characters
	if code, body, _ = h.call("POST", "/api/profiles", profileDoc("", map[string]any{"email": ok})); code != 201 {
		t.Fatalf("create with a 100-character email: %d %v", code, body)
	}
}
