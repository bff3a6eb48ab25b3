package hubspot

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// unsubscribeAll calls the batch unsubscribe-all endpoint with query q.
func (e *env) unsubscribeAll(q string, emails ...string) (*http.Response, map[string]any) {
	e.t.Helper()
	return e.do("POST", unsubscribeAllPath+q, map[string]any{"inputs": emails})
}

// An email that is a contact's, in any case, opts that contact out of all
// email: hs_email_optout becomes "true" and lastmodifieddate moves, so an
// incremental search sees the contact. A second unsubscribe changes
// nothing. An email of no contact and a malformed address are errors[]
// items of the 200, each naming its input; the other contacts stay as they
// were. The call is counted like every other.
func TestUnsubscribeAllOptsContactsOut(t *testing.T) {
	e := newEnv(t, Options{})
	ann, err := e.sim.Create("contacts", map[string]string{"email": "Ann@Example.com", "firstname": "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := e.sim.Create("contacts", map[string]string{"email": "bob@example.com", "firstname": "Bob"})
	if ann.Properties[emailOptOutProp] != "" {
		t.Fatalf("a new contact is opted out: %v", ann.Properties)
	}
	e.clk.add(time.Minute)
	since := e.clk.now()
	r, body := e.unsubscribeAll("?channel=EMAIL&verbose=true", "ANN@example.com", "nobody@example.com", "not-an-email")
	if r.StatusCode != 200 || body["status"] != "COMPLETE" || body["startedAt"] == nil || body["completedAt"] == nil {
		t.Fatalf("unsubscribe: %d %v", r.StatusCode, body)
	}
	res := body["results"].([]any)
	if len(res) != 1 {
		t.Fatalf("results %v; want Ann's alone", res)
	}
	first := res[0].(map[string]any)
	statuses := first["statuses"].([]any)
	if first["subscriberIdString"] != "ann@example.com" || len(statuses) != 1 {
		t.Fatalf("result %v", first)
	}
	if st := statuses[0].(map[string]any); st["status"] != "UNSUBSCRIBED" || st["setStatusSuccessReason"] != "UNSUBSCRIBE_FROM_ALL_OCCURRED" ||
		st["channel"] != "EMAIL" || st["subscriptionId"] == nil || st["source"] == nil || st["timestamp"] == nil {
		t.Fatalf("verbose status %v", st)
	}
	errs := body["errors"].([]any)
	if len(errs) != 2 || body["numErrors"].(float64) != 2 {
		t.Fatalf("errors %v numErrors %v; want two", errs, body["numErrors"])
	}
	byInput := map[string]map[string]any{}
	for _, x := range errs {
		m := x.(map[string]any)
		for _, k := range []string{"status", "category", "message", "context", "errors", "links"} {
			if _, ok := m[k]; !ok {
				t.Fatalf("error %v lacks %s, which StandardError requires", m, k)
			}
		}
		byInput[m["context"].(map[string]any)["subscriberIdString"].([]any)[0].(string)] = m
	}
	if m := byInput["nobody@example.com"]; m == nil || m["category"] != "OBJECT_NOT_FOUND" || !strings.Contains(m["message"].(string), "nobody@example.com") {
		t.Fatalf("email of no contact: %v", byInput)
	}
	if m := byInput["not-an-email"]; m == nil || m["category"] != "VALIDATION_ERROR" {
		t.Fatalf("malformed email: %v", byInput)
	}

	got, _ := e.sim.Get("contacts", ann.ID)
	if got.Properties[emailOptOutProp] != "true" || !got.UpdatedAt.Equal(since) || got.Properties["lastmodifieddate"] != isoMillis(since.UnixMilli()) {
		t.Fatalf("Ann after unsubscribe: %v, updated %v; want opted out, modified at %v", got.Properties, got.UpdatedAt, since)
	}
	if b, _ := e.sim.Get("contacts", bob.ID); b.Properties[emailOptOutProp] != "" || !b.UpdatedAt.Equal(bob.UpdatedAt) {
		t.Fatalf("Bob was touched: %v", b.Properties)
	}
	search := map[string]any{
		"filterGroups": []any{map[string]any{"filters": []any{map[string]any{"propertyName": "lastmodifieddate", "operator": "GTE", "value": fmt.Sprint(since.UnixMilli())}}}},
		"properties":   []string{"email", emailOptOutProp}, "limit": 10,
	}
	_, found := e.do("POST", "/crm/objects/2026-03/contacts/search", search)
	hits := found["results"].([]any)
	if len(hits) != 1 || hits[0].(map[string]any)["properties"].(map[string]any)[emailOptOutProp] != "true" {
		t.Fatalf("search by last modified: %v; want Ann, opted out", found)
	}

	// Again: no change, and the contact keeps its modified time.
	e.clk.add(time.Minute)
	_, body = e.unsubscribeAll("?channel=EMAIL&verbose=true", "ann@example.com")
	st := body["results"].([]any)[0].(map[string]any)["statuses"].([]any)[0].(map[string]any)
	if st["setStatusSuccessReason"] != "NO_STATUS_CHANGE" {
		t.Fatalf("second unsubscribe: %v", body)
	}
	if again, _ := e.sim.Get("contacts", ann.ID); !again.UpdatedAt.Equal(since) {
		t.Fatalf("second unsubscribe moved lastmodifieddate to %v", again.UpdatedAt)
	}
	// Without verbose a result names the email only.
	_, body = e.unsubscribeAll("?channel=EMAIL", "ann@example.com")
	if st := body["results"].([]any)[0].(map[string]any)["statuses"].([]any); len(st) != 0 {
		t.Fatalf("statuses without verbose: %v", st)
	}
	if n := e.sim.Stats()["POST "+unsubscribeAllPath]; n != 3 {
		t.Fatalf("%d unsubscribe calls counted; want 3", n)
	}
}

// The channel is required and must be EMAIL, one call takes at most 100
// emails, hs_email_optout stays read-only as a property, and the endpoint
// is rate limited with the other endpoints.
func TestUnsubscribeAllValidatesAndLimits(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, BurstMax: 6})
	c, _ := e.sim.Create("contacts", map[string]string{"email": "ro@example.com"})
	for _, q := range []string{"", "?channel=SMS", "?channel=email"} {
		r, body := e.unsubscribeAll(q, "ro@example.com")
		if r.StatusCode != 400 || body["category"] != "VALIDATION_ERROR" || !strings.Contains(body["message"].(string), "channel") {
			t.Fatalf("query %q: %d %v", q, r.StatusCode, body)
		}
	}
	many := make([]string, maxSubscriptionInputs+1)
	for i := range many {
		many[i] = fmt.Sprintf("m%d@example.com", i)
	}
	if r, body := e.unsubscribeAll("?channel=EMAIL", many...); r.StatusCode != 400 || !strings.Contains(fmt.Sprint(body["errors"]), "TOO_MANY_INPUTS") {
		t.Fatalf("101 inputs: %d %v", r.StatusCode, body)
	}
	r, body := e.do("PATCH", "/crm/objects/2026-03/contacts/"+c.ID, map[string]any{"properties": map[string]any{emailOptOutProp: "true"}})
	if r.StatusCode != 400 || !strings.Contains(fmt.Sprint(body), "READ_ONLY_VALUE") {
		t.Fatalf("PATCH of %s: %d %v", emailOptOutProp, r.StatusCode, body)
	}
	if got, _ := e.sim.Get("contacts", c.ID); got.Properties[emailOptOutProp] != "" {
		t.Fatalf("a refused PATCH set %s", emailOptOutProp)
	}
	// Five calls so far; the sixth passes and the seventh is over the burst.
	if r, _ := e.unsubscribeAll("?channel=EMAIL", "ro@example.com"); r.StatusCode != 200 || r.Header.Get("X-HubSpot-RateLimit-Remaining") != "0" {
		t.Fatalf("sixth call: %d remaining %q", r.StatusCode, r.Header.Get("X-HubSpot-RateLimit-Remaining"))
	}
	if r, body := e.unsubscribeAll("?channel=EMAIL", "ro@example.com"); r.StatusCode != 429 || body["policyName"] != "TEN_SECONDLY_ROLLING" {
		t.Fatalf("over the burst: %d %v", r.StatusCode, body)
	}
	if n := e.sim.Stats()["POST "+unsubscribeAllPath]; n != 6 {
		t.Fatalf("%d unsubscribe calls counted; want 6", n)
	}
}

