package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

var bg = context.Background()

func TestVersionDiscoveryAndSchema(t *testing.T) {
	f, c := newFake(t)
	s, err := c.Schema(bg, "Contact")
	if err != nil {
		t.Fatal(err)
	}
	// v68.0 is offered but newer than MaxVersion: v67.0 must be used.
	if got := f.requests("GET /sf/services/data/v67.0/sobjects/Contact/describe"); len(got) != 1 {
		t.Fatalf("describe requests %v (all: %v)", got, f.reqs)
	}
	want := map[string]connector.Field{
		"Id":                 {Type: connector.TypeID, ReadOnly: true, MaxLen: 18},
		"LastName":           {Type: connector.TypeString, Required: true, MaxLen: 80},
		"Email":              {Type: connector.TypeEmail, MaxLen: 80},
		"Amount__c":          {Type: connector.TypeNumber},
		"HasOptedOutOfEmail": {Type: connector.TypeBool},
		"Crmsync_Key__c":     {Type: connector.TypeString, Unique: true, MaxLen: 255},
		"SystemModstamp":     {Type: connector.TypeDateTime, ReadOnly: true},
	}
	for name, w := range want {
		got, ok := s.Field(name)
		if !ok || got.Type != w.Type || got.Required != w.Required || got.ReadOnly != w.ReadOnly || got.Unique != w.Unique || got.MaxLen != w.MaxLen {
			t.Errorf("%s = %+v, want %+v", name, got, w)
		}
	}
	ls, _ := s.Field("LeadSource")
	if ls.Type != connector.TypeEnum || len(ls.Options) != 1 || ls.Options[0].Value != "Web" {
		t.Errorf("LeadSource = %+v (inactive values must be dropped)", ls)
	}
	if _, ok := s.Field("MailingAddress"); ok {
		t.Error("compound address field should be skipped")
	}
	key, err := c.UpsertKey(bg, "Contact")
	if err != nil || key != "Crmsync_Key__c" {
		t.Fatalf("UpsertKey = %q, %v", key, err)
	}
	if used, max := c.Usage(); used != 42 || max != 15000 {
		t.Fatalf("Usage = %d/%d", used, max)
	}
}

func TestUnknownFieldTypeIsCategorized(t *testing.T) {
	f, c := newFake(t)
	f.json("GET /sf/services/data/v67.0/sobjects/Lead/describe", 200,
		`{"name":"Lead","fields":[{"name":"Id","type":"id"},{"name":"Vibe__c","type":"hologram"}]}`)
	_, err := c.Schema(bg, "Lead")
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Category != connector.CatServer || !strings.Contains(err.Error(), "Vibe__c") ||
		!strings.Contains(err.Error(), "salesforce") || !strings.Contains(err.Error(), "describe") {
		t.Fatalf("err = %v", err)
	}
}

