package dynamics

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

type simkitFaults = simkit.Faults

type part struct {
	method, url, body string
	contentID         string
}

func buildBatch(items ...any) (string, string) {
	var b strings.Builder
	bb := "batch_80dd1615-2a10-428a-bb6f-0e559792721f"
	writeOp := func(boundary string, p part) {
		b.WriteString("--" + boundary + "\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n")
		if p.contentID != "" {
			b.WriteString("Content-ID: " + p.contentID + "\r\n")
		}
		b.WriteString("\r\n" + p.method + " " + p.url + " HTTP/1.1\r\n")
		if p.body != "" {
			b.WriteString("Content-Type: application/json; type=entry\r\n\r\n" + p.body + "\r\n")
		} else {
			b.WriteString("\r\n\r\n")
		}
	}
	for _, it := range items {
		switch x := it.(type) {
		case part:
			writeOp(bb, x)
		case []part:
			cs := "changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a"
			b.WriteString("--" + bb + "\r\nContent-Type: multipart/mixed; boundary=\"" + cs + "\"\r\n\r\n")
			for _, p := range x {
				writeOp(cs, p)
			}
			b.WriteString("--" + cs + "--\r\n")
		}
	}
	b.WriteString("--" + bb + "--\r\n")
	return b.String(), `multipart/mixed; boundary="` + bb + `"`
}

type partResp struct {
	status    int
	header    http.Header
	body      string
	contentID string
	nested    []partResp
}

func parseBatchResponse(t *testing.T, ctype string, body []byte) []partResp {
	t.Helper()
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil || mt != "multipart/mixed" || !strings.HasPrefix(params["boundary"], "batchresponse_") && !strings.HasPrefix(params["boundary"], "changesetresponse_") {
		t.Fatalf("response content type %q", ctype)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var out []partResp
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(p)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "multipart/mixed") {
			out = append(out, partResp{nested: parseBatchResponse(t, p.Header.Get("Content-Type"), raw)})
			continue
		}
		if p.Header.Get("Content-Type") != "application/http" || p.Header.Get("Content-Transfer-Encoding") != "binary" {
			t.Fatalf("part headers %v", p.Header)
		}
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
		if err != nil {
			t.Fatalf("part is not an HTTP response: %v\n%s", err, raw)
		}
		rb, _ := io.ReadAll(resp.Body)
		out = append(out, partResp{status: resp.StatusCode, header: resp.Header, body: string(rb), contentID: p.Header.Get("Content-ID")})
	}
}

// only is the one response a failed change set's changesetresponse holds.
func only(p partResp) partResp {
	if len(p.nested) != 1 {
		return partResp{}
	}
	return p.nested[0]
}

func (e *env) batch(body, ctype string, headers ...string) (reply, []partResp) {
	e.t.Helper()
	r := e.do("POST", "$batch", body, append([]string{"Content-Type", ctype}, headers...)...)
	if r.status >= 500 || !strings.HasPrefix(r.header.Get("Content-Type"), "multipart/mixed") {
		return r, nil
	}
	return r, parseBatchResponse(e.t, r.header.Get("Content-Type"), []byte(r.raw))
}

