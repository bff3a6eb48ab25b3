package hubspot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
)

const secretToken = "CiQ-super-secret-token-123"

// fakeHubSpot serves hand-written HubSpot-shaped responses (from the
// 2026-03 specs) over real HTTP and counts requests.
type fakeHubSpot struct {
	calls atomic.Int64
	srv   *httptest.Server
}

func newFake(t *testing.T, h http.HandlerFunc) (*fakeHubSpot, *Connector) {
	t.Helper()
	f := &fakeHubSpot{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer "+secretToken {
			w.WriteHeader(401)
			return
		}
		h(w, r)
	}))
	t.Cleanup(f.srv.Close)
	o := testOptions()
	o.maxRetries = 2
	c, err := newConnector(auth.StaticClient(nil, "Authorization", "Bearer ", secretToken), f.srv.URL, o)
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

func writeBody(w http.ResponseWriter, status int, ctype, body string) {
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

const propsJSON = `{"results":[
 {"name":"email","label":"Email","type":"string","fieldType":"text","options":[],"hasUniqueValue":false,"modificationMetadata":{"archivable":false,"readOnlyDefinition":true,"readOnlyValue":false}},
 {"name":"firstname","label":"First Name","type":"string","fieldType":"text","options":[]},
 {"name":"phone","label":"Phone","type":"string","fieldType":"phonenumber","options":[]},
 {"name":"lifecyclestage","label":"Lifecycle","type":"enumeration","fieldType":"radio","options":[{"label":"Lead","value":"lead","hidden":false},{"label":"Customer","value":"customer","hidden":false}]},
 {"name":"birthday","label":"Birthday","type":"date","fieldType":"date","options":[]},
 {"name":"lastmodifieddate","label":"Last Modified","type":"datetime","fieldType":"date","options":[],"modificationMetadata":{"readOnlyValue":true}},
 {"name":"hs_object_id","label":"Record ID","type":"number","fieldType":"number","options":[],"hasUniqueValue":true,"modificationMetadata":{"readOnlyValue":true}}]}`

func TestSchemaMapsTypes(t *testing.T) {
	_, c := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeBody(w, 200, "application/json;charset=utf-8", propsJSON)
	})
	sc, err := c.Schema(t.Context(), "contacts")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]connector.FieldType{"email": connector.TypeEmail, "firstname": connector.TypeString, "phone": connector.TypePhone,
		"lifecyclestage": connector.TypeEnum, "birthday": connector.TypeDate, "lastmodifieddate": connector.TypeDateTime, "hs_object_id": connector.TypeID}
	for name, typ := range want {
		f, ok := sc.Field(name)
		if !ok || f.Type != typ {
			t.Errorf("field %s = %+v, want type %s", name, f, typ)
		}
	}
	if f, _ := sc.Field("lifecyclestage"); len(f.Options) != 2 || f.Options[1].Value != "customer" {
		t.Errorf("enum options = %+v", f.Options)
	}
	if f, _ := sc.Field("lastmodifieddate"); !f.ReadOnly {
		t.Error("lastmodifieddate should be read-only")
	}
	if f, _ := sc.Field("hs_object_id"); !f.Unique {
		t.Error("hs_object_id should be unique")
	}
}