func TestReadPagesCanonicalValues(t *testing.T) {
	f, c := newFake(t)
	f.handle("GET /sf/services/data/v67.0/queryAll", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v67.0/query/01gRO0000016PIAYA2-2000","records":[
 {"attributes":{"type":"Contact","url":"/services/data/v67.0/sobjects/Contact/003A"},"Id":"003000000000001AAA","SystemModstamp":"2026-01-02T03:04:05.000+0000","LastName":"Doe","Email":null,"Amount__c":5.0E+4,"HasOptedOutOfEmail":false,"LeadSource":"Web"},
 {"attributes":{"type":"Contact"},"Id":"003000000000002AAA","SystemModstamp":"2026-01-02T03:04:05.000+0000","LastName":"Ng","Email":"ng@example.com","Amount__c":1234.50,"HasOptedOutOfEmail":true,"LeadSource":null}]}`)
	})
	f.handle("GET /sf/services/data/v67.0/query/01gRO0000016PIAYA2-2000", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"totalSize":3,"done":true,"records":[
 {"attributes":{"type":"Contact"},"Id":"003000000000003AAA","SystemModstamp":"2026-01-02T03:04:06.250+0000","LastName":"Oz","Amount__c":-0.000001}]}`)
	})
	var pages []connector.Page
	for p, err := range c.Read(bg, "Contact", "") {
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
	}
	if len(pages) != 2 || len(pages[0].Records) != 2 || len(pages[1].Records) != 1 {
		t.Fatalf("pages = %+v", pages)
	}
	r0 := pages[0].Records[0]
	wantFields := map[string]string{"Id": "003000000000001AAA", "SystemModstamp": "2026-01-02T03:04:05Z", "LastName": "Doe",
		"Email": "", "Amount__c": "50000", "HasOptedOutOfEmail": "false", "LeadSource": "Web"}
	for k, v := range wantFields {
		if r0.Fields[k] != v {
			t.Errorf("field %s = %q, want %q", k, r0.Fields[k], v)
		}
	}
	if _, ok := r0.Fields["attributes"]; ok {
		t.Error("attributes not dropped")
	}
	if pages[0].Records[1].Fields["Amount__c"] != "1234.5" || pages[1].Records[0].Fields["Amount__c"] != "-0.000001" {
		t.Errorf("numbers: %q %q", pages[0].Records[1].Fields["Amount__c"], pages[1].Records[0].Fields["Amount__c"])
	}
	if pages[1].Records[0].Fields["SystemModstamp"] != "2026-01-02T03:04:06.25Z" {
		t.Errorf("datetime = %q", pages[1].Records[0].Fields["SystemModstamp"])
	}
	// sf3|second|read start (the Date header, a real clock here)|last id|id:fingerprint
	if cur := string(pages[1].Cursor); !strings.HasPrefix(cur, "sf3|2026-01-02T03:04:06Z|20") ||
		!strings.Contains(cur, "Z|003000000000003AAA|003000000000003AAA:") {
		t.Errorf("cursor = %q", pages[1].Cursor)
	}
	// queryAll, then its nextRecordsUrl, which says /query/ as Salesforce's does.
	qs := append(f.requests("GET /sf/services/data/v67.0/queryAll"), f.requests("GET /sf/services/data/v67.0/query/01gRO0000016PIAYA2-2000")...)
	if len(qs) != 2 {
		t.Fatalf("queries %v", qs)
	}
	u, _ := url.Parse(qs[0][len("GET "):])
	q := u.Query().Get("q")
	if !strings.HasPrefix(q, "SELECT Id, SystemModstamp, ") || !strings.HasSuffix(q, " FROM Contact ORDER BY SystemModstamp, Id") ||
		strings.Contains(q, "MailingAddress") {
		t.Errorf("soql = %q", q)
	}
	for _, h := range f.hdrs {
		if h.Get("Sforce-Query-Options") != "" && h.Get("Sforce-Query-Options") != "batchSize=2000" {
			t.Errorf("query options %q", h.Get("Sforce-Query-Options"))
		}
	}
	if f.hdrs[len(f.hdrs)-1].Get("Sforce-Query-Options") != "batchSize=2000" {
		t.Error("Sforce-Query-Options not sent")
	}
}