// authorize runs the code flow with scope and optional_scope and returns
// the token response.
func (e *env) authorize(scope, optional string) map[string]any {
	e.t.Helper()
	verifier := "verifier-0123456789-0123456789-0123456789-abcdef"
	sum := sha256.Sum256([]byte(verifier))
	redirect := "http://localhost:53682/callback"
	q := url.Values{"client_id": {e.sim.Auth().ClientID()}, "redirect_uri": {redirect}, "scope": {scope}, "state": {"s"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	if optional != "" {
		q.Set("optional_scope", optional)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(e.srv.URL + "/oauth/authorize?" + q.Encode())
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	r, err := http.PostForm(e.srv.URL+"/oauth/2026-03/token", url.Values{"grant_type": {"authorization_code"},
		"client_id": {e.sim.Auth().ClientID()}, "client_secret": {e.sim.Auth().ClientSecret()}, "redirect_uri": {redirect},
		"code": {loc.Query().Get("code")}, "code_verifier": {verifier}})
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	var tok map[string]any
	if err := json.NewDecoder(r.Body).Decode(&tok); err != nil || r.StatusCode != 200 {
		e.t.Fatalf("token: %d %v", r.StatusCode, err)
	}
	return tok
}

// A token without communication_preferences.statuses.batch.write is
// refused with HubSpot's 403 MISSING_SCOPES naming the scope, and changes
// nothing; asked for as an optional scope, the sandbox portal (Marketing
// Hub Enterprise) grants it, as it does to long-lived tokens.
func TestUnsubscribeAllNeedsTheBatchScope(t *testing.T) {
	e := newEnv(t, Options{})
	c, _ := e.sim.Create("contacts", map[string]string{"email": "scope@example.com"})
	tok := e.authorize("oauth crm.objects.contacts.read crm.objects.contacts.write", "")
	e.token = tok["access_token"].(string)
	r, body := e.unsubscribeAll("?channel=EMAIL", "scope@example.com")
	if r.StatusCode != 403 || body["category"] != "MISSING_SCOPES" || !strings.Contains(fmt.Sprint(body["errors"]), scopeStatusesBatchWrite) {
		t.Fatalf("without the scope: %d %v", r.StatusCode, body)
	}
	if got, _ := e.sim.Get("contacts", c.ID); got.Properties[emailOptOutProp] != "" {
		t.Fatal("a refused call opted the contact out")
	}
	if r, _ := e.do("GET", "/crm/objects/2026-03/contacts", nil); r.StatusCode != 200 {
		t.Fatalf("the same token on contacts: %d", r.StatusCode)
	}
	tok = e.authorize("oauth crm.objects.contacts.read crm.objects.contacts.write", scopeStatusesBatchWrite)
	var granted []string
	for _, s := range tok["scopes"].([]any) {
		granted = append(granted, s.(string))
	}
	if !slices.Contains(granted, scopeStatusesBatchWrite) || !slices.Contains(granted, "crm.objects.contacts.write") {
		t.Fatalf("scopes granted with optional_scope: %v", granted)
	}
	e.token = tok["access_token"].(string)
	if r, body := e.unsubscribeAll("?channel=EMAIL", "scope@example.com"); r.StatusCode != 200 || len(body["results"].([]any)) != 1 {
		t.Fatalf("with the optional scope: %d %v", r.StatusCode, body)
	}
	e.token = e.sim.Auth().IssueLongLived()
	if r, _ := e.unsubscribeAll("?channel=EMAIL", "scope@example.com"); r.StatusCode != 200 {
		t.Fatalf("long-lived token: %d", r.StatusCode)
	}
}

// A portal without Marketing Hub Enterprise drops the batch scope from
// optional_scope and refuses the batch call, but the single-contact
// endpoint, on communication_preferences.write, opts a contact out: by its
// email in the path, in any case, once (a second call changes nothing). A
// malformed address is a 400 and an email of no contact a 404, each naming
// it; a token without the write scope gets 403 MISSING_SCOPES naming both
// scopes that open the endpoint.
func TestUnsubscribeOneWithoutMarketingEnterprise(t *testing.T) {
	e := newEnv(t, Options{NoMarketingEnterprise: true})
	ann, _ := e.sim.Create("contacts", map[string]string{"email": "ann+news@example.com"})
	bob, _ := e.sim.Create("contacts", map[string]string{"email": "bob@example.com"})
	tok := e.authorize("oauth crm.objects.contacts.read crm.objects.contacts.write", scopeStatusesBatchWrite+" "+scopeStatusesWrite)
	var granted []string
	for _, s := range tok["scopes"].([]any) {
		granted = append(granted, s.(string))
	}
	if slices.Contains(granted, scopeStatusesBatchWrite) || !slices.Contains(granted, scopeStatusesWrite) {
		t.Fatalf("scopes granted without Marketing Hub Enterprise: %v; want the single write scope and not the batch one", granted)
	}
	e.token = tok["access_token"].(string)
	if r, body := e.unsubscribeAll("?channel=EMAIL", "bob@example.com"); r.StatusCode != 403 || body["category"] != "MISSING_SCOPES" {
		t.Fatalf("batch without the batch scope: %d %v", r.StatusCode, body)
	}
	one := func(email, q string) (*http.Response, map[string]any) {
		return e.do("POST", strings.Replace(unsubscribeOnePath, "{subscriberIdString}", url.PathEscape(email), 1)+q, nil)
	}
	r, body := one("ANN+news@example.com", "?channel=EMAIL&verbose=true")
	if r.StatusCode != 200 || body["status"] != "COMPLETE" || len(body["results"].([]any)) != 1 {
		t.Fatalf("single unsubscribe: %d %v", r.StatusCode, body)
	}
	if st := body["results"].([]any)[0].(map[string]any); st["status"] != "UNSUBSCRIBED" || st["setStatusSuccessReason"] != "UNSUBSCRIBE_FROM_ALL_OCCURRED" ||
		st["subscriberIdString"] != "ann+news@example.com" {
		t.Fatalf("verbose status %v", st)
	}
	if got, _ := e.sim.Get("contacts", ann.ID); got.Properties[emailOptOutProp] != "true" {
		t.Fatalf("Ann after the single unsubscribe: %v", got.Properties)
	}
	if got, _ := e.sim.Get("contacts", bob.ID); got.Properties[emailOptOutProp] != "" {
		t.Fatal("the refused batch call opted Bob out")
	}
	if r, body := one("ann+news@example.com", "?channel=EMAIL"); r.StatusCode != 200 || len(body["results"].([]any)) != 0 {
		t.Fatalf("again, not verbose: %d %v; want 200 with no results", r.StatusCode, body)
	}
	if r, body := one("not-an-email", "?channel=EMAIL"); r.StatusCode != 400 || body["category"] != "VALIDATION_ERROR" || !strings.Contains(body["message"].(string), "not-an-email") {
		t.Fatalf("malformed address: %d %v", r.StatusCode, body)
	}
	if r, body := one("nobody@example.com", "?channel=EMAIL"); r.StatusCode != 404 || body["category"] != "OBJECT_NOT_FOUND" || !strings.Contains(body["message"].(string), "nobody@example.com") {
		t.Fatalf("email of no contact: %d %v", r.StatusCode, body)
	}
	if r, _ := one("bob@example.com", ""); r.StatusCode != 400 {
		t.Fatalf("no channel: %d", r.StatusCode)
	}
	e.token = e.authorize("oauth crm.objects.contacts.read crm.objects.contacts.write", "")["access_token"].(string)
	r, body = one("bob@example.com", "?channel=EMAIL")
	if r.StatusCode != 403 || body["category"] != "MISSING_SCOPES" || !strings.Contains(fmt.Sprint(body["errors"]), scopeStatusesWrite) ||
		!strings.Contains(fmt.Sprint(body["errors"]), scopeStatusesReadWrite) {
		t.Fatalf("without the write scope: %d %v", r.StatusCode, body)
	}
	if got, _ := e.sim.Get("contacts", bob.ID); got.Properties[emailOptOutProp] != "" {
		t.Fatal("a refused single call opted Bob out")
	}
	e.token = e.sim.Auth().IssueLongLived()
	if r, body := e.unsubscribeAll("?channel=EMAIL", "bob@example.com"); r.StatusCode != 403 {
		t.Fatalf("a long-lived token of a portal without Marketing Hub Enterprise on the batch call: %d %v", r.StatusCode, body)
	}
	if r, _ := one("bob@example.com", "?channel=EMAIL"); r.StatusCode != 200 {
		t.Fatalf("a long-lived token on the single call: %d", r.StatusCode)
	}
}
