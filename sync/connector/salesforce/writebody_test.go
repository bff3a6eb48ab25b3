package salesforce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestCollectionBodyMatchesEncodingJSON: the hand-written Collections body
// is, byte for byte but for the characters encoding/json escapes for HTML,
// what encoding/json makes of the records as maps of typed wire values.
func TestCollectionBodyMatchesEncodingJSON(t *testing.T) {
	d := &describeResult{Name: "Contact", Fields: []describeField{
		{Name: "LastName", Type: "string"}, {Name: "Email", Type: "email"}, {Name: "Amount__c", Type: "currency"},
		{Name: "NumberOfEmployees", Type: "int"}, {Name: "DoNotCall", Type: "boolean"}, {Name: "Birthdate", Type: "date"},
		{Name: "Met_At__c", Type: "datetime"}, {Name: "aLower__c", Type: "string"}, {Name: "Crmsync_Key__c", Type: "string"},
	}}
	values := map[string][]string{
		"string":   {"", "Ada", `quo"te \ back`, "tab\tnew\nline", "<b>&</b>", "é 🚀", "\xff", "\u2028"},
		"currency": {"", "12.50", "-3", "1e3", "0.000"},
		"int":      {"", "42", "-7"},
		"boolean":  {"", "true", "FALSE", " true "},
		"date":     {"", "2026-11-24"},
		"datetime": {"", "2026-11-24T10:11:12Z", "2026-11-24T10:11:12.345+01:00"},
	}
	values["email"] = values["string"]
	rng := rand.New(rand.NewPCG(3, 5))
	c := &Conn{}
	for n := range 1000 {
		method, key := "POST", ""
		switch rng.IntN(3) {
		case 1:
			method = "PATCH"
		case 2:
			method, key = "PATCH", "Crmsync_Key__c"
		}
		var records [][]byte
		var maps []map[string]any
		for range 1 + rng.IntN(4) {
			op := connector.Op{ID: "003000000000001AAA", Fields: map[string]string{}}
			for _, f := range d.Fields {
				if rng.IntN(2) == 0 {
					vs := values[f.Type]
					op.Fields[f.Name] = vs[rng.IntN(len(vs))]
				}
			}
			if key != "" {
				op.Fields[key] = "k1"
			}
			rec, rerr := c.encodeRecord(d, op, method, key)
			if rerr != nil {
				t.Fatal(rerr)
			}
			records = append(records, rec)
			m := map[string]any{"attributes": map[string]string{"type": d.Name}}
			if method == "PATCH" && key == "" {
				m["Id"] = op.ID
			}
			for name, v := range op.Fields {
				f, _ := d.field(name)
				m[name] = wireAny(t, f.Type, v)
			}
			maps = append(maps, m)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(map[string]any{"allOrNone": false, "records": maps}); err != nil {
			t.Fatal(err)
		}
		want := strings.ReplaceAll(strings.TrimSuffix(buf.String(), "\n"), `\u2028`, "\u2028")
		if got := collectionBody(records); string(got) != want {
			t.Fatalf("case %d:\n got %s\nwant %s", n, got, want)
		}
	}
	if _, rerr := c.encodeRecord(d, connector.Op{Fields: map[string]string{"attributes": "x"}}, "POST", ""); rerr == nil || rerr.Code != "INVALID_FIELD" {
		t.Errorf("a field named attributes: %v", rerr)
	}
}

// wireAny is wireValue's result as the Go value encoding/json would have
// been given: nil, a bool, a json.Number or a string.
func wireAny(t testing.TB, typ, v string) any {
	w, err := wireValue(typ, v)
	switch {
	case err != nil:
		t.Helper()
		t.Fatalf("wireValue(%s, %q): %v", typ, v, err)
	case w.quoted:
		return w.text
	case w.text == "null":
		return nil
	case w.text == "true" || w.text == "false":
		return w.text == "true"
	}
	return json.Number(w.text)
}

// TestParseSFTimeForms: every form Salesforce or a canonical value uses
// reads as the same instant, whichever layout is tried first.
func TestParseSFTimeForms(t *testing.T) {
	want := time.Date(2026, 11, 24, 9, 11, 12, 345e6, time.UTC)
	for _, s := range []string{"2026-11-24T10:11:12.345+0100", "2026-11-24T09:11:12.345+0000", "2026-11-24T09:11:12.345Z",
		"2026-11-24T10:11:12.345+01:00", "2026-11-24T08:11:12.345-01:00"} {
		got, err := parseSFTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseSFTime(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := parseSFTime("2026-11-24T09:11:12-0000"); err != nil || !got.Equal(want.Truncate(time.Second)) {
		t.Errorf("without milliseconds: %v, %v", got, err)
	}
	for _, s := range []string{"", "Z", "2026-11-24", "2026-11-24T09:11:12.345", "yesterday at 10:00"} {
		if _, err := parseSFTime(s); err == nil {
			t.Errorf("parseSFTime(%q) accepted", s)
		}
	}
}

// collectionOps is a batch of 200 contact upserts with 6 fields each.
func collectionOps() (*describeResult, []connector.Op) {
	d := &describeResult{Name: "Contact", Fields: []describeField{{Name: "Email", Type: "email"}, {Name: "FirstName", Type: "string"},
		{Name: "LastName", Type: "string"}, {Name: "Title", Type: "string"}, {Name: "Phone", Type: "phone"}, {Name: "MailingCity", Type: "string"},
		{Name: "Crmsync_Key__c", Type: "string"}}}
	ops := make([]connector.Op, BatchSize)
	for i := range ops {
		ops[i] = connector.Op{Kind: connector.OpUpsert, Fields: map[string]string{"Email": fmt.Sprintf("person%d@example.com", i),
			"FirstName": "Person", "LastName": fmt.Sprintf("Number %d", i), "Title": "Engineer", "Phone": fmt.Sprintf("+15550100%03d", i),
			"MailingCity": "Paris", "Crmsync_Key__c": fmt.Sprintf("demo:%d", 1000+i)}}
	}
	return d, ops
}

// BenchmarkCollectionBody renders one Collections upsert of 200 by hand.
func BenchmarkCollectionBody(b *testing.B) {
	d, ops := collectionOps()
	c := &Conn{}
	b.ReportAllocs()
	for b.Loop() {
		records := make([][]byte, len(ops))
		for i, op := range ops {
			rec, rerr := c.encodeRecord(d, op, "PATCH", "Crmsync_Key__c")
			if rerr != nil {
				b.Fatal(rerr)
			}
			records[i] = rec
		}
		_ = collectionBody(records)
	}
}

// BenchmarkCollectionBodyEncodingJSON renders it as maps through
// encoding/json, as before (for comparison).
func BenchmarkCollectionBodyEncodingJSON(b *testing.B) {
	d, ops := collectionOps()
	b.ReportAllocs()
	for b.Loop() {
		records := make([]map[string]any, len(ops))
		for i, op := range ops {
			rec := map[string]any{"attributes": map[string]string{"type": d.Name}}
			for name, v := range op.Fields {
				f, _ := d.field(name)
				rec[name] = wireAny(b, f.Type, v)
			}
			records[i] = rec
		}
		if _, err := json.Marshal(map[string]any{"allOrNone": false, "records": records}); err != nil {
			b.Fatal(err)
		}
	}
}