// Records sharing a SystemModstamp across a cursor are neither lost nor
// repeated: the resumed query asks for >= the second and skips what the
// cursor already covers.
func TestReadCursorWithSharedTimestamps(t *testing.T) {
	f, c := newFake(t)
	f.handle("GET /sf/services/data/v67.0/queryAll", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"totalSize":4,"done":true,"records":[
 {"Id":"003000000000001AAA","SystemModstamp":"2026-01-02T03:04:04.900+0000"},
 {"Id":"003000000000002AAA","SystemModstamp":"2026-01-02T03:04:05.000+0000"},
 {"Id":"003000000000003AAA","SystemModstamp":"2026-01-02T03:04:05.000+0000"},
 {"Id":"003000000000004AAA","SystemModstamp":"2026-01-02T03:04:05.000+0000"},
 {"Id":"003000000000005AAA","SystemModstamp":"2026-01-02T03:04:07.000+0000"}]}`)
	})
	var ids []string
	for p, err := range c.Read(bg, "Contact", "2026-01-02T03:04:05Z|003000000000002AAA,003000000000003AAA") {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			ids = append(ids, r.ID)
		}
	}
	if strings.Join(ids, ",") != "003000000000004AAA,003000000000005AAA" {
		t.Fatalf("ids = %v", ids)
	}
	qs := f.requests("GET /sf/services/data/v67.0/queryAll")
	u, _ := url.Parse(strings.TrimPrefix(qs[0], "GET "))
	if q := u.Query().Get("q"); !strings.Contains(q, " WHERE SystemModstamp >= 2026-01-02T03:04:05Z ORDER BY SystemModstamp, Id") {
		t.Fatalf("soql = %q", q)
	}
	for _, err := range c.Read(bg, "Contact", "garbage") {
		if connector.CategoryOf(err) != connector.CatValidation {
			t.Fatalf("bad cursor err = %v", err)
		}
	}
}

func TestBadResponsesAreCategorizedNeverLeakToken(t *testing.T) {
	huge := strings.Repeat("x", maxValue+10)
	cases := []struct {
		name, ctype, body string
		status            int
		cat               connector.Category
		want              string
	}{
		{"malformed JSON", "application/json", `{"done":true,"records":[{"Id":`, 200, connector.CatServer, "malformed JSON"},
		{"HTML page", "text/html", "<html><body>Maintenance " + secretToken + "</body></html>", 200, connector.CatServer, "text/html"},
		{"HTML 502", "text/html", "<html>Bad gateway " + secretToken + "</html>", 502, connector.CatServer, "HTTP 502"},
		{"truncated", "application/json", `{"totalSize":1,"done":true,"records":[{"Id":"003000000000001AAA","Last`, 200, connector.CatServer, "malformed JSON"},
		{"enormous value", "application/json", `{"done":true,"records":[{"Id":"003000000000001AAA","SystemModstamp":"2026-01-02T03:04:05.000+0000","LastName":"` + huge + `"}]}`, 200, connector.CatServer, "003000000000001AAA: field LastName"},
		{"bad modstamp", "application/json", `{"done":true,"records":[{"Id":"003000000000001AAA","SystemModstamp":"yesterday"}]}`, 200, connector.CatServer, "SystemModstamp"},
		{"session", "application/json", `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`, 401, connector.CatAuth, "INVALID_SESSION_ID"},
		{"bad soql", "application/json", `[{"message":"unexpected token: FROM","errorCode":"MALFORMED_QUERY"}]`, 400, connector.CatValidation, "MALFORMED_QUERY"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFake(t)
			f.handle("GET /sf/services/data/v67.0/queryAll", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			var err error
			for _, e := range c.Read(bg, "Contact", "") {
				if e != nil {
					err = e
				}
			}
			var ce *connector.Error
			if !errors.As(err, &ce) || ce.Category != tc.cat {
				t.Fatalf("err = %#v", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "salesforce: ") || !strings.Contains(msg, "/query") || !strings.Contains(msg, tc.want) {
				t.Fatalf("message %q lacks vendor, endpoint or %q", msg, tc.want)
			}
			if strings.Contains(msg, "SECRET") || len(msg) > 3000 {
				t.Fatalf("message leaks or is huge: %.200q", msg)
			}
		})
	}
}

func TestDailyLimitStopsWithoutRetry(t *testing.T) {
	f, c := newFake(t)
	f.json("GET /sf/services/data/v67.0/queryAll", 403, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`)
	var err error
	for _, e := range c.Read(bg, "Contact", "") {
		err = e
	}
	if !errors.Is(err, connector.ErrBudget) || !strings.Contains(err.Error(), "TotalRequests") {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.requests("GET /sf/services/data/v67.0/queryAll")); n != 1 {
		t.Fatalf("query sent %d times: a budget stop must not retry", n)
	}
}

func TestConcurrencyThrottleIsRetried(t *testing.T) {
	f, c := newFake(t)
	n := 0
	f.handle("GET /sf/services/data/v67.0/queryAll", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		n++
		if n == 1 {
			w.WriteHeader(403)
			_, _ = io.WriteString(w, `[{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`)
			return
		}
		_, _ = io.WriteString(w, `{"done":true,"records":[{"Id":"003000000000001AAA","SystemModstamp":"2026-01-02T03:04:05.000+0000"}]}`)
	})
	count := 0
	for p, err := range c.Read(bg, "Contact", "") {
		if err != nil {
			t.Fatal(err)
		}
		count += len(p.Records)
	}
	if count != 1 || n != 2 {
		t.Fatalf("records %d attempts %d", count, n)
	}
}

func TestWriteMapsPerRecordResults(t *testing.T) {
	f, c := newFake(t)
	var calls int
	f.handle("POST /sf/services/data/v67.0/composite/sobjects", func(w http.ResponseWriter, r *http.Request) {
		calls++
		var body struct {
			AllOrNone bool             `json:"allOrNone"`
			Records   []map[string]any `json:"records"`
		}
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &body); err != nil || body.AllOrNone {
			t.Errorf("body %s", b)
		}
		var out []string
		for i, rec := range body.Records {
			if rec["attributes"].(map[string]any)["type"] != "Contact" {
				t.Errorf("attributes %v", rec["attributes"])
			}
			switch rec["LastName"] {
			case "Bad":
				out = append(out, `{"success":false,"errors":[{"statusCode":"INVALID_EMAIL_ADDRESS","message":"Email: invalid email address: x","fields":["Email"]}]}`)
			case "Dup":
				out = append(out, `{"success":false,"errors":[{"statusCode":"DUPLICATE_VALUE","message":"duplicate value found: Crmsync_Key__c","fields":[]}]}`)
			case nil:
				out = append(out, `{"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"]}]}`)
			default:
				out = append(out, fmt.Sprintf(`{"id":"003%015d","success":true,"errors":[]}`, calls*1000+i))
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "["+strings.Join(out, ",")+"]")
	})
	ops := make([]connector.Op, 0, 450)
	for i := 0; i < 447; i++ {
		ops = append(ops, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"LastName": fmt.Sprint("L", i), "Amount__c": "12.50", "HasOptedOutOfEmail": "true", "Email": ""}})
	}
	ops = append(ops,
		connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "Bad", "Email": "x"}},
		connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "Dup"}},
		connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"Email": "a@b.c"}},
		connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "X", "NoSuch__c": "1"}},
		connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "X", "Amount__c": "lots"}},
	)
	res, err := c.Write(bg, "Contact", ops)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(ops) || calls != 3 {
		t.Fatalf("results %d calls %d", len(res), calls)
	}
	if res[0].Err != nil || !res[0].Created || res[0].ID == "" {
		t.Fatalf("res[0] = %+v", res[0])
	}
	check := func(i int, cat connector.Category, field, code string) {
		t.Helper()
		var re *connector.RecordError
		if !errors.As(res[i].Err, &re) || re.Category != cat || re.Field != field || re.Code != code {
			t.Errorf("res[%d] = %#v", i, res[i].Err)
		}
	}
	check(447, connector.CatValidation, "Email", "INVALID_EMAIL_ADDRESS")
	check(448, connector.CatConflict, "", "DUPLICATE_VALUE")
	check(449, connector.CatValidation, "LastName", "REQUIRED_FIELD_MISSING")
	check(450, connector.CatValidation, "NoSuch__c", "INVALID_FIELD")
	check(451, connector.CatValidation, "Amount__c", "INVALID_TYPE_ON_FIELD_IN_RECORD")
	first := f.requests("POST /sf/services/data/v67.0/composite/sobjects")
	if len(first) != 3 {
		t.Fatalf("posts %v", first)
	}
	// Typed JSON: numbers and booleans unquoted, "" as null.
	f.mu.Lock()
	b := f.bodies[len(f.bodies)-3]
	f.mu.Unlock()
	if !strings.Contains(b, `"Amount__c":12.5`) || !strings.Contains(b, `"HasOptedOutOfEmail":true`) || !strings.Contains(b, `"Email":null`) {
		t.Fatalf("body %.300s", b)
	}
}

func TestLookupEscapesQuotes(t *testing.T) {
	f, c := newFake(t)
	f.json("GET /sf/services/data/v67.0/query", 200,
		`{"done":true,"records":[{"attributes":{"type":"Contact"},"Id":"003000000000001AAA","SystemModstamp":"2026-01-02T03:04:05.000+0000","Email":"o'brien@example.com"}]}`)
	recs, err := c.Lookup(bg, "Contact", "Email", []string{`o'brien@example.com`, `back\slash@x.y' OR Id != '`})
	if err != nil || len(recs) != 1 || recs[0].Fields["Email"] != "o'brien@example.com" {
		t.Fatalf("recs %v err %v", recs, err)
	}
	u, _ := url.Parse(strings.TrimPrefix(f.requests("GET /sf/services/data/v67.0/query")[0], "GET "))
	q := u.Query().Get("q")
	want := `WHERE Email IN ('o\'brien@example.com','back\\slash@x.y\' OR Id != \'') ORDER BY Id`
	if !strings.Contains(q, want) {
		t.Fatalf("soql = %s", q)
	}
	if _, err := c.Lookup(bg, "Contact", "Email) OR (Id", []string{"x"}); connector.CategoryOf(err) != connector.CatValidation {
		t.Fatalf("unknown field err = %v", err)
	}
}

func TestDeleteAndAssociate(t *testing.T) {
	f, c := newFake(t)
	f.json("DELETE /sf/services/data/v67.0/composite/sobjects", 200,
		`[{"id":"003000000000001AAA","success":true,"errors":[]},{"success":false,"errors":[{"statusCode":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[]}]}]`)
	res, err := c.Delete(bg, "Contact", []string{"003000000000001AAA", "003000000000002AAA", "not an id"})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[0].ID != "003000000000001AAA" || connector.CategoryOf(res[1].Err) != connector.CatNotFound ||
		connector.CategoryOf(res[2].Err) != connector.CatValidation {
		t.Fatalf("res = %+v", res)
	}
	if d := f.requests("DELETE"); len(d) != 1 || !strings.Contains(d[0], "ids=003000000000001AAA,003000000000002AAA&allOrNone=false") {
		t.Fatalf("delete requests %v", d)
	}
	f.handle("PATCH /sf/services/data/v67.0/sobjects/Task/00T000000000001AAA", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	if err := c.Associate(bg, "Task", "00T000000000001AAA", "Contact", "003000000000001AAA"); err != nil {
		t.Fatal(err)
	}
	if b := f.lastBody(); b != `{"WhoId":"003000000000001AAA"}` {
		t.Fatalf("body %s", b)
	}
	if err := c.Associate(bg, "Task", "00T000000000002AAA", "Account", "001000000000001AAA"); connector.CategoryOf(err) != connector.CatNotFound {
		t.Fatalf("missing task err = %v", err)
	}
	if b := f.lastBody(); b != `{"WhatId":"001000000000001AAA"}` {
		t.Fatalf("body %s", b)
	}
}

func TestPlainNumber(t *testing.T) {
	for in, want := range map[string]string{"5.0E+4": "50000", "50000.0": "50000", "1.50": "1.5", "-0.0": "0",
		"1.5E-10": "0.00000000015", "123456789012345678901234567890": "123456789012345678901234567890", "7": "7"} {
		if got, err := plainNumber(in); err != nil || got != want {
			t.Errorf("plainNumber(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := plainNumber("1e999999"); err == nil {
		t.Error("huge exponent accepted")
	}
}

// TestToRecordFromSOQLRow: a SOQL row becomes canonical strings in one walk
// of its JSON: attributes dropped, escapes decoded, numbers exact, booleans,
// nulls and nested values kept; a damaged row names the record, the field
// and the problem.
func TestToRecordFromSOQLRow(t *testing.T) {
	d := &describeResult{Name: "Contact", Fields: []describeField{
		{Name: "Id", Type: "id"}, {Name: "SystemModstamp", Type: "datetime"}, {Name: "Email", Type: "email"},
		{Name: "NumberOfEmployees", Type: "int"}, {Name: "DoNotCall", Type: "boolean"}, {Name: "Phone", Type: "phone"},
	}}
	row := `{"attributes": {"type": "Contact", "url": "/services/data/v67.0/sobjects/Contact/003x"},
		"Id": "003000000000001AAA", "SystemModstamp": "2026-11-01T12:34:56.000+0000",
		"Email": "zo\u00eb \"z\" @example.com", "NumberOfEmployees": 5.0E+1, "DoNotCall": true, "Phone": null,
		"Account": {"Name": "Acme"}}`
	rec, err := toRecord(d, json.RawMessage(row))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Id": "003000000000001AAA", "SystemModstamp": "2026-11-01T12:34:56Z", "Email": `zoë "z" @example.com`,
		"NumberOfEmployees": "50", "DoNotCall": "true", "Phone": "", "Account": `{"Name":"Acme"}`}
	if rec.ID != "003000000000001AAA" || fmt.Sprint(rec.Fields) != fmt.Sprint(want) || rec.Modified.Format("15:04:05") != "12:34:56" {
		t.Fatalf("record %s modified %s fields\n%v\nwant\n%v", rec.ID, rec.Modified, rec.Fields, want)
	}
	for _, c := range []struct{ row, want string }{
		{`{"attributes": {}, "Email": "a@example.com"}`, "Contact record without an Id"},
		{`{"Id": null, "Email": "a@example.com"}`, "Contact record without an Id"},
		{`{"Id": "003B", "SystemModstamp": "yesterday"}`, `Contact 003B: field SystemModstamp: "yesterday" is not a datetime`},
		{`{"Id": "003C", "SystemModstamp": "2026-11-01T12:34:56.000+0000", "Email": "` + strings.Repeat("x", maxValue) + `"}`, "Contact 003C: field Email holds 1048578 bytes"},
		{`{"Id": "003D", "NumberOfEmployees": 1e999}`, "Contact 003D: field NumberOfEmployees:"},
		{`["003E"]`, "Contact (before its Id): jsonscan: not a JSON object"},
	} {
		_, err := toRecord(d, json.RawMessage(c.row))
		var ce *connector.Error
		if !errors.As(err, &ce) || ce.Category != connector.CatServer || !strings.Contains(err.Error(), c.want) {
			t.Errorf("row %.60s: error %v, want one containing %q", c.row, err, c.want)
		}
	}
}
