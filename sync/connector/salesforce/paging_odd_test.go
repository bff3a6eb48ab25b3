package salesforce

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	sfsim "github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// A nextRecordsUrl naming the batch just read (a proxy answering every
// page alike, or a server fault) stops the read with an error, instead of
// asking for it again until the org's daily API requests are spent: the
// cursor drops the records already handed out, so every repeat is an empty
// page and nothing else ends the loop.
func TestSalesforceRepeatedNextRecordsURLStopsTheRead(t *testing.T) {
	const most = 5
	var calls atomic.Int64
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	o := newOrgWrapped(t, sfsim.Options{PathPrefix: mount, Seed: 101}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/queryAll") {
				next.ServeHTTP(w, r)
				return
			}
			if calls.Add(1) > most {
				cancel() // the read would go on for ever: stop it
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var body map[string]any
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
				w.WriteHeader(rec.Code)
				w.Write(rec.Body.Bytes())
				return
			}
			body["done"] = false
			body["nextRecordsUrl"] = mount + r.URL.RequestURI()
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
			json.NewEncoder(w).Encode(body)
		})
	})
	for _, name := range []string{"Ada", "Grace", "Edsger"} {
		if _, err := o.sim.Create("Contact", map[string]string{"LastName": name}); err != nil {
			t.Fatal(err)
		}
	}
	c := o.connect(t, 0)
	var err error
	n := 0
	for page, e := range c.Read(ctx, "Contact", "") {
		if e != nil || calls.Load() > most {
			err = e
			break
		}
		n += len(page.Records)
	}
	if got := calls.Load(); got > most {
		t.Fatalf("Read asked for the same batch %d times (%d records read)", got, n)
	}
	if err == nil {
		t.Fatal("Read of a repeating nextRecordsUrl ended without an error")
	}
	if msg := err.Error(); !strings.Contains(msg, "/queryAll") || !strings.Contains(msg, "nextRecordsUrl") {
		t.Errorf("error %q does not name the endpoint and the repeated nextRecordsUrl", msg)
	}
}