func TestBatchContinueOnErrorAndStop(t *testing.T) {
	e := newEnv(t, Options{})
	long := strings.Repeat("x", 51)
	body, ctype := buildBatch(
		part{method: "POST", url: "/api/data/v9.2/contacts", body: `{"firstname":"` + long + `"}`},
		part{method: "POST", url: e.base + "/api/data/v9.2/contacts", body: `{"lastname":"Two"}`},
		part{method: "POST", url: "contacts", body: `{"lastname":"Three"}`},
		part{method: "GET", url: "/api/data/v9.2/contacts?$select=lastname&$orderby=lastname"},
	)
	// Without odata.continue-on-error the batch stops at the first failure and carries its status.
	r, parts := e.batch(body, ctype)
	if r.status != 400 || len(parts) != 1 || parts[0].status != 400 || !strings.Contains(parts[0].body, "0x80044331") {
		t.Fatalf("stop at first failure: %d %+v", r.status, parts)
	}
	if e.sim.Count("contacts") != 0 {
		t.Fatal("operations after the failure ran")
	}
	r, parts = e.batch(body, ctype, "Prefer", "odata.continue-on-error")
	if r.status != 200 || len(parts) != 4 {
		t.Fatalf("continue-on-error: %d %d parts", r.status, len(parts))
	}
	if parts[0].status != 400 || parts[1].status != 204 || parts[2].status != 204 || parts[3].status != 200 {
		t.Fatalf("statuses %d %d %d %d", parts[0].status, parts[1].status, parts[2].status, parts[3].status)
	}
	if loc := parts[1].header.Get("OData-EntityId"); !strings.HasPrefix(loc, e.base+"/api/data/v9.2/contacts(") {
		t.Fatalf("OData-EntityId %q", loc)
	}
	var list struct{ Value []map[string]any }
	_ = json.Unmarshal([]byte(parts[3].body), &list)
	if len(list.Value) != 2 || list.Value[0]["lastname"] != "Three" {
		t.Fatalf("GET in batch: %s", parts[3].body)
	}
	st := e.sim.Stats()
	if st["POST /api/data/v9.2/$batch"] != 2 || st["BATCH POST /api/data/v9.2/contacts"] != 4 || st["BATCH GET /api/data/v9.2/contacts"] != 1 {
		t.Fatalf("stats %v", st)
	}
}

func TestBatchChangeSetAtomic(t *testing.T) {
	e := newEnv(t, Options{})
	ok, ctype := buildBatch([]part{
		{method: "POST", url: "/api/data/v9.2/accounts", body: `{"name":"Contoso"}`, contentID: "1"},
		{method: "POST", url: "/api/data/v9.2/contacts", body: `{"lastname":"Ref","parentcustomerid_account@odata.bind":"$1"}`, contentID: "2"},
		{method: "PATCH", url: "$1", body: `{"telephone1":"555"}`, contentID: "3"},
	})
	r, parts := e.batch(ok, ctype)
	if r.status != 200 || len(parts) != 1 || len(parts[0].nested) != 3 {
		t.Fatalf("change set: %d %+v", r.status, parts)
	}
	for i, p := range parts[0].nested {
		if p.status != 204 || p.contentID != fmt.Sprint(i+1) {
			t.Fatalf("change set part %d: %+v", i, p)
		}
	}
	accID := idFromEntityID(t, parts[0].nested[0].header)
	cons := e.sim.Records("contacts")
	if len(cons) != 1 || cons[0].Fields["_parentcustomerid_value"] != accID {
		t.Fatalf("$1 reference not resolved: %+v", cons)
	}
	if a, _ := e.sim.Get("accounts", accID); a.Fields["telephone1"] != "555" {
		t.Fatal("PATCH $1 not applied")
	}
	bad, ctype := buildBatch([]part{
		{method: "POST", url: "/api/data/v9.2/accounts", body: `{"name":"Rolled back"}`, contentID: "1"},
		{method: "DELETE", url: "/api/data/v9.2/accounts(" + accID + ")", contentID: "2"},
		{method: "POST", url: "/api/data/v9.2/contacts", body: `{"lastname":"` + strings.Repeat("y", 60) + `"}`, contentID: "3"},
	})
	r, parts = e.batch(bad, ctype)
	if r.status != 400 || len(parts) != 1 || len(parts[0].nested) != 1 || parts[0].nested[0].status != 400 || parts[0].nested[0].contentID != "3" {
		t.Fatalf("failed change set: %d %+v", r.status, parts)
	}
	if e.sim.Count("accounts") != 1 || e.sim.Count("contacts") != 1 {
		t.Fatalf("change set not rolled back: %d accounts %d contacts", e.sim.Count("accounts"), e.sim.Count("contacts"))
	}
	if c := e.sim.Records("contacts")[0]; c.Fields["_parentcustomerid_value"] != accID {
		t.Fatal("cascade of the rolled-back delete survived")
	}
	ref, ctype := buildBatch([]part{{method: "POST", url: "/api/data/v9.2/contacts", body: `{"parentcustomerid_account@odata.bind":"$9"}`, contentID: "1"}})
	_, parts = e.batch(ref, ctype)
	if len(parts) != 1 || only(parts[0]).status != 400 {
		t.Fatalf("unknown reference: %+v", parts)
	}
}

