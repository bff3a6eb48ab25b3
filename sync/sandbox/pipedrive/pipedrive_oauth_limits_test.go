package pipedrive

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

func TestOAuthCodeAndRefresh(t *testing.T) {
	e := newEnv(t, Options{RedirectURI: "http://127.0.0.1:53682/callback"})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	authorize := func(extra url.Values) *url.URL {
		q := url.Values{"client_id": {e.sim.Auth().ClientID()}, "redirect_uri": {"http://127.0.0.1:53682/callback"}, "state": {"st-42"},
			"code_challenge": {"ignored-by-pipedrive"}, "code_challenge_method": {"S256"}}
		for k, v := range extra {
			q[k] = v
		}
		resp, err := noFollow.Get(e.base + "/oauth/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("authorize: %d", resp.StatusCode)
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if loc.Query().Get("state") != "st-42" || loc.Host != "127.0.0.1:53682" {
			t.Fatalf("redirect %s", loc)
		}
		return loc
	}
	token := func(form url.Values, basic bool, contentType string) reply {
		req, _ := http.NewRequest("POST", e.base+"/oauth/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", contentType)
		if basic {
			req.SetBasicAuth(e.sim.Auth().ClientID(), e.sim.Auth().ClientSecret())
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		return reply{status: resp.StatusCode, raw: string(raw), body: m}
	}
	const form = "application/x-www-form-urlencoded"
	code := authorize(nil).Query().Get("code")
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://127.0.0.1:53682/callback"}}
	// No PKCE verifier is needed: Pipedrive has no PKCE, the challenge was ignored.
	tok := token(exchange, true, form)
	if tok.status != 200 || tok.body["token_type"] != "Bearer" || num(tok.body["expires_in"]) != 3599 ||
		tok.body["api_domain"] != e.base || tok.body["scope"] != "base,activities:full,contacts:full,deals:full,search:read,users:read" || tok.body["refresh_token"] == "" {
		t.Fatalf("token: %d %s", tok.status, tok.raw)
	}
	access := tok.body["access_token"].(string)
	// The client appends /api/v2 to api_domain.
	req, _ := http.NewRequest("GET", tok.body["api_domain"].(string)+"/api/v2/persons", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("api via api_domain: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	if r := token(exchange, true, form); r.status != 400 || r.body["error"] != "invalid_grant" || r.body["success"] != false ||
		!strings.Contains(r.body["message"].(string), "authorization_code` is invalid") {
		t.Fatalf("code reuse: %s", r.raw)
	}

	e.clk.add(time.Hour) // access tokens live 3599 s
	if r := e.request("GET", "/api/v2/persons", nil, map[string]string{"Authorization": "Bearer " + access}); r.status != 401 {
		t.Fatalf("expired access token: %d", r.status)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.body["refresh_token"].(string)}}
	ref := token(refresh, true, form)
	if ref.status != 200 || ref.body["refresh_token"] != tok.body["refresh_token"] || ref.body["access_token"] == access ||
		ref.body["api_domain"] != e.base {
		t.Fatalf("refresh (Pipedrive re-issues the same refresh token): %s", ref.raw)
	}
	if r := e.request("GET", "/api/v2/persons", nil, map[string]string{"Authorization": "Bearer " + ref.body["access_token"].(string)}); r.status != 200 {
		t.Fatalf("refreshed token: %d", r.status)
	}
	// Client credentials in the body are allowed; none at all is not.
	body := url.Values{"grant_type": {"refresh_token"}, "refresh_token": refresh["refresh_token"],
		"client_id": {e.sim.Auth().ClientID()}, "client_secret": {e.sim.Auth().ClientSecret()}}
	if r := token(body, false, form); r.status != 200 {
		t.Fatalf("credentials in body: %s", r.raw)
	}
	if r := token(refresh, false, form); r.status != 400 || r.body["error"] != "invalid_client" {
		t.Fatalf("no client credentials: %s", r.raw)
	}
	if r := token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}}, true, form); r.status != 400 ||
		r.body["message"] != "Invalid grant: `refresh_token` is invalid" {
		t.Fatalf("bad refresh token: %s", r.raw)
	}
	if r := token(refresh, true, "application/json"); r.status != 400 || !strings.Contains(r.raw, "x-www-form-urlencoded") {
		t.Fatalf("json body: %s", r.raw)
	}
	if r := token(url.Values{"grant_type": {"password"}}, true, form); r.body["error"] != "unsupported_grant_type" {
		t.Fatalf("unsupported grant: %s", r.raw)
	}

	// Codes expire after 5 minutes; redirect_uri must be the registered one.
	late := authorize(nil).Query().Get("code")
	e.clk.add(6 * time.Minute)
	exchange.Set("code", late)
	if r := token(exchange, true, form); !strings.Contains(r.raw, "has expired") {
		t.Fatalf("expired code: %s", r.raw)
	}
	exchange.Set("code", authorize(nil).Query().Get("code"))
	exchange.Set("redirect_uri", "http://127.0.0.1:9999/other")
	if r := token(exchange, true, form); r.status != 400 || !strings.Contains(r.raw, "redirect_uri` is invalid") {
		t.Fatalf("wrong redirect_uri: %s", r.raw)
	}
	e.sim.Auth().SetDeny(true)
	if denied := authorize(nil); denied.Query().Get("error") != "user_denied" || denied.Query().Get("code") != "" {
		t.Fatalf("denied: %s", denied)
	}
}

