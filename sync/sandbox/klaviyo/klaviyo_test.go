package klaviyo

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// harness is a Sim behind a real HTTP server on 127.0.0.1, mounted at /klaviyo.
type harness struct {
	t   *testing.T
	sim *Sim
	srv *httptest.Server
	key string
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	opts.PathPrefix = "/klaviyo"
	if opts.RedirectURI == "" {
		opts.RedirectURI = "http://127.0.0.1:53682/callback"
	}
	sim := New(opts)
	mux := http.NewServeMux()
	mux.Handle("/klaviyo/", http.StripPrefix("/klaviyo", sim))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &harness{t: t, sim: sim, srv: srv, key: sim.MintAPIKey()}
}

func (h *harness) url(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return h.srv.URL + "/klaviyo" + path
}

// call sends a request with the private key and the revision unless headers say otherwise.
func (h *harness) call(method, path string, body any, headers ...string) (int, map[string]any, http.Header) {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.url(path), rd)
	req.Header.Set("Authorization", "Klaviyo-API-Key "+h.key)
	req.Header.Set("revision", Revision)
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			h.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode, out, resp.Header
}

func profileDoc(id string, attrs map[string]any) map[string]any {
	d := map[string]any{"type": "profile", "attributes": attrs}
	if id != "" {
		d["id"] = id
	}
	return map[string]any{"data": d}
}

func firstError(body map[string]any) map[string]any {
	errs, _ := body["errors"].([]any)
	if len(errs) == 0 {
		return nil
	}
	e, _ := errs[0].(map[string]any)
	return e
}

