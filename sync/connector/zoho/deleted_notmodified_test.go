package zoho

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestZohoDeletedNotModifiedIsEmpty: Zoho may answer a GET carrying
// If-Modified-Since with 304 and no body when nothing changed since; its own
// SDKs take 304 like 204, as an empty answer (zoho/zcrm-php-sdk APIResponse
// setResponseJSON: RESPONSECODE_NO_CONTENT || RESPONSECODE_NOT_MODIFIED).
// Read already does; the deleted list must too, or every incremental run with
// no deletions fails.
func TestZohoDeletedNotModifiedIsEmpty(t *testing.T) {
	opts := zsim.Options{PathPrefix: "/zoho"}
	sim := zsim.New(opts)
	notModified := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, r)
		if strings.HasSuffix(r.URL.Path, "/deleted") && r.Header.Get("If-Modified-Since") != "" && rec.Code == http.StatusNoContent {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
	e := &env{sim: sim, base: conformance.Serve(t, "/zoho", notModified)}
	c := e.connect(t)
	n := 0
	for recs, err := range c.ListDeleted(context.Background(), "Contacts", time.Now().Add(-time.Hour)) {
		if err != nil {
			t.Fatalf("ListDeleted after a 304: %v", err)
		}
		n += len(recs)
	}
	if n != 0 {
		t.Fatalf("%d deleted records from a 304", n)
	}
}