func TestBatchLimit(t *testing.T) {
	e := newEnv(t, Options{})
	ops := make([]any, 1001)
	for i := range ops {
		ops[i] = part{method: "POST", url: "/api/data/v9.2/contacts", body: `{"lastname":"n"}`}
	}
	body, ctype := buildBatch(ops...)
	r := e.do("POST", "$batch", body, "Content-Type", ctype)
	if r.status != 400 || !strings.Contains(r.errMessage(), "'1000'") || e.sim.Count("contacts") != 0 {
		t.Fatalf("1001 operations: %d %s", r.status, r.raw)
	}
	body, ctype = buildBatch(ops[:1000]...)
	r, parts := e.batch(body, ctype)
	if r.status != 200 || len(parts) != 1000 || e.sim.Count("contacts") != 1000 {
		t.Fatalf("1000 operations: %d, %d parts", r.status, len(parts))
	}
}

func TestServiceProtectionLimits(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true})
	r := e.must(e.do("GET", "WhoAmI", nil), 200)
	if r.header.Get("x-ms-ratelimit-burst-remaining-xrm-requests") != "5999" || r.header.Get("x-ms-ratelimit-time-remaining-xrm-requests") == "" {
		t.Fatalf("limit headers %v", r.header)
	}
	e.sim.SetRequestsUsed(6000)
	r = e.do("GET", "WhoAmI", nil)
	if r.status != 429 || r.errCode() != "0x80072322" || r.errMessage() != "Number of requests exceeded the limit of 6000 over time window of 300 seconds." ||
		r.header.Get("Retry-After") != "300" {
		t.Fatalf("request limit: %d %v %s", r.status, r.header, r.raw)
	}
	e.clk.add(301 * time.Second)
	e.must(e.do("GET", "WhoAmI", nil), 200)
	// A $batch is one request but each operation's execution time counts (api-limits).
	e.sim.SetUsage(0, 0)
	ops := make([]any, 10)
	for i := range ops {
		ops[i] = part{method: "POST", url: "/api/data/v9.2/contacts", body: `{"lastname":"n"}`}
	}
	body, ctype := buildBatch(ops...)
	e.batch(body, ctype)
	if n, d := e.sim.Usage(); n != 1 || d != 10*20*time.Millisecond {
		t.Fatalf("batch usage %d requests %v", n, d)
	}
	e.sim.SetUsage(1, 1200*time.Second)
	e.clk.add(100 * time.Second)
	r = e.do("GET", "WhoAmI", nil)
	if r.status != 429 || r.errCode() != "0x80072321" || r.header.Get("Retry-After") != "200" {
		t.Fatalf("execution time limit: %d %v %s", r.status, r.header, r.raw)
	}
	e.sim.SetUsage(0, 0)
	e.sim.SetConcurrencyLimit(0)
	r = e.do("GET", "WhoAmI", nil)
	if r.status != 429 || r.errCode() != "0x80072326" || r.header.Get("Retry-After") == "" {
		t.Fatalf("concurrency limit: %s", r.raw)
	}
	e.sim.SetRateLimits(false)
	e.must(e.do("GET", "WhoAmI", nil), 200)
}

