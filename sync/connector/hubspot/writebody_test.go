package hubspot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestBatchBodyMatchesEncodingJSON: the hand-written batch body is the
// JSON encoding/json makes of the same inputs, byte for byte, but for the
// characters encoding/json escapes for HTML.
func TestBatchBodyMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	alphabet := []string{"a", "Z", "0", " ", "é", "🚀", `"`, `\`, "\n", "\t", "\x01", "\x7f", "\xff", "<", ">", "&", "\u2028", "@", "."}
	str := func() string {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	for n := range 2000 {
		ps := make([]pending, 1+rng.IntN(5))
		for j := range ps {
			in := input{Properties: map[string]string{}}
			for range rng.IntN(6) {
				in.Properties[str()] = str()
			}
			switch rng.IntN(4) {
			case 0:
				as := []createAssoc{}
				for range rng.IntN(3) {
					as = append(as, createAssoc{To: assocRef{str()}, Types: []assocSpec{{str(), rng.IntN(300)}}})
				}
				in.Associations = &as
			case 1:
				in.ID = str()
			case 2:
				in.ID, in.IDProperty = str(), str()
			default:
				in.Properties = nil
			}
			ps[j] = pending{idx: j, in: in}
		}
		inputs := make([]input, len(ps))
		for j, p := range ps {
			inputs[j] = p.in
			inputs[j].ObjectWriteTraceID = fmt.Sprint(j)
		}
		// encoding/json as it writes without escaping <, > and & for HTML,
		// and with U+2028 unescaped: the two read back the same.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(map[string]any{"inputs": inputs}); err != nil {
			t.Fatal(err)
		}
		want := strings.ReplaceAll(strings.TrimSuffix(buf.String(), "\n"), `\u2028`, "\u2028")
		if got := batchBody(ps); string(got) != want {
			t.Fatalf("case %d:\n got %s\nwant %s", n, got, want)
		}
	}
}

// TestBatchResultPropertiesCheckedAndMatched: a result's properties stay
// raw, yet a value of the wrong type still fails the batch with the
// property's name, and results without a trace id are still matched by
// their key or their values.
func TestBatchResultPropertiesCheckedAndMatched(t *testing.T) {
	for _, bad := range []string{`{"email":3}`, `{"email":{"a":"b"}}`, `{"email":["x"]}`, `{"email":true}`, `["email"]`, `"email"`} {
		var br batchResponse
		err := json.Unmarshal([]byte(`{"status":"COMPLETE","results":[{"id":"1","properties":`+bad+`}]}`), &br)
		if err == nil || !strings.Contains(err.Error(), "properties") {
			t.Errorf("properties %s: err = %v, want an error about the properties", bad, err)
		}
	}
	var br batchResponse
	if err := json.Unmarshal([]byte(`{"results":[{"id":"1","properties":null},{"id":"2","properties":{"email":null,"x":"y"}}]}`), &br); err != nil {
		t.Fatal(err)
	}
	if br.Results[0].Properties.get("email") != nil || br.Results[1].Properties.get("email") != nil || *br.Results[1].Properties.get("x") != "y" {
		t.Errorf("null properties read as %+v", br.Results)
	}

	// No objectWriteTraceId in the results, in an order other than sent.
	_, c := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/batch/upsert") {
			writeBody(w, 200, "application/json", `{"status":"COMPLETE","results":[
			  {"id":"20","new":false,"properties":{"email":"BOB@example.com","firstname":"Bob"}},
			  {"id":"10","new":true,"properties":{"email":"ada@example.com","firstname":"Ada"}}]}`)
			return
		}
		writeBody(w, 201, "application/json", `{"status":"COMPLETE","results":[
		  {"id":"31","properties":{"name":"Beta","domain":"b.example"}},
		  {"id":"30","properties":{"name":"Alpha","domain":"a.example"}}]}`)
	})
	up, err := c.Upsert(t.Context(), "contacts", "email", []connector.Op{
		{Fields: map[string]string{"email": "ada@example.com", "firstname": "Ada"}},
		{Fields: map[string]string{"email": "bob@example.com", "firstname": "Bob"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if up[0].ID != "10" || !up[0].Created || up[1].ID != "20" || up[1].Created {
		t.Errorf("upsert results = %+v", up)
	}
	cr, err := c.Write(t.Context(), "companies", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "Alpha", "domain": "a.example"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "Beta", "domain": "b.example"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if cr[0].ID != "30" || cr[1].ID != "31" {
		t.Errorf("create results = %+v", cr)
	}

	_, c = newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeBody(w, 200, "application/json", `{"status":"COMPLETE","results":[{"id":"1","objectWriteTraceId":"0","properties":{"email":42}}]}`)
	})
	_, err = c.Upsert(t.Context(), "contacts", "email", []connector.Op{{Fields: map[string]string{"email": "ada@example.com"}}})
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Category != connector.CatServer || !strings.Contains(ce.Message, `property "email" is a number, not a string`) {
		t.Errorf("wrong-typed property: err = %v", err)
	}
}

// TestParseTimeForms: epoch milliseconds and ISO-8601 both read; what is
// neither does not.
func TestParseTimeForms(t *testing.T) {
	want := time.Date(2026, 11, 24, 9, 11, 12, 345e6, time.UTC)
	for _, s := range []string{"1795511472345", "2026-11-24T09:11:12.345Z", "2026-11-24T10:11:12.345+01:00", "2026-11-24T09:11:12.345+0000"} {
		if got, ok := parseTime(s); !ok || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	if got, ok := parseTime("-1000"); !ok || got.UnixMilli() != -1000 {
		t.Errorf("negative epoch: %v, %v", got, ok)
	}
	for _, s := range []string{"", "-", "12a", "1e9", "soon"} {
		if _, ok := parseTime(s); ok {
			t.Errorf("parseTime(%q) accepted", s)
		}
	}
}

// upsertResponse is a batch/upsert response for 100 contacts as the
// sandbox renders it: no trace ids, the properties sent plus HubSpot's own.
func upsertResponse() ([]byte, []pending) {
	var b strings.Builder
	b.WriteString(`{"status":"COMPLETE","results":[`)
	ps := make([]pending, 100)
	for j := range ps {
		email := fmt.Sprintf("person%d@example.com", j)
		ps[j] = pending{idx: j, in: input{ID: email, IDProperty: "email"}}
		if j > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%d","new":true,"properties":{"createdate":"2026-11-24T10:00:00.000Z","email":"%s","firstname":"Person","hs_object_id":"%d","jobtitle":"Engineer","lastmodifieddate":"2026-11-24T10:00:00.000Z","lastname":"Number %d","phone":"+15550100%03d","city":"Paris"},"createdAt":"2026-11-24T10:00:00.000Z","updatedAt":"2026-11-24T10:00:00.000Z","archived":false}`,
			1000+j, email, 1000+j, j, j)
	}
	b.WriteString(`]}`)
	return []byte(b.String()), ps
}