func TestBurstLimitAndHeaders(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Plan: PlanLite}) // Lite: 20 per 2 s per API token
	apiTok := map[string]string{"x-api-token": e.sim.APIToken()}
	for i := 0; i < 20; i++ {
		r := e.request("GET", "/api/v2/persons", nil, apiTok)
		if r.status != 200 || r.header.Get("x-ratelimit-limit") != "20" || r.header.Get("x-ratelimit-remaining") != strconv.Itoa(19-i) ||
			r.header.Get("x-ratelimit-reset") == "" {
			t.Fatalf("request %d: %d %v", i, r.status, r.header)
		}
	}
	r := e.request("GET", "/api/v2/persons", nil, apiTok)
	assertError(t, r, 429, "Request over limit")
	if r.header.Get("x-ratelimit-limit") != "20" || r.header.Get("x-ratelimit-remaining") != "0" || r.header.Get("x-ratelimit-reset") != "10" {
		t.Fatalf("429 headers: %v", r.header)
	}
	// OAuth tokens have their own, larger window (Lite: 80 per 2 s).
	if r := e.do("GET", "/api/v2/persons", nil); r.status != 200 || r.header.Get("x-ratelimit-limit") != "80" {
		t.Fatalf("oauth window: %d %v", r.status, r.header)
	}
	e.clk.add(3 * time.Second) // the window has passed but the penalty has not
	if r := e.request("GET", "/api/v2/persons", nil, apiTok); r.status != 429 {
		t.Fatalf("penalty not applied: %d", r.status)
	}
	e.clk.add(8 * time.Second)
	if r := e.request("GET", "/api/v2/persons", nil, apiTok); r.status != 200 {
		t.Fatalf("after penalty: %d %s", r.status, r.raw)
	}
}

func TestSearchBurstAndDailyBudget(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Plan: PlanUltimate, Seats: 1})
	if _, budget := e.sim.TokenUsage(); budget != 30_000*7 {
		t.Fatalf("budget %d, want 30,000 x 7 x 1", budget)
	}
	for i := 0; i < 10; i++ {
		if r := e.do("GET", "/api/v2/persons/search?term=abc", nil); r.status != 200 || r.header.Get("x-ratelimit-limit") != "10" {
			t.Fatalf("search %d: %d %v", i, r.status, r.header)
		}
	}
	assertError(t, e.do("GET", "/api/v2/persons/search?term=abc", nil), 429, "Request over limit")
	if r := e.do("GET", "/api/v2/persons", nil); r.status != 200 {
		t.Fatalf("list refused after search limit: %d", r.status)
	}
	// Token costs from the v2 spec's x-token-cost: search 20, list 10, create 5, get 1, delete 3.
	if used, _ := e.sim.TokenUsage(); used != 10*20+10 {
		t.Fatalf("used %d tokens, want 210", used)
	}
	e.clk.add(20 * time.Second)
	id := num(data(t, e.do("POST", "/api/v2/persons", map[string]any{"name": "Budget"}))["id"])
	e.do("GET", fmt.Sprintf("/api/v2/persons/%d", id), nil)
	e.do("DELETE", fmt.Sprintf("/api/v2/persons/%d", id), nil)
	if used, budget := e.sim.TokenUsage(); used != 210+5+1+3 || budget != 210_000 {
		t.Fatalf("used %d of %d", used, budget)
	}
	// x-daily-requests-left comes on POST by API token only.
	w := e.request("POST", "/api/v2/persons", map[string]any{"name": "Via token"}, map[string]string{"x-api-token": e.sim.APIToken()})
	if w.header.Get("x-daily-requests-left") != "9999" {
		t.Fatalf("x-daily-requests-left: %v", w.header)
	}
	_, budget := e.sim.TokenUsage()
	e.sim.SetTokensUsed(budget)
	r := e.do("GET", "/api/v2/persons", nil)
	assertError(t, r, 429, "Request over limit")
	if r.header.Get("x-daily-ratelimit-token-remaining") != "0" || r.header.Get("Retry-After") == "" {
		t.Fatalf("daily 429 headers: %v", r.header)
	}
	e.clk.add(24 * time.Hour) // the budget resets at midnight
	if r := e.do("GET", "/api/v2/persons", nil); r.status != 200 {
		t.Fatalf("after reset: %d", r.status)
	}
}

func TestFaultsAndStats(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("GET", "/api/v2/persons", nil)
	e.do("GET", "/api/v2/persons", nil)
	e.do("GET", "/api/v2/persons/1", nil)
	st := e.sim.Stats()
	if st["GET /api/v2/persons"] != 2 || st["GET /api/v2/persons/{id}"] != 1 {
		t.Fatalf("stats: %v", st)
	}
	e.sim.Faults().Set(faultsAll5xx())
	assertError(t, e.do("GET", "/api/v2/persons", nil), 500, "Internal server error")
	e.sim.Faults().Set(faultsAll429())
	if r := e.do("GET", "/api/v2/persons", nil); r.status != 429 || r.header.Get("x-ratelimit-remaining") != "0" {
		t.Fatalf("injected 429: %d %v", r.status, r.header)
	}
	e.sim.Faults().Set(faultsNone())
	e.sim.Faults().SetDailyExhausted(true)
	assertError(t, e.do("GET", "/api/v2/persons", nil), 429, "Request over limit")
}

func faultsAll5xx() simkit.Faults { return simkit.Faults{P5xx: 1} }
func faultsAll429() simkit.Faults { return simkit.Faults{P429: 1} }
func faultsNone() simkit.Faults   { return simkit.Faults{} }