func pkce() (verifier, challenge string) {
	verifier = "M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag"
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestOAuthCodePKCERefreshRotation(t *testing.T) {
	e := newEnv(t, Options{RedirectURIs: []string{"http://localhost/callback"}})
	verifier, challenge := pkce()
	authorize := func(redirect, scope string) *url.URL {
		q := url.Values{"client_id": {e.sim.Auth().ClientID()}, "response_type": {"code"}, "redirect_uri": {redirect},
			"scope": {scope}, "state": {"xyz"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
		resp, err := noRedirect.Get(e.base + "/organizations/oauth2/v2.0/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			return nil
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		return loc
	}
	scope := e.base + "/user_impersonation offline_access openid profile"
	// The port of a loopback redirect URI is ignored; the path is not.
	if loc := authorize("http://localhost:53117/other", scope); loc != nil {
		t.Fatalf("unregistered path accepted: %v", loc)
	}
	loc := authorize("http://localhost:53117/callback", "offline_access")
	if loc.Query().Get("error") != "invalid_scope" || !strings.HasPrefix(loc.Query().Get("error_description"), "AADSTS70011") || loc.Query().Get("state") != "xyz" {
		t.Fatalf("missing resource scope: %v", loc)
	}
	loc = authorize("http://localhost:53117/callback", scope)
	code := loc.Query().Get("code")
	if code == "" || loc.Query().Get("state") != "xyz" || loc.Host != "localhost:53117" {
		t.Fatalf("authorize redirect %v", loc)
	}
	token := func(form url.Values) (int, map[string]any) {
		form.Set("client_id", e.sim.Auth().ClientID())
		resp, err := http.PostForm(e.base+"/organizations/oauth2/v2.0/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	st, m := token(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://localhost:53117/callback"},
		"code_verifier": {"wrong-verifier"}})
	if st != 400 || m["error"] != "invalid_grant" || !strings.HasPrefix(fmt.Sprint(m["error_description"]), "AADSTS501481") ||
		fmt.Sprint(m["error_codes"]) != "[501481]" || m["trace_id"] == nil || m["correlation_id"] == nil || m["timestamp"] == nil {
		t.Fatalf("wrong verifier: %d %v", st, m)
	}
	st, m = token(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://localhost:53117/callback"},
		"code_verifier": {verifier}})
	if st != 400 || !strings.HasPrefix(fmt.Sprint(m["error_description"]), "AADSTS54005") {
		t.Fatalf("code reuse: %d %v", st, m)
	}
	code = authorize("http://localhost:40000/callback", scope).Query().Get("code")
	st, m = token(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://localhost:40000/callback"},
		"code_verifier": {verifier}, "scope": {scope}})
	if st != 200 || m["token_type"] != "Bearer" || m["scope"] != e.base+"/user_impersonation" || m["expires_in"] != float64(3600) ||
		m["ext_expires_in"] == nil || m["refresh_token"] == nil || m["id_token"] == nil || m["access_token"] == nil {
		t.Fatalf("token: %d %v", st, m)
	}
	e.token = m["access_token"].(string)
	e.must(e.do("GET", "WhoAmI", nil), 200)
	rt := m["refresh_token"].(string)
	e.clk.add(2 * time.Hour)
	r := e.do("GET", "WhoAmI", nil)
	if r.status != 401 || !strings.Contains(r.header.Get("WWW-Authenticate"), "authorization_uri=") {
		t.Fatalf("expired access token: %d %v", r.status, r.header)
	}
	st, m = token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "scope": {scope}})
	if st != 200 || m["refresh_token"] == rt || m["refresh_token"] == nil {
		t.Fatalf("refresh did not rotate: %d %v", st, m)
	}
	e.token = m["access_token"].(string)
	e.must(e.do("GET", "WhoAmI", nil), 200)
	st, m = token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	if st != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("old refresh token still works: %d %v", st, m)
	}
	st, m = token(url.Values{"grant_type": {"client_credentials"}})
	if st != 400 || m["error"] != "unsupported_grant_type" {
		t.Fatalf("grant type: %v", m)
	}
	// Without offline_access there is no refresh token; the public client may send its secret.
	code = authorize("http://localhost:1/callback", e.base+"/.default").Query().Get("code")
	st, m = token(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://localhost:1/callback"},
		"code_verifier": {verifier}, "client_secret": {e.sim.Auth().ClientSecret()}})
	if st != 200 || m["refresh_token"] != nil || m["id_token"] != nil {
		t.Fatalf(".default without offline_access: %v", m)
	}
	resp, _ := noRedirect.Get(e.base + "/not-a-tenant/oauth2/v2.0/authorize")
	if resp.StatusCode != 400 {
		t.Fatalf("bad tenant: %d", resp.StatusCode)
	}
	resp.Body.Close()
}

