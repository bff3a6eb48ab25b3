package hubspot

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

// TestSearchPageInPlaceMatchesEncodingJSON: a search page read in place
// gives what encoding/json gives; a page of any other shape is left to
// encoding/json, whose decoding and error messages are unchanged.
func TestSearchPageInPlaceMatchesEncodingJSON(t *testing.T) {
	r1 := `{"id":"101","properties":{"email":"a\"b@example.com","firstname":null,"lastmodifieddate":"2026-01-02T03:04:05.678Z"},"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-02T03:04:05.678Z","archived":false}`
	r2 := `{"archived":true,"properties":{},"id":"102","updatedAt":null,"url":"x"}`
	plain := []string{
		`{"total":2,"results":[` + r1 + `,` + r2 + `]}`,
		`{"total":400,"results":[` + r2 + `],"paging":{"next":{"after":"200","link":"?after=200"}}}`,
		`{"total":0,"results":[]}`,
		`{"results":null,"paging":null,"total":null}`,
		`{"paging":{"next":null},"results":[{"id":"103","properties":null}]}`,
		`{"results":[{"id":"\u0031\u0030\u0034","properties":{"a":"\u00e9"}}],"paging":{"next":{"after":"\u0032"}},"extra":[1,{"b":2}]}`,
	}
	other := []string{
		`{"Results":[]}`,                                  // encoding/json matches names without case
		`{"results":[{"ID":"1"}]}`,                        // ... in results too
		`{"results":[{"id":1}]}`,                          // a number where a string belongs
		`{"results":[{"id":"1","archived":"no"}]}`,        // a string where a bool belongs
		`{"total":"3"}`,                                   // a string where a number belongs
		`{"results":{"id":"1"}}`,                          // an object where a list belongs
		`{"paging":{"next":{"after":200}}}`,               // a number where a token belongs
		`{"results":[` + r1,                               // cut
		`[]`,                                              // not a page
		`{"paging":{"next":{"after":"1"},"next":{}}}`,     // repeated inside
		`{"results":[` + r1 + `],"results":[` + r2 + `]}`, // encoding/json merges the second into the first
	}
	for _, doc := range append(plain, other...) {
		var want searchResponse
		wantErr := json.Unmarshal([]byte(doc), &want)
		var got searchResponse
		ok := got.decodeInPlace([]byte(doc))
		isPlain := false
		for _, p := range plain {
			isPlain = isPlain || p == doc
		}
		if ok != isPlain {
			t.Errorf("%s: read in place %v, want %v", doc, ok, isPlain)
			continue
		}
		if !ok {
			if !reflect.DeepEqual(got, searchResponse{}) {
				t.Errorf("%s: refused, but left %+v behind", doc, got)
			}
			continue
		}
		if wantErr != nil {
			t.Fatalf("%s: read in place, but encoding/json says %v", doc, wantErr)
		}
		if got.Total != want.Total || got.next() != want.next() || len(got.Results) != len(want.Results) || (got.Paging == nil) != (want.Paging == nil) {
			t.Fatalf("%s:\n got %+v\nwant %+v", doc, got, want)
		}
		for i, o := range got.Results {
			w := want.Results[i]
			if o.ID != w.ID || o.UpdatedAt != w.UpdatedAt || o.Archived != w.Archived || string(o.Properties) != string(w.Properties) {
				t.Fatalf("%s: result %d is %+v, encoding/json %+v", doc, i, o, w)
			}
		}
	}
}

// benchPage is a search page of 200 contacts as the sandbox sends them.
func benchPage() []byte {
	var b []byte
	b = append(b, `{"total":100000,"results":[`...)
	for i := range 200 {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `{"id":"%d","properties":{"createdate":"2026-01-01T00:00:00.000Z","email":"ada.lovelace%d@example.com","firstname":"Ada","lastname":"Lovelace","phone":"+1 555 010 %04d","jobtitle":"Engineer","city":"London","lastmodifieddate":"2026-02-03T04:05:06.789Z","hs_object_id":"%d"},"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-02-03T04:05:06.789Z","archived":false}`, 1000+i, i, i, 1000+i)
	}
	return append(b, `],"paging":{"next":{"after":"200","link":"https://api.hubapi.com/crm/v3/objects/contacts/search?after=200"}}}`...)
}

func BenchmarkSearchPageInPlace(b *testing.B) {
	page := benchPage()
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		var out searchResponse
		if !out.decodeInPlace(page) {
			b.Fatal("not plain")
		}
	}
}

func BenchmarkSearchPageEncodingJSON(b *testing.B) {
	page := benchPage()
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		var out searchResponse
		if err := json.Unmarshal(page, &out); err != nil {
			b.Fatal(err)
		}
	}
}