// BenchmarkUpsertResults decodes and assigns one upsert response of 100.
func BenchmarkUpsertResults(b *testing.B) {
	body, ps := upsertResponse()
	results := make([]connector.Result, len(ps))
	b.ReportAllocs()
	for b.Loop() {
		var br batchResponse
		if err := json.Unmarshal(body, &br); err != nil {
			b.Fatal(err)
		}
		assign("contacts", kindUpsert, ps, br, results)
	}
	if results[99].ID != "1099" {
		b.Fatalf("last result = %+v", results[99])
	}
}

// BenchmarkUpsertResultsAsMap is the same with the properties decoded
// into a map per result, as before (for comparison).
func BenchmarkUpsertResultsAsMap(b *testing.B) {
	body, ps := upsertResponse()
	b.ReportAllocs()
	for b.Loop() {
		var br struct {
			Results []struct {
				ID         string             `json:"id"`
				Properties map[string]*string `json:"properties"`
				New        *bool              `json:"new"`
			} `json:"results"`
		}
		if err := json.Unmarshal(body, &br); err != nil {
			b.Fatal(err)
		}
		for _, o := range br.Results {
			for j := range ps {
				if v := o.Properties[ps[j].in.IDProperty]; v != nil && strings.EqualFold(*v, ps[j].in.ID) {
					break
				}
			}
		}
	}
}

// batchInputs is a batch/upsert of 100 contacts with 6 properties each.
func batchInputs() []pending {
	ps := make([]pending, 100)
	for j := range ps {
		email := fmt.Sprintf("person%d@example.com", j)
		ps[j] = pending{idx: j, in: input{ID: email, IDProperty: "email", Properties: map[string]string{
			"email": email, "firstname": "Person", "lastname": fmt.Sprintf("Number %d", j), "jobtitle": "Engineer",
			"phone": fmt.Sprintf("+15550100%03d", j), "city": "Paris"}}}
	}
	return ps
}

// BenchmarkBatchBody renders one batch of 100 inputs by hand.
func BenchmarkBatchBody(b *testing.B) {
	ps := batchInputs()
	b.ReportAllocs()
	for b.Loop() {
		_ = batchBody(ps)
	}
}

// BenchmarkBatchBodyEncodingJSON renders it through encoding/json, as
// before (for comparison).
func BenchmarkBatchBodyEncodingJSON(b *testing.B) {
	ps := batchInputs()
	b.ReportAllocs()
	for b.Loop() {
		inputs := make([]input, len(ps))
		for j, p := range ps {
			inputs[j] = p.in
			inputs[j].ObjectWriteTraceID = fmt.Sprint(j)
		}
		if _, err := json.Marshal(map[string]any{"inputs": inputs}); err != nil {
			b.Fatal(err)
		}
	}
}