func TestMetadata(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,ChangeTrackingEnabled", nil), 200)
	if r.body["EntitySetName"] != "contacts" || r.body["PrimaryIdAttribute"] != "contactid" || r.body["PrimaryNameAttribute"] != "fullname" ||
		r.body["ChangeTrackingEnabled"] != true || r.body["MetadataId"] == nil || r.body["ObjectTypeCode"] != nil {
		t.Fatalf("entity: %s", r.raw)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes?$select=LogicalName,AttributeType,AttributeTypeName,RequiredLevel,IsValidForCreate,IsValidForUpdate,IsValidForRead,DisplayName,AttributeOf", nil), 200)
	attrs := map[string]map[string]any{}
	for _, v := range r.values() {
		attrs[v["LogicalName"].(string)] = v
	}
	ln := attrs["lastname"]
	if ln["AttributeType"] != "String" || ln["RequiredLevel"].(map[string]any)["Value"] != "ApplicationRequired" ||
		ln["DisplayName"].(map[string]any)["UserLocalizedLabel"].(map[string]any)["Label"] != "Last Name" {
		t.Fatalf("lastname: %v", ln)
	}
	if attrs["fullname"]["IsValidForCreate"] != false || attrs["createdon"]["IsValidForUpdate"] != false ||
		attrs["parentcustomerid"]["AttributeType"] != "Customer" || attrs["parentcustomeridname"]["AttributeOf"] != "parentcustomerid" ||
		attrs["birthdate"]["AttributeTypeName"].(map[string]any)["Value"] != "DateTimeType" {
		t.Fatalf("attributes: %v", attrs)
	}
	if _, ok := ln["MaxLength"]; ok {
		t.Fatal("derived property in the uncast $select")
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes/Microsoft.Dynamics.CRM.StringAttributeMetadata?$select=LogicalName,MaxLength,Format", nil), 200)
	sm := map[string]map[string]any{}
	for _, v := range r.values() {
		sm[v["LogicalName"].(string)] = v
	}
	if sm["firstname"]["MaxLength"] != float64(50) || sm["emailaddress1"]["Format"] != "Email" || sm["emailaddress1"]["MaxLength"] != float64(100) ||
		sm["telephone1"]["MaxLength"] != float64(50) || sm["description"] != nil {
		t.Fatalf("string attributes: %s", r.raw)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.MemoAttributeMetadata?$select=LogicalName,MaxLength", nil), 200)
	if v := r.values(); len(v) != 1 || v[0]["LogicalName"] != "description" || v[0]["MaxLength"] != float64(2000) {
		t.Fatalf("memo: %s", r.raw)
	}
	r = e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes?$select=LogicalName,MaxLength", nil)
	if r.status != 400 || r.errMessage() != "Could not find a property named 'MaxLength' on type 'Microsoft.Dynamics.CRM.AttributeMetadata'." {
		t.Fatalf("uncast MaxLength: %s", r.raw)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='numberofemployees')", nil), 200)
	if r.body["AttributeType"] != "Integer" || r.body["MaxValue"] != float64(1_000_000_000) {
		t.Fatalf("single attribute: %s", r.raw)
	}
	e.must(e.do("GET", "EntityDefinitions(LogicalName='nosuch')", nil), 404)
}

func TestFaultsInjected(t *testing.T) {
	e := newEnv(t, Options{})
	e.sim.Faults().Set(faultsAll429())
	r := e.do("GET", "WhoAmI", nil)
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Fatalf("injected 429: %d", r.status)
	}
}

func faultsAll429() simkitFaults { return simkitFaults{P429: 1} }
