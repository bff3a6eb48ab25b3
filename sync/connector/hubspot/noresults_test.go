package hubspot

import (
	"net/http"
	"strings"
	"testing"
)

// TestSearchAnswerWithoutResultsIsAnError: a 200 search answer without
// its "results" list (a proxy's or gateway's JSON) is not a page of none.
// Read would end as if nothing had changed, and a lookup before a create
// would find no match and create the contact again. Both fail, naming the
// endpoint; an empty page ("results": []) still reads as none. The lookup
// is by phone: one by email reads through batch/read, not search.
func TestSearchAnswerWithoutResultsIsAnError(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"gateway", `{"status":"ok","message":"maintenance"}`},
		{"null", `{"total":0,"results":null}`},
		{"unusual shape", `{"Total":0,"paging":{}}`}, // not plain: encoding/json decodes it
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, c := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/search") {
					writeBody(w, 200, "application/json;charset=utf-8", tc.body)
					return
				}
				writeBody(w, 200, "application/json;charset=utf-8", propsJSON)
			})
			_, err := c.Lookup(t.Context(), "contacts", "phone", []string{"+14155550100"})
			if err == nil || !strings.Contains(err.Error(), "/search") || !strings.Contains(err.Error(), `no "results"`) {
				t.Errorf("Lookup: %v; want an error naming the search and the missing results", err)
			}
			var readErr error
			for _, e := range c.Read(t.Context(), "contacts", "") {
				if e != nil {
					readErr = e
					break
				}
			}
			if readErr == nil || !strings.Contains(readErr.Error(), `no "results"`) {
				t.Errorf("Read: %v; want an error naming the missing results", readErr)
			}
		})
	}
	_, c := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/search") {
			writeBody(w, 200, "application/json;charset=utf-8", `{"total":0,"results":[]}`)
			return
		}
		writeBody(w, 200, "application/json;charset=utf-8", propsJSON)
	})
	if recs, err := c.Lookup(t.Context(), "contacts", "phone", []string{"+14155550100"}); err != nil || len(recs) != 0 {
		t.Errorf("Lookup of an empty page: %v %v; want no match and no error", recs, err)
	}
}