func TestBadInputBecomesCategorizedError(t *testing.T) {
	huge := strings.Repeat("x", 5*maxValueLen)
	cases := []struct {
		name, ctype, body string
		status            int
		read              bool // exercise Read instead of Schema
		wantCat           connector.Category
		wantIn            string
	}{
		{"malformed JSON", "application/json", `{"results":[{"name":"email",}]}`, 200, false, connector.CatServer, "malformed JSON"},
		{"HTML error page", "text/html", "<html><body>Bad gateway " + secretToken + "</body></html>", 502, false, connector.CatServer, "text/html"},
		{"truncated body", "application/json", `{"results":[{"name":"email","type":"str`, 200, false, connector.CatServer, "malformed JSON"},
		{"unknown field type", "application/json", `{"results":[{"name":"geo","type":"hologram","fieldType":"x","options":[]}]}`, 200, false, connector.CatServer, `"geo"`},
		{"enormous value", "application/json", `{"total":1,"results":[{"id":"42","properties":{"email":"` + huge + `","lastmodifieddate":"2026-01-01T00:00:00Z"},"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","archived":false}]}`, 200, true, connector.CatServer, "record 42"},
		{"token echoed in JSON error", "application/json", `{"status":"error","message":"bad`, 401, false, connector.CatAuth, "HTTP 401"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, c := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.read && strings.HasPrefix(r.URL.Path, "/crm/properties/") {
					writeBody(w, 200, "application/json", propsJSON)
					return
				}
				writeBody(w, tc.status, tc.ctype, tc.body)
			})
			var err error
			if tc.read {
				for _, e := range c.Read(t.Context(), "contacts", "") {
					if e != nil {
						err = e
						break
					}
				}
			} else {
				_, err = c.Schema(t.Context(), "contacts")
			}
			if err == nil {
				t.Fatal("no error")
			}
			var ce *connector.Error
			if !errors.As(err, &ce) || ce.Category != tc.wantCat {
				t.Fatalf("error %v (%T), want *connector.Error category %s", err, err, tc.wantCat)
			}
			msg := err.Error()
			for _, s := range []string{"hubspot", "/crm/", tc.wantIn} {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q lacks %q", msg, s)
				}
			}
			if strings.Contains(msg, secretToken) || len(msg) > 2000 {
				t.Errorf("error leaks the token or the body: %.200q", msg)
			}
		})
	}
}

// TestMultiStatusMapsByTraceID: results and errors come back out of order
// and are placed by objectWriteTraceId.
func TestMultiStatusMapsByTraceID(t *testing.T) {
	_, c := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Inputs []input }
		_ = json.NewDecoder(r.Body).Decode(&in)
		writeBody(w, 207, "application/json", `{"status":"COMPLETE","numErrors":1,
		 "results":[{"id":"3","objectWriteTraceId":"`+in.Inputs[2].ObjectWriteTraceID+`","properties":{},"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","archived":false},
		            {"id":"1","objectWriteTraceId":"`+in.Inputs[0].ObjectWriteTraceID+`","properties":{},"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","archived":false}],
		 "errors":[{"status":"error","category":"VALIDATION_ERROR","message":"Property values were not valid","context":{"objectWriteTraceId":["`+in.Inputs[1].ObjectWriteTraceID+`"]},
		   "errors":[{"message":"Invalid number","code":"INVALID_DECIMAL","in":"annualrevenue"}],"links":{}}],
		 "startedAt":"2026-01-01T00:00:00Z","completedAt":"2026-01-01T00:00:00Z"}`)
	})
	ops := []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "A"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "B", "annualrevenue": "lots"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "C"}},
	}
	res, err := c.Write(t.Context(), "companies", ops)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].ID != "1" || res[2].ID != "3" || !res[0].Created {
		t.Errorf("results = %+v", res)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != "annualrevenue" || re.Code != "INVALID_DECIMAL" || re.Message != "Invalid number" || re.Category != connector.CatValidation {
		t.Errorf("error for op 1 = %#v", res[1].Err)
	}
}

// TestWholeBatchRejectionIsSplit: HubSpot may reject a whole batch for one
// bad record; the connector splits it so the good records are written.
func TestWholeBatchRejectionIsSplit(t *testing.T) {
	f, c := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Inputs []input }
		_ = json.NewDecoder(r.Body).Decode(&in)
		var out []map[string]any
		for i, x := range in.Inputs {
			if x.Properties["email"] == "dup@example.com" {
				writeBody(w, 409, "application/json", `{"status":"error","message":"Contact already exists. Existing ID: 777","correlationId":"c","category":"CONFLICT"}`)
				return
			}
			out = append(out, map[string]any{"id": x.Properties["email"], "objectWriteTraceId": in.Inputs[i].ObjectWriteTraceID, "properties": x.Properties})
		}
		b, _ := json.Marshal(map[string]any{"status": "COMPLETE", "results": out})
		writeBody(w, 201, "application/json", string(b))
	})
	emails := []string{"a@example.com", "b@example.com", "dup@example.com", "d@example.com", "e@example.com"}
	var ops []connector.Op
	for _, e := range emails {
		ops = append(ops, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"email": e}})
	}
	res, err := c.Write(t.Context(), "contacts", ops)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range emails {
		if e == "dup@example.com" {
			var re *connector.RecordError
			if !errors.As(res[i].Err, &re) || re.Category != connector.CatConflict || re.Message != "Contact already exists. Existing ID: 777" {
				t.Errorf("dup: %#v", res[i].Err)
			}
			continue
		}
		if res[i].Err != nil || res[i].ID != e {
			t.Errorf("op %d: %+v", i, res[i])
		}
	}
	if n := f.calls.Load(); n > 7 {
		t.Errorf("%d calls to isolate one bad record among 5", n)
	}
}

