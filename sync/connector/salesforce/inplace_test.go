package salesforce

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

// TestQueryPageInPlaceMatchesEncodingJSON: a query page read in place gives
// what encoding/json gives; a page of any other shape is left to
// encoding/json, whose decoding and error messages are unchanged.
func TestQueryPageInPlaceMatchesEncodingJSON(t *testing.T) {
	rec1 := `{"attributes":{"type":"Contact","url":"/x"},"Id":"003A","Email":"a\"b@example.com","Phone":null}`
	rec2 := `{"Id":"003B","Name":"Zoë"}`
	plain := []string{
		`{"totalSize":2,"done":true,"records":[` + rec1 + `,` + rec2 + `]}`,
		`{"records":[` + rec2 + `] , "done":false,"nextRecordsUrl":"/services/data/v67.0/query/01g-2000","totalSize":5000}`,
		`{"totalSize":0,"done":true,"records":[]}`,
		`{"totalSize":0,"done":true,"records":null,"nextRecordsUrl":null}`,
		`{"done":true,"extra":{"nested":[1,2]},"records":[null]}`,
		`{"nextRecordsUrl":"\/services\/data\/q\u002d1","done":false}`,
	}
	other := []string{
		`{"Done":true,"records":[]}`,                    // encoding/json matches names without case
		`{"done":1,"records":[]}`,                       // a number where a bool belongs
		`{"totalSize":"2","done":true}`,                 // a string where a number belongs
		`{"totalSize":1e3,"done":true}`,                 // not an integer
		`{"done":true,"records":{"Id":"003A"}}`,         // an object where a list belongs
		`{"done":true,"records":[` + rec2 + `]`,         // cut
		`[` + rec2 + `]`,                                // not a page
		`{"done":true,"nextRecordsUrl":7,"records":[]}`, // a number where a URL belongs
	}
	for _, doc := range append(plain, other...) {
		var want queryResult
		wantErr := json.Unmarshal([]byte(doc), &want)
		var got queryResult
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
			if !reflect.DeepEqual(got, queryResult{}) {
				t.Errorf("%s: refused, but left %+v behind", doc, got)
			}
			continue
		}
		if wantErr != nil {
			t.Fatalf("%s: read in place, but encoding/json says %v", doc, wantErr)
		}
		if got.TotalSize != want.TotalSize || got.Done != want.Done || got.NextRecordsURL != want.NextRecordsURL || len(got.Records) != len(want.Records) {
			t.Fatalf("%s:\n got %+v\nwant %+v", doc, got, want)
		}
		for i := range got.Records {
			if string(got.Records[i]) != string(want.Records[i]) {
				t.Fatalf("%s: record %d is %s, encoding/json %s", doc, i, got.Records[i], want.Records[i])
			}
		}
	}
}

// benchQueryPage is a SOQL page of 2,000 contacts as the sandbox sends it.
func benchQueryPage() []byte {
	var b []byte
	b = append(b, `{"totalSize":100000,"done":false,"nextRecordsUrl":"/services/data/v67.0/query/01gD0000002HU6KIAW-2000","records":[`...)
	for i := range 2000 {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `{"attributes":{"type":"Contact","url":"/services/data/v67.0/sobjects/Contact/0038d00000%08dAAA"},"Id":"0038d00000%08dAAA","Email":"grace.hopper%d@example.com","FirstName":"Grace","LastName":"Hopper","Phone":"(555) 010-%04d","Title":"Admiral","MailingCity":"Arlington","SystemModstamp":"2026-02-03T04:05:06.000+0000","IsDeleted":false}`, i, i, i, i)
	}
	return append(b, `]}`...)
}

func BenchmarkQueryPageInPlace(b *testing.B) {
	page := benchQueryPage()
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		var out queryResult
		if !out.decodeInPlace(page) {
			b.Fatal("not plain")
		}
	}
}

func BenchmarkQueryPageEncodingJSON(b *testing.B) {
	page := benchQueryPage()
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		var out queryResult
		if err := json.Unmarshal(page, &out); err != nil {
			b.Fatal(err)
		}
	}
}