func seed(t *testing.T, s *Sim, n int) []string {
	t.Helper()
	rows := make([]ProfileSeed, n)
	for i := range rows {
		rows[i] = ProfileSeed{Email: fmt.Sprintf("p%03d@example.com", i), FirstName: fmt.Sprint("P", i), EmailConsent: Subscribed}
	}
	ids, err := s.SeedProfiles(rows)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestPagingThroughAllProfilesWithoutLossOrRepeat(t *testing.T) {
	h := newHarness(t, Options{Seed: 1})
	ids := seed(t, h.sim, 237)
	seen := map[string]bool{}
	next, pages := "/api/profiles?page[size]=50", 0
	for next != "" {
		code, body, _ := h.call("GET", next, nil)
		if code != 200 {
			t.Fatalf("page %d: %d %v", pages, code, body)
		}
		for _, d := range body["data"].([]any) {
			id := d.(map[string]any)["id"].(string)
			if seen[id] {
				t.Fatalf("profile %s repeated", id)
			}
			seen[id] = true
		}
		links := body["links"].(map[string]any)
		next, _ = links["next"].(string)
		if next != "" && !strings.HasPrefix(next, h.srv.URL+"/klaviyo/api/profiles") {
			t.Fatalf("next link %q is not absolute on the mount point", next)
		}
		pages++
	}
	if len(seen) != len(ids) || pages != 5 {
		t.Fatalf("saw %d of %d profiles in %d pages", len(seen), len(ids), pages)
	}
	if len(ids[0]) != 26 || strings.Trim(ids[0], crockford) != "" {
		t.Fatalf("id %q is not ULID-like", ids[0])
	}
	code, body, _ := h.call("GET", "/api/profiles", nil)
	if code != 200 || len(body["data"].([]any)) != DefaultPageSize {
		t.Fatalf("default page: %d, %d rows", code, len(body["data"].([]any)))
	}
	if code, body, _ := h.call("GET", "/api/profiles?page[size]=101", nil); code != 400 || firstError(body)["code"] != "invalid" {
		t.Fatalf("page[size]=101: %d %v", code, body)
	}
}

func TestUpdatedFilterAndSort(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	h := newHarness(t, Options{Seed: 2, Now: func() time.Time { return now }})
	ids := seed(t, h.sim, 10)
	code, body, _ := h.call("GET", "/api/profiles/"+ids[3], nil)
	if code != 200 {
		t.Fatal(code)
	}
	mark := body["data"].(map[string]any)["attributes"].(map[string]any)["updated"].(string)
	// Two edits after the mark, with the clock standing still: updated must still move on.
	if _, err := h.sim.UpdateProfile(ids[1], map[string]any{"first_name": "Edited", "location.city": "Berlin", "properties.plan": "pro"}); err != nil {
		t.Fatal(err)
	}
	if err := h.sim.Unsubscribe("p007@example.com"); err != nil {
		t.Fatal(err)
	}
	q := url.Values{"filter": {"greater-than(updated," + mark + ")"}, "sort": {"-updated"}}
	code, body, _ = h.call("GET", "/api/profiles?"+q.Encode(), nil)
	if code != 200 {
		t.Fatalf("%d %v", code, body)
	}
	var got []string
	for _, d := range body["data"].([]any) {
		got = append(got, d.(map[string]any)["id"].(string))
	}
	if len(got) < 2 || got[0] != ids[7] || got[1] != ids[1] {
		t.Fatalf("greater-than(updated) sorted -updated: %v (ids %v)", got, ids)
	}
	p, _ := h.sim.Profile(ids[1])
	if p.FirstName != "Edited" || p.Location.City != "Berlin" || p.Properties["plan"] != "pro" {
		t.Fatalf("update: %+v", p)
	}
	code, body, _ = h.call("GET", "/api/profiles?sort=updated&filter="+url.QueryEscape(`any(email,["p001@example.com","p002@example.com"])`), nil)
	if code != 200 || len(body["data"].([]any)) != 2 {
		t.Fatalf("any(email): %d %v", code, body)
	}
	code, body, _ = h.call("GET", "/api/profiles?filter="+url.QueryEscape(`equals(id,"`+ids[2]+`")`), nil)
	if code != 200 || len(body["data"].([]any)) != 1 {
		t.Fatalf("equals(id): %d %v", code, body)
	}
	code, body, _ = h.call("GET", "/api/profiles?filter="+url.QueryEscape(`equals(first_name,"P1")`), nil)
	if e := firstError(body); code != 400 || e["code"] != "invalid" || e["source"].(map[string]any)["parameter"] != "filter" {
		t.Fatalf("unsupported filter: %d %v", code, body)
	}
}

func TestSparseFieldsAndSubscriptions(t *testing.T) {
	h := newHarness(t, Options{Seed: 3})
	ids := seed(t, h.sim, 2)
	if err := h.sim.Unsubscribe("p001@example.com"); err != nil {
		t.Fatal(err)
	}
	code, body, _ := h.call("GET", "/api/profiles?"+url.Values{"fields[profile]": {"email,location.city,subscriptions"},
		"additional-fields[profile]": {"subscriptions"}}.Encode(), nil)
	if code != 200 {
		t.Fatalf("%d %v", code, body)
	}
	for i, d := range body["data"].([]any) {
		a := d.(map[string]any)["attributes"].(map[string]any)
		if len(a) != 3 || a["first_name"] != nil || a["location"].(map[string]any)["zip"] != nil || len(a["location"].(map[string]any)) != 1 {
			t.Fatalf("sparse attributes: %v", a)
		}
		m := a["subscriptions"].(map[string]any)["email"].(map[string]any)["marketing"].(map[string]any)
		want := []any{Subscribed, true}
		if i == 1 {
			want = []any{Unsubscribed, false}
		}
		if m["consent"] != want[0] || m["can_receive_email_marketing"] != want[1] || m["consent_timestamp"] == nil {
			t.Fatalf("profile %s subscriptions: %v", ids[i], m)
		}
	}
	code, body, _ = h.call("GET", "/api/profiles/"+ids[0], nil)
	if _, ok := body["data"].(map[string]any)["attributes"].(map[string]any)["subscriptions"]; ok || code != 200 {
		t.Fatal("subscriptions without additional-fields")
	}
}

func TestCreateDuplicatePatchAndUpsert(t *testing.T) {
	h := newHarness(t, Options{Seed: 4})
	code, body, _ := h.call("POST", "/api/profiles", profileDoc("", map[string]any{"email": "ada@example.com", "first_name": "Ada",
		"phone_number": "+15005550006", "title": "CTO", "location": map[string]any{"city": "London"}, "properties": map[string]any{"plan": "free"}}))
	if code != 201 {
		t.Fatalf("create: %d %v", code, body)
	}
	id := body["data"].(map[string]any)["id"].(string)
	code, body, _ = h.call("POST", "/api/profiles", profileDoc("", map[string]any{"email": "ADA@example.com"}))
	if e := firstError(body); code != 409 || e["code"] != "duplicate_profile" || e["meta"].(map[string]any)["duplicate_profile_id"] != id {
		t.Fatalf("duplicate: %d %v", code, body)
	}
	code, body, _ = h.call("POST", "/api/profiles", profileDoc("", map[string]any{"email": "not-an-email"}))
	if e := firstError(body); code != 400 || e["source"].(map[string]any)["pointer"] != "/data/attributes/email" {
		t.Fatalf("bad email: %d %v", code, body)
	}
	code, body, _ = h.call("POST", "/api/profiles", profileDoc("", map[string]any{"email": "b@example.com", "phone_number": "555-1234"}))
	if e := firstError(body); code != 400 || e["detail"] != detailPhone {
		t.Fatalf("bad phone: %d %v", code, body)
	}
	code, body, _ = h.call("PATCH", "/api/profiles/"+id, profileDoc(id, map[string]any{"title": nil, "last_name": "Lovelace",
		"location": map[string]any{"city": nil, "country": "GB"}}))
	if code != 200 {
		t.Fatalf("patch: %d %v", code, body)
	}
	p, _ := h.sim.Profile(id)
	if p.Title != "" || p.LastName != "Lovelace" || p.FirstName != "Ada" || p.Location.City != "" || p.Location.Country != "GB" || p.Properties["plan"] != "free" {
		t.Fatalf("after patch: %+v", p)
	}
	a := body["data"].(map[string]any)["attributes"].(map[string]any)
	if a["title"] != nil || a["first_name"] != "Ada" {
		t.Fatalf("patch answer: %v", a)
	}
	code, _, _ = h.call("POST", "/api/profile-import", profileDoc("", map[string]any{"email": "ada@example.com", "organization": "Analytical"}))
	if p, _ := h.sim.Profile(id); code != 200 || p.Organization != "Analytical" {
		t.Fatalf("upsert update: %d %+v", code, p)
	}
	code, _, _ = h.call("POST", "/api/profile-import", profileDoc("", map[string]any{"email": "new@example.com"}))
	if code != 201 || h.sim.Count() != 2 {
		t.Fatalf("upsert create: %d, %d profiles", code, h.sim.Count())
	}
}

func TestAuthRevisionAndScopes(t *testing.T) {
	h := newHarness(t, Options{Seed: 5})
	code, body, _ := h.call("GET", "/api/profiles", nil, "Authorization", "")
	if code != 401 || firstError(body)["code"] != "not_authenticated" {
		t.Fatalf("no credentials: %d %v", code, body)
	}
	code, _, _ = h.call("GET", "/api/profiles", nil, "Authorization", "Klaviyo-API-Key pk_nope")
	if code != 401 {
		t.Fatalf("unknown key: %d", code)
	}
	code, body, _ = h.call("GET", "/api/profiles", nil, "revision", "")
	if code != 400 || firstError(body)["source"].(map[string]any)["parameter"] != "revision" {
		t.Fatalf("no revision: %d %v", code, body)
	}
	if code, _, _ = h.call("GET", "/api/profiles", nil, "revision", "2099-01-01"); code != 400 {
		t.Fatalf("unknown revision: %d", code)
	}
	if code, _, _ = h.call("GET", "/api/profiles", nil, "revision", "2024-10-15.pre"); code != 200 {
		t.Fatalf("older revision with suffix: %d", code)
	}
	tok := h.sim.MintAccessTokenWithScopes("profiles:read")
	if code, _, _ = h.call("GET", "/api/profiles", nil, "Authorization", "Bearer "+tok); code != 200 {
		t.Fatalf("read with profiles:read: %d", code)
	}
	code, body, _ = h.call("POST", "/api/profiles", profileDoc("", map[string]any{"email": "x@example.com"}), "Authorization", "Bearer "+tok)
	if code != 403 || firstError(body)["code"] != "permission_denied" || h.sim.Count() != 0 {
		t.Fatalf("write without profiles:write: %d %v", code, body)
	}
	code, body, _ = h.call("GET", "/api/accounts", nil, "Authorization", "Bearer "+h.sim.MintAccessToken())
	if code != 200 || body["data"].([]any)[0].(map[string]any)["type"] != "account" {
		t.Fatalf("accounts: %d %v", code, body)
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	h := newHarness(t, Options{Seed: 6, RateLimits: true})
	code, _, hdr := h.call("GET", "/api/accounts", nil)
	if code != 200 || hdr.Get("RateLimit-Limit") != "15" {
		t.Fatalf("first: %d %v", code, hdr)
	}
	code, body, hdr := h.call("GET", "/api/accounts", nil)
	if code != 429 || hdr.Get("Retry-After") == "" || firstError(body)["code"] != "throttled" {
		t.Fatalf("second within a second (burst 1/s): %d %v %v", code, hdr, body)
	}
	if code, _, _ = h.call("GET", "/api/profiles", nil); code != 200 {
		t.Fatalf("another endpoint has its own window: %d", code)
	}
}

func TestOAuthCodeFlowWithPKCEAndRefresh(t *testing.T) {
	h := newHarness(t, Options{Seed: 7})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	verifier := "verifier-0123456789-0123456789-0123456789-0123456789"
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {h.sim.Auth().ClientID()}, "redirect_uri": {h.sim.opts.RedirectURI},
		"scope": {"accounts:read profiles:read"}, "state": {"st8"}}
	resp, err := noRedirect.Get(h.url("/oauth/authorize?" + q.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("authorize without PKCE: %d", resp.StatusCode)
	}
	q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
	q.Set("code_challenge_method", "S256")
	resp, err = noRedirect.Get(h.url("/oauth/authorize?" + q.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 302 || loc.Query().Get("state") != "st8" || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %s", resp.StatusCode, loc)
	}
	token := func(form url.Values, basic bool) (int, map[string]any) {
		req, _ := http.NewRequest("POST", h.url("/oauth/token"), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basic {
			req.SetBasicAuth(h.sim.Auth().ClientID(), h.sim.Auth().ClientSecret())
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "code_verifier": {verifier},
		"redirect_uri": {h.sim.opts.RedirectURI}}
	if code, _ := token(form, false); code != 401 {
		t.Fatalf("token without Basic client auth: %d", code)
	}
	// The failed exchange above did not consume the code: client auth comes first.
	code, tok := token(form, true)
	if code != 200 || tok["token_type"] != "Bearer" || tok["expires_in"] != float64(3600) || tok["refresh_token"] == "" ||
		tok["scope"] != "accounts:read profiles:read" {
		t.Fatalf("token: %d %v", code, tok)
	}
	at := tok["access_token"].(string)
	if code, _, _ := h.call("GET", "/api/accounts", nil, "Authorization", "Bearer "+at); code != 200 {
		t.Fatalf("call with the access token: %d", code)
	}
	if code, _, _ := h.call("POST", "/api/profiles", profileDoc("", map[string]any{"email": "z@example.com"}), "Authorization", "Bearer "+at); code != 403 {
		t.Fatalf("write with read scopes: %d", code)
	}
	h.sim.Auth().ExpireAllAccess()
	if code, _, _ := h.call("GET", "/api/accounts", nil, "Authorization", "Bearer "+at); code != 401 {
		t.Fatalf("expired token: %d", code)
	}
	code, tok2 := token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}, true)
	if code != 200 || tok2["access_token"] == at {
		t.Fatalf("refresh: %d %v", code, tok2)
	}
	if code, _, _ := h.call("GET", "/api/profiles", nil, "Authorization", "Bearer "+tok2["access_token"].(string)); code != 200 {
		t.Fatalf("call after refresh: %d", code)
	}
	req, _ := http.NewRequest("POST", h.url("/oauth/revoke"), strings.NewReader(url.Values{"token": {tok["refresh_token"].(string)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(h.sim.Auth().ClientID(), h.sim.Auth().ClientSecret())
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("revoke: %v", err)
	}
	if code, _ := token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}, true); code != 400 {
		t.Fatalf("refresh after revoke: %d", code)
	}
}