func TestRateLimitAndBudget(t *testing.T) {
	t.Run("ten-second window is retried", func(t *testing.T) {
		var n atomic.Int64
		_, c := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				w.Header().Set("X-HubSpot-RateLimit-Interval-Milliseconds", "50")
				writeBody(w, 429, "application/json", `{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}`)
				return
			}
			writeBody(w, 200, "application/json", propsJSON)
		})
		if _, err := c.Schema(t.Context(), "contacts"); err != nil || n.Load() != 2 {
			t.Fatalf("after a 429: %v, %d calls", err, n.Load())
		}
	})
	t.Run("a search 429 paces search slower", func(t *testing.T) {
		var searches atomic.Int64
		_, c := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/search") {
				writeBody(w, 200, "application/json", propsJSON)
				return
			}
			n := searches.Add(1)
			if n%2 == 1 { // every page's first attempt
				w.Header().Set("X-HubSpot-RateLimit-Interval-Milliseconds", "20")
				writeBody(w, 429, "application/json", `{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","policyName":"SECONDLY"}`)
				return
			}
			next := `,"paging":{"next":{"after":"1"}}`
			if n == 4 {
				next = ""
			}
			writeBody(w, 200, "application/json", fmt.Sprintf(`{"total":2,"results":[{"id":"%d","properties":{"email":"p%d@example.com","lastmodifieddate":"2026-11-24T10:00:00.000Z"}}]%s}`, n, n, next))
		})
		before := c.search.Limit()
		if _, err := c.Schema(t.Context(), "contacts"); err != nil || c.search.Limit() != before {
			t.Fatalf("schema: %v; search pace %v, want %v (not a search)", err, c.search.Limit(), before)
		}
		read := 0
		for page, err := range c.Read(t.Context(), "contacts", "") {
			if err != nil {
				t.Fatal(err)
			}
			read += len(page.Records)
		}
		want := before * 0.95 * 0.95
		if read != 2 || math.Abs(float64(c.search.Limit()-want)) > 1e-9 {
			t.Errorf("read %d records, search pace %v; want 2 and %v after two 429s", read, c.search.Limit(), want)
		}
		for range 20 {
			slowSearch(c.search, nil)
		}
		if c.search.Limit() != minSearchRate {
			t.Errorf("after many 429s search paces at %v, want the floor %v", c.search.Limit(), minSearchRate)
		}
	})
	t.Run("daily limit stops without retrying", func(t *testing.T) {
		f, c := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			writeBody(w, 429, "application/json", `{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","policyName":"DAILY"}`)
		})
		_, err := c.Schema(t.Context(), "contacts")
		if !errors.Is(err, connector.ErrBudget) || f.calls.Load() != 1 {
			t.Fatalf("daily limit: %v after %d calls; want ErrBudget after 1", err, f.calls.Load())
		}
	})
	t.Run("connection budget stops before the vendor", func(t *testing.T) {
		var calls atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			writeBody(w, 200, "application/json", propsJSON)
		}))
		defer srv.Close()
		c, err := New(http.DefaultClient, connector.Account{APIBase: srv.URL, DailyBudget: 10, UsedToday: func() int64 { return 10 }})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Schema(t.Context(), "contacts"); !errors.Is(err, connector.ErrBudget) || calls.Load() != 0 {
			t.Fatalf("spent budget: %v after %d calls", err, calls.Load())
		}
	})
	t.Run("401 is an auth error", func(t *testing.T) {
		f := &fakeHubSpot{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f.calls.Add(1)
			writeBody(w, 401, "application/json", `{"status":"error","message":"The OAuth token used to make this call expired 0 second(s) ago.","category":"EXPIRED_AUTHENTICATION"}`)
		}))
		defer srv.Close()
		c, _ := New(http.DefaultClient, connector.Account{APIBase: srv.URL})
		if _, err := c.Schema(t.Context(), "contacts"); !errors.Is(err, connector.ErrAuth) || f.calls.Load() != 1 {
			t.Fatalf("401: %v after %d calls", err, f.calls.Load())
		}
	})
}

