package salesforce

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

type env struct {
	t     *testing.T
	sim   *Sim
	srv   *httptest.Server
	token string
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	base := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if opts.Now == nil {
		opts.Now = func() time.Time { return base } // frozen clock: deterministic stamps
	}
	sim := New(opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &env{t: t, sim: sim, srv: srv, token: sim.Auth().IssueLongLived()}
}

func (e *env) do(method, path string, body any, hdr ...string) (*http.Response, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

func decode[T any](t *testing.T, raw []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

const v = "/services/data/v67.0"

func seedContacts(t *testing.T, sim *Sim, n int) {
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	rows := make([]SeedRow, n)
	for i := range rows {
		rows[i] = SeedRow{Values: []string{fmt.Sprintf("Last%05d", i), fmt.Sprintf("p%d@example.com", i)},
			Created: base, Modified: base.Add(time.Duration(i) * time.Minute)}
	}
	if _, err := sim.Seed("Contact", []string{"LastName", "Email"}, rows); err != nil {
		t.Fatal(err)
	}
}

func TestOAuthPKCEInstanceURLAndRotation(t *testing.T) {
	e := newEnv(t, Options{PathPrefix: ""})
	verifier := "sf-verifier-0123456789-0123456789-0123456789"
	sum := sha256.Sum256([]byte(verifier))
	redirect := "http://localhost:8787/callback"
	q := url.Values{"response_type": {"code"}, "client_id": {e.sim.Auth().ClientID()}, "redirect_uri": {redirect}, "state": {"s1"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(e.srv.URL + "/services/oauth2/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Query().Get("state") != "s1" {
		t.Fatalf("state lost: %s", loc)
	}
	post := func(form url.Values) (int, map[string]string) {
		r, err := http.PostForm(e.srv.URL+"/services/oauth2/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		m := map[string]string{}
		_ = json.NewDecoder(r.Body).Decode(&m)
		return r.StatusCode, m
	}
	// Public client: PKCE without secret.
	st, tok := post(url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sim.Auth().ClientID()}, "redirect_uri": {redirect},
		"code": {loc.Query().Get("code")}, "code_verifier": {verifier}})
	if st != 200 || tok["instance_url"] != e.srv.URL || tok["token_type"] != "Bearer" || tok["signature"] == "" || tok["issued_at"] == "" {
		t.Fatalf("token: %d %v", st, tok)
	}
	e.token = tok["access_token"]
	if r, _ := e.do("GET", v+"/limits", nil); r.StatusCode != 200 {
		t.Fatalf("limits with new token: %d", r.StatusCode)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "client_id": {e.sim.Auth().ClientID()}, "refresh_token": {tok["refresh_token"]}}
	if st, tok2 := post(refresh); st != 200 || tok2["refresh_token"] == "" || tok2["refresh_token"] == tok["refresh_token"] {
		t.Fatalf("refresh: %d %v", st, tok2)
	}
	if st, body := post(refresh); st != 400 || body["error"] != "invalid_grant" {
		t.Fatalf("reused refresh token: %d %v", st, body)
	}
	e.sim.Auth().ExpireAllAccess()
	r, raw := e.do("GET", v+"/limits", nil)
	if r.StatusCode != 401 || !strings.Contains(string(raw), "INVALID_SESSION_ID") {
		t.Fatalf("expired: %d %s", r.StatusCode, raw)
	}
}

func TestQueryPagingAndBatchSize(t *testing.T) {
	e := newEnv(t, Options{})
	seedContacts(t, e.sim, 2500)
	q := url.QueryEscape("SELECT Id, LastName, Email, SystemModstamp FROM Contact WHERE SystemModstamp > 2026-10-01T00:09:00Z ORDER BY SystemModstamp, Id")
	type page struct {
		TotalSize      int              `json:"totalSize"`
		Done           bool             `json:"done"`
		NextRecordsURL string           `json:"nextRecordsUrl"`
		Records        []map[string]any `json:"records"`
	}
	r, raw := e.do("GET", v+"/query?q="+q, nil, "Sforce-Query-Options", "batchSize=1000")
	p := decode[page](t, raw)
	if r.StatusCode != 200 || p.TotalSize != 2490 || p.Done || len(p.Records) != 1000 || !strings.HasPrefix(p.NextRecordsURL, v+"/query/01g") {
		t.Fatalf("first page: %d total=%d done=%v n=%d next=%q", r.StatusCode, p.TotalSize, p.Done, len(p.Records), p.NextRecordsURL)
	}
	if p.Records[0]["LastName"] != "Last00010" || p.Records[0]["attributes"].(map[string]any)["type"] != "Contact" {
		t.Fatalf("first record %v", p.Records[0])
	}
	if ts := p.Records[0]["SystemModstamp"].(string); ts != "2026-10-01T00:10:00.000+0000" {
		t.Fatalf("SystemModstamp format %q", ts)
	}
	got := len(p.Records)
	for !p.Done {
		r, raw = e.do("GET", p.NextRecordsURL, nil)
		if r.StatusCode != 200 {
			t.Fatalf("next page %d %s", r.StatusCode, raw)
		}
		p = decode[page](t, raw)
		got += len(p.Records)
	}
	if got != 2490 {
		t.Fatalf("paged %d records, want 2490", got)
	}
	// Default batch is 2000; DESC order and LIMIT apply.
	q = url.QueryEscape("select lastname from contact where Email != null and (LastName = 'last00001' or LastName IN ('Last00002')) order by LastName desc limit 5")
	r, raw = e.do("GET", v+"/query?q="+q, nil)
	p = decode[page](t, raw)
	if r.StatusCode != 200 || p.TotalSize != 2 || p.Records[0]["LastName"] != "Last00002" {
		t.Fatalf("case-insensitive query: %d %s", r.StatusCode, raw)
	}
	for _, bad := range []struct{ q, code string }{
		{"SELECT Id FROM Contact WHERE", "MALFORMED_QUERY"},
		{"SELECT Id Contact", "MALFORMED_QUERY"},
		{"SELECT Id FROM Contact WHERE SystemModstamp > '2026-01-01'", "MALFORMED_QUERY"},
		{"SELECT Id FROM Contact LIMIT x", "MALFORMED_QUERY"},
		{"SELECT Nope FROM Contact", "INVALID_FIELD"},
		{"SELECT Id FROM Nope", "INVALID_TYPE"},
	} {
		r, raw := e.do("GET", v+"/query?q="+url.QueryEscape(bad.q), nil)
		errs := decode[[]map[string]any](t, raw)
		if r.StatusCode != 400 || errs[0]["errorCode"] != bad.code {
			t.Fatalf("%q: %d %s", bad.q, r.StatusCode, raw)
		}
	}
}

func TestCollectionsValidationRollbackAndUpsert(t *testing.T) {
	e := newEnv(t, Options{})
	rec := func(fields map[string]any) map[string]any {
		fields["attributes"] = map[string]any{"type": "Contact"}
		return fields
	}
	body := map[string]any{"allOrNone": false, "records": []any{
		rec(map[string]any{"LastName": "Ok", "Email": "ok@example.com", "Crmsync_Key__c": "k1"}),
		rec(map[string]any{"FirstName": "NoLast"}),
		rec(map[string]any{"LastName": "BadMail", "Email": "nope"}),
		rec(map[string]any{"LastName": "BadPick", "Buying_Role__c": "Carrier Pigeon"}), // restricted; LeadSource is not
		rec(map[string]any{"LastName": "Unknown", "Shoe_Size__c": "44"}),
		rec(map[string]any{"LastName": strings.Repeat("x", 81)}),
		rec(map[string]any{"LastName": "Dup", "Crmsync_Key__c": "K1"}),
	}}
	r, raw := e.do("POST", v+"/composite/sobjects", body)
	res := decode[[]map[string]any](t, raw)
	want := []string{"", "REQUIRED_FIELD_MISSING", "INVALID_EMAIL_ADDRESS", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "INVALID_FIELD", "STRING_TOO_LONG", "DUPLICATE_VALUE"}
	if r.StatusCode != 200 || len(res) != len(want) {
		t.Fatalf("create: %d %s", r.StatusCode, raw)
	}
	for i, w := range want {
		if w == "" {
			if res[i]["success"] != true || !strings.HasPrefix(res[i]["id"].(string), "003") || len(res[i]["id"].(string)) != 18 {
				t.Fatalf("record %d: %v", i, res[i])
			}
			continue
		}
		errs := res[i]["errors"].([]any)
		if res[i]["success"] != false || errs[0].(map[string]any)["statusCode"] != w {
			t.Fatalf("record %d: want %s got %v", i, w, res[i])
		}
	}
	if e.sim.Count("Contact") != 1 {
		t.Fatalf("count %d", e.sim.Count("Contact"))
	}
	// allOrNone: one bad record rolls back the good one.
	body = map[string]any{"allOrNone": true, "records": []any{rec(map[string]any{"LastName": "Good"}), rec(map[string]any{"Email": "x@y.com"})}}
	_, raw = e.do("POST", v+"/composite/sobjects", body)
	res = decode[[]map[string]any](t, raw)
	if res[0]["success"] != false || res[0]["errors"].([]any)[0].(map[string]any)["statusCode"] != "ALL_OR_NONE_OPERATION_ROLLED_BACK" || e.sim.Count("Contact") != 1 {
		t.Fatalf("allOrNone: %s count=%d", raw, e.sim.Count("Contact"))
	}
	// Upsert by external id: k1 updates, k2 creates.
	body = map[string]any{"allOrNone": false, "records": []any{
		rec(map[string]any{"Crmsync_Key__c": "k1", "Title": "CTO"}), rec(map[string]any{"Crmsync_Key__c": "k2", "LastName": "Two"})}}
	r, raw = e.do("PATCH", v+"/composite/sobjects/Contact/Crmsync_Key__c", body)
	res = decode[[]map[string]any](t, raw)
	if r.StatusCode != 200 || res[0]["created"] != false || res[1]["created"] != true {
		t.Fatalf("upsert: %d %s", r.StatusCode, raw)
	}
	got, _ := e.sim.Get("Contact", res[0]["id"].(string))
	if got.Fields["Title"] != "CTO" || got.Fields["LastName"] != "Ok" {
		t.Fatalf("upsert update: %v", got.Fields)
	}
	// Single upsert: 201 then 200.
	if r, _ := e.do("PATCH", v+"/sobjects/Contact/Crmsync_Key__c/k3", map[string]any{"LastName": "Three"}); r.StatusCode != 201 {
		t.Fatalf("single upsert create: %d", r.StatusCode)
	}
	if r, _ := e.do("PATCH", v+"/sobjects/Contact/Crmsync_Key__c/k3", map[string]any{"Title": "VP"}); r.StatusCode != 200 {
		t.Fatalf("single upsert update: %d", r.StatusCode)
	}
	var many []any
	for i := 0; i < 201; i++ {
		many = append(many, rec(map[string]any{"LastName": "x"}))
	}
	r, raw = e.do("POST", v+"/composite/sobjects", map[string]any{"records": many})
	if r.StatusCode != 400 || !strings.Contains(string(raw), "EXCEEDED_ID_LIMIT") {
		t.Fatalf("201 records: %d %s", r.StatusCode, raw)
	}
	// Single CRUD.
	r, raw = e.do("POST", v+"/sobjects/Contact", map[string]any{"LastName": "Solo"})
	id := decode[map[string]any](t, raw)["id"].(string)
	if r.StatusCode != 201 {
		t.Fatalf("create %d", r.StatusCode)
	}
	if r, _ := e.do("PATCH", v+"/sobjects/Contact/"+id, map[string]any{"LastName": nil}); r.StatusCode != 400 {
		t.Fatalf("nulling required field: %d", r.StatusCode)
	}
	if r, _ := e.do("DELETE", v+"/sobjects/Contact/"+id, nil); r.StatusCode != 204 {
		t.Fatalf("delete %d", r.StatusCode)
	}
	if r, _ := e.do("GET", v+"/sobjects/Contact/"+id, nil); r.StatusCode != 404 {
		t.Fatalf("get deleted %d", r.StatusCode)
	}
}

func TestDailyLimitAndDescribe(t *testing.T) {
	e := newEnv(t, Options{DailyLimit: 3})
	r, raw := e.do("GET", v+"/sobjects/Contact/describe", nil)
	if r.Header.Get("Sforce-Limit-Info") != "api-usage=1/3" {
		t.Fatalf("limit header %q", r.Header.Get("Sforce-Limit-Info"))
	}
	d := decode[map[string]any](t, raw)
	found := false
	for _, f := range d["fields"].([]any) {
		fm := f.(map[string]any)
		if fm["name"] == "Crmsync_Key__c" && fm["externalId"] == true && fm["unique"] == true {
			found = true
		}
		if fm["name"] == "LastName" && (fm["nillable"] != false || fm["createable"] != true) {
			t.Fatalf("LastName %v", fm)
		}
	}
	if !found {
		t.Fatal("Crmsync_Key__c external id missing")
	}
	_, raw = e.do("GET", v+"/limits", nil)
	if lim := decode[map[string]map[string]int](t, raw)["DailyApiRequests"]; lim["Max"] != 3 || lim["Remaining"] != 1 {
		t.Fatalf("limits %v", lim)
	}
	e.do("GET", v+"/limits", nil)
	r, raw = e.do("GET", v+"/limits", nil)
	if r.StatusCode != 403 || !strings.Contains(string(raw), "REQUEST_LIMIT_EXCEEDED") || r.Header.Get("Sforce-Limit-Info") != "api-usage=3/3" {
		t.Fatalf("exhausted: %d %s %q", r.StatusCode, raw, r.Header.Get("Sforce-Limit-Info"))
	}
	r, raw = e.do("GET", "/services/data/", nil)
	if r.StatusCode != 200 || !strings.Contains(string(raw), `"version":"67.0"`) {
		t.Fatalf("versions: %d %s", r.StatusCode, raw)
	}
	if st := e.sim.Stats(); st["GET /services/data/v67.0/limits"] != 3 || st["GET /services/data/v67.0/sobjects/Contact/describe"] != 1 {
		t.Fatalf("stats %v", st)
	}
}

func TestIDChecksum(t *testing.T) {
	// A real Salesforce id pair: 15-char and its 18-char form.
	if got := checksum("001A0000006Vm9r"); got != "IAC" {
		t.Fatalf("checksum = %s, want IAC", got)
	}
	id := makeID("003", 12345)
	if len(id) != 18 || normID(id) != id[:15] || normID(strings.ToLower(id[:15])+id[15:]) != "" && strings.ToLower(id[:15]) == id[:15] {
		t.Fatalf("bad id %s", id)
	}
}

// queryAll returns deleted records too, with IsDeleted true, where query
// leaves them out; its nextRecordsUrl says /query/, as Salesforce's does,
// and still pages through the queryAll result.
func TestQueryAllIncludesDeleted(t *testing.T) {
	e := newEnv(t, Options{})
	seedContacts(t, e.sim, 2100)
	type page struct {
		TotalSize      int              `json:"totalSize"`
		Done           bool             `json:"done"`
		NextRecordsURL string           `json:"nextRecordsUrl"`
		Records        []map[string]any `json:"records"`
	}
	var gone string
	for _, rec := range e.sim.Records("Contact")[:1] {
		gone = rec.ID
	}
	if r, _ := e.do("DELETE", v+"/sobjects/Contact/"+gone, nil); r.StatusCode != 204 {
		t.Fatalf("delete %d", r.StatusCode)
	}
	q := url.QueryEscape("SELECT Id, IsDeleted FROM Contact ORDER BY SystemModstamp, Id")
	count := func(resource string) (total int, deleted []string) {
		r, raw := e.do("GET", v+"/"+resource+"?q="+q, nil)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d %s", resource, r.StatusCode, raw)
		}
		p := decode[page](t, raw)
		for {
			for _, rec := range p.Records {
				total++
				if rec["IsDeleted"] == true {
					deleted = append(deleted, rec["Id"].(string))
				}
			}
			if p.Done {
				return total, deleted
			}
			if !strings.HasPrefix(p.NextRecordsURL, v+"/query/") {
				t.Fatalf("%s: nextRecordsUrl %q", resource, p.NextRecordsURL)
			}
			r, raw = e.do("GET", p.NextRecordsURL, nil)
			if r.StatusCode != 200 {
				t.Fatalf("%s next page: %d %s", resource, r.StatusCode, raw)
			}
			p = decode[page](t, raw)
		}
	}
	if n, del := count("query"); n != 2099 || len(del) != 0 {
		t.Fatalf("query: %d records, deleted %v; want 2099 live ones", n, del)
	}
	if n, del := count("queryAll"); n != 2100 || len(del) != 1 || del[0] != gone {
		t.Fatalf("queryAll: %d records, deleted %v; want 2100 with %s deleted", n, del, gone)
	}
}

// A Task takes its Contact in WhoId and defaults its required Status and
// Priority; a Task whose WhoId is not a Contact's id is refused. A merge sends
// the losers to the recycle bin with MasterRecordId, and modifies the
// master.
func TestTaskAndMerge(t *testing.T) {
	e := newEnv(t, Options{})
	c1, err := e.sim.Create("Contact", map[string]string{"LastName": "One"})
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := e.sim.Create("Contact", map[string]string{"LastName": "Two"})
	task, err := e.sim.Create("Task", map[string]string{"Subject": "Call", "WhoId": c1.ID})
	if err != nil || task.Fields["Status"] != "Not Started" || task.Fields["Priority"] != "Normal" || task.Fields["WhoId"] != c1.ID {
		t.Fatalf("task: %+v, %v", task, err)
	}
	acct, _ := e.sim.Create("Account", map[string]string{"Name": "Acme"})
	if _, err := e.sim.Create("Task", map[string]string{"Subject": "Ghost", "WhoId": acct.ID}); err == nil || !strings.Contains(err.Error(), "FIELD_INTEGRITY_EXCEPTION") {
		t.Fatalf("a Task whose WhoId is an Account: %v", err)
	}
	if _, err := e.sim.Create("Task", map[string]string{"Subject": "Ghost", "WhoId": "003000000000999AAA"}); err == nil || !strings.Contains(err.Error(), "INVALID_CROSS_REFERENCE_KEY") {
		t.Fatalf("a Task whose WhoId names no Contact: %v", err)
	}
	if _, err := e.sim.Create("Task", map[string]string{"Subject": "Ghost", "WhoId": "not an id"}); err == nil || !strings.Contains(err.Error(), "MALFORMED_ID") {
		t.Fatalf("a Task whose WhoId is no id: %v", err)
	}
	before, _ := e.sim.Get("Contact", c1.ID)
	if err := e.sim.Merge("Contact", c1.ID, c2.ID); err != nil {
		t.Fatal(err)
	}
	loser, _ := e.sim.Get("Contact", c2.ID)
	master, _ := e.sim.Get("Contact", c1.ID)
	if !loser.Deleted || loser.Fields["MasterRecordId"] != c1.ID || master.Deleted || master.UpdatedAt.Before(before.UpdatedAt) {
		t.Fatalf("after the merge: loser %+v, master %+v", loser, master)
	}
	if err := e.sim.Merge("Task", task.ID, task.ID); err == nil {
		t.Fatal("Tasks were merged; Salesforce merges only Contacts, Accounts and Leads")
	}
	// A reference to a record in the recycle bin.
	if _, err := e.sim.Update("Task", task.ID, map[string]string{"WhoId": c2.ID}); err == nil || !strings.Contains(err.Error(), "ENTITY_IS_DELETED") {
		t.Fatalf("a Task moved to a merged-away Contact: %v", err)
	}
}

// TestEventTimes: an Event that is not all-day needs an end or a duration,
// the two must agree, the one left out is derived, a start moved alone
// keeps the duration, and DurationInMinutes is an int over the wire.
func TestEventTimes(t *testing.T) {
	e := newEnv(t, Options{})
	rec := func(fields map[string]any) map[string]any {
		fields["attributes"] = map[string]any{"type": "Event"}
		return fields
	}
	body := map[string]any{"allOrNone": false, "records": []any{
		rec(map[string]any{"Subject": "Ends", "StartDateTime": "2026-12-10T15:00:00.000+0000", "EndDateTime": "2026-12-10T15:45:00.000+0000"}),
		rec(map[string]any{"Subject": "Lasts", "StartDateTime": "2026-12-10T09:00:00Z", "DurationInMinutes": 30}),
		rec(map[string]any{"Subject": "Open", "StartDateTime": "2026-12-10T09:00:00Z"}),
		rec(map[string]any{"Subject": "Disagrees", "StartDateTime": "2026-12-10T09:00:00Z", "EndDateTime": "2026-12-10T10:00:00Z", "DurationInMinutes": 30}),
		rec(map[string]any{"Subject": "Backwards", "StartDateTime": "2026-12-10T09:00:00Z", "EndDateTime": "2026-12-10T08:00:00Z"}),
		rec(map[string]any{"Subject": "Fraction", "StartDateTime": "2026-12-10T09:00:00Z", "DurationInMinutes": 2.5}),
		rec(map[string]any{"Subject": "All day", "IsAllDayEvent": true, "ActivityDate": "2026-12-11"}),
	}}
	_, raw := e.do("POST", v+"/composite/sobjects", body)
	res := decode[[]map[string]any](t, raw)
	want := []string{"", "", "REQUIRED_FIELD_MISSING", "FIELD_INTEGRITY_EXCEPTION", "FIELD_INTEGRITY_EXCEPTION", "INVALID_TYPE_ON_FIELD_IN_RECORD", ""}
	if len(res) != len(want) {
		t.Fatalf("create: %s", raw)
	}
	for i, w := range want {
		if w == "" {
			if res[i]["success"] != true || !strings.HasPrefix(res[i]["id"].(string), "00U") {
				t.Fatalf("record %d: %v", i, res[i])
			}
			continue
		}
		if errs, _ := res[i]["errors"].([]any); res[i]["success"] != false || len(errs) == 0 || errs[0].(map[string]any)["statusCode"] != w {
			t.Fatalf("record %d: want %s, got %v", i, w, res[i])
		}
	}
	ends, _ := e.sim.Get("Event", res[0]["id"].(string))
	lasts, _ := e.sim.Get("Event", res[1]["id"].(string))
	if ends.Fields["DurationInMinutes"] != "45" || ends.Fields["ActivityDateTime"] != "2026-12-10T15:00:00.000+0000" || ends.Fields["ActivityDate"] != "2026-12-10" {
		t.Fatalf("an Event given its end: %v", ends.Fields)
	}
	if lasts.Fields["EndDateTime"] != "2026-12-10T09:30:00.000+0000" {
		t.Fatalf("an Event given its duration: %v", lasts.Fields)
	}
	// A start moved alone keeps the duration; the end moves with it.
	r, raw := e.do("PATCH", v+"/sobjects/Event/"+ends.ID, map[string]any{"StartDateTime": "2026-12-10T16:00:00Z"})
	if r.StatusCode != 204 {
		t.Fatalf("move: %d %s", r.StatusCode, raw)
	}
	moved, _ := e.sim.Get("Event", ends.ID)
	if moved.Fields["EndDateTime"] != "2026-12-10T16:45:00.000+0000" || moved.Fields["DurationInMinutes"] != "45" {
		t.Fatalf("after the start moved: %v", moved.Fields)
	}
	_, raw = e.do("GET", v+"/sobjects/Event/"+ends.ID, nil)
	if got := decode[map[string]any](t, raw); fmt.Sprint(got["DurationInMinutes"]) != "45" {
		t.Fatalf("DurationInMinutes over the wire: %s", raw)
	}
	_, raw = e.do("GET", v+"/sobjects/Event/describe", nil)
	if !strings.Contains(string(raw), `"name":"DurationInMinutes","label":"Duration","type":"int","soapType":"xsd:int"`) {
		t.Fatalf("describe: DurationInMinutes is not an xsd:int")
	}
}

// TestCallTask: a logged call is a Task of subtype Call with its type and
// duration; a Task's subtype defaults to Task and is set on create only.
func TestCallTask(t *testing.T) {
	e := newEnv(t, Options{})
	_, raw := e.do("POST", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
		map[string]any{"attributes": map[string]any{"type": "Task"}, "Subject": "Call", "TaskSubtype": "Call", "CallType": "Inbound", "CallDurationInSeconds": 95},
		map[string]any{"attributes": map[string]any{"type": "Task"}, "Subject": "Todo"},
		map[string]any{"attributes": map[string]any{"type": "Task"}, "Subject": "Fax", "TaskSubtype": "Fax"},
	}})
	res := decode[[]map[string]any](t, raw)
	if len(res) != 3 || res[0]["success"] != true || res[1]["success"] != true || res[2]["success"] != false {
		t.Fatalf("create: %s", raw)
	}
	call, _ := e.sim.Get("Task", res[0]["id"].(string))
	todo, _ := e.sim.Get("Task", res[1]["id"].(string))
	if call.Fields["TaskSubtype"] != "Call" || call.Fields["CallDurationInSeconds"] != "95" || todo.Fields["TaskSubtype"] != "Task" {
		t.Fatalf("call %v, todo %v", call.Fields, todo.Fields)
	}
	r, raw := e.do("PATCH", v+"/sobjects/Task/"+todo.ID, map[string]any{"TaskSubtype": "Call"})
	if r.StatusCode != 400 || !strings.Contains(string(raw), "INVALID_FIELD_FOR_INSERT_UPDATE") {
		t.Fatalf("changing a Task's subtype: %d %s", r.StatusCode, raw)
	}
}

// TestNote: a classic Note needs a Title of at most 80 characters and a
// parent, which may be a Contact or an Account, must exist, and is set on
// create only; the Note has no External ID field to upsert by.
func TestNote(t *testing.T) {
	e := newEnv(t, Options{})
	c1, _ := e.sim.Create("Contact", map[string]string{"LastName": "One"})
	c2, _ := e.sim.Create("Contact", map[string]string{"LastName": "Two"})
	acct, _ := e.sim.Create("Account", map[string]string{"Name": "Acme"})
	note, err := e.sim.Create("Note", map[string]string{"Title": "Renewal", "Body": "Wants 20 seats", "ParentId": c1.ID})
	if err != nil || note.Fields["IsPrivate"] != "false" || note.Fields["ParentId"] != c1.ID || !strings.HasPrefix(note.ID, "002") {
		t.Fatalf("note: %+v, %v", note, err)
	}
	if _, err := e.sim.Create("Note", map[string]string{"Title": "On the account", "ParentId": acct.ID}); err != nil {
		t.Fatalf("a Note on an Account: %v", err)
	}
	for _, tc := range []struct {
		fields map[string]string
		code   string
	}{
		{map[string]string{"Body": "no title", "ParentId": c1.ID}, "REQUIRED_FIELD_MISSING"},
		{map[string]string{"Title": "no parent"}, "REQUIRED_FIELD_MISSING"},
		{map[string]string{"Title": strings.Repeat("x", 81), "ParentId": c1.ID}, "STRING_TOO_LONG"},
		{map[string]string{"Title": "ghost", "ParentId": "003000000000999AAA"}, "INVALID_CROSS_REFERENCE_KEY"},
		{map[string]string{"Title": "x", "ParentId": c1.ID, "Crmsync_Key__c": "k"}, "INVALID_FIELD"},
	} {
		if _, err := e.sim.Create("Note", tc.fields); err == nil || !strings.Contains(err.Error(), tc.code) {
			t.Errorf("create Note %v: %v, want %s", tc.fields, err, tc.code)
		}
	}
	if _, err := e.sim.Update("Note", note.ID, map[string]string{"ParentId": c2.ID}); err == nil || !strings.Contains(err.Error(), "INVALID_FIELD_FOR_INSERT_UPDATE") {
		t.Fatalf("a Note moved to another parent: %v", err)
	}
	if got, err := e.sim.Update("Note", note.ID, map[string]string{"Title": "Renewal call", "Body": ""}); err != nil || got.Fields["Title"] != "Renewal call" || got.Fields["Body"] != "" {
		t.Fatalf("a Note's title and body edited: %+v, %v", got, err)
	}
}