func TestCursorRoundTrip(t *testing.T) {
	w := newWindow(5000)
	for i, id := range []string{"1", "2", "3"} {
		w.admit(id, 10_000+int64(i))
	}
	back, err := parseCursor(w.cursor(), 5000)
	if err != nil {
		t.Fatal(err)
	}
	if back.admit("2", 10_001) {
		t.Error("an unchanged record from the cursor was admitted again")
	}
	if !back.admit("2", 10_050) {
		t.Error("a record modified again was skipped")
	}
	if back.from() != 10_050-5000 {
		t.Errorf("from = %d", back.from())
	}
	for _, bad := range []connector.Cursor{"x", "hs1:abc:0:", "hs1:5:9:", "hs1:5:0:id"} {
		if _, err := parseCursor(bad, 5000); err == nil {
			t.Errorf("cursor %q accepted", bad)
		}
	}
}

// TestToRecordWalksProperties: a search result's properties become
// canonical strings in one walk of their JSON, escapes decoded and nulls
// blank; a value that is not a string or null is refused naming the record
// and the property.
func TestToRecordWalksProperties(t *testing.T) {
	types := map[string]schemaProp{
		"email":            {Name: "email", Type: connector.TypeString},
		"lastmodifieddate": {Name: "lastmodifieddate", Type: connector.TypeDateTime},
	}
	var o searchObject
	body := `{"id": "51", "properties": {"email": "zo\u00eb \"z\"@example.com", "phone": null, "lastmodifieddate": "2026-11-01T12:34:56.789Z", "extra": "kept"},
		"createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-02T00:00:00Z", "archived": false}`
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		t.Fatal(err)
	}
	rec, err := toRecord(o, types, "lastmodifieddate")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"email": `zoë "z"@example.com`, "phone": "", "lastmodifieddate": "2026-11-01T12:34:56.789Z", "extra": "kept"}
	if rec.ID != "51" || fmt.Sprint(rec.Fields) != fmt.Sprint(want) || rec.Modified.UnixMilli()%1000 != 789 {
		t.Fatalf("record %s modified %s fields %v, want %v", rec.ID, rec.Modified, rec.Fields, want)
	}
	// No properties: the object's updatedAt dates it.
	rec, err = toRecord(searchObject{ID: "52", UpdatedAt: "2026-01-02T00:00:00Z"}, types, "lastmodifieddate")
	if err != nil || len(rec.Fields) != 0 || rec.Modified.Day() != 2 {
		t.Fatalf("no properties: %+v, %v", rec, err)
	}
	for _, c := range []struct{ props, want string }{
		{`{"email": 42}`, "record 53: property email is 42, not a string"},
		{`{"email": {"value": "x"}}`, "record 53: property email is {"},
		{`{"email": "` + strings.Repeat("x", 4*maxValueLen+1) + `"}`, "record 53: property email holds"},
		{`{"email": "a@example.com", "lastmodifieddate": "soon"}`, `record 53: unreadable lastmodifieddate "soon"`},
	} {
		_, err := toRecord(searchObject{ID: "53", Properties: json.RawMessage(c.props)}, types, "lastmodifieddate")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("properties %.50s: error %v, want %q", c.props, err, c.want)
		}
	}
}
