package salesforce

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	sfsim "github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// TestCreateAnswerLostIsNotResent: Salesforce carries out a create
// batch but its answer is lost (a 503 from a proxy, a dropped connection).
// The transport must not send the same POST again, which would create
// every record twice; the connector reports the call's failure, and the
// upsert sent again (as the engine resends a failed batch) finds the
// person account made the first time by its key instead of making
// another.
func TestCreateAnswerLostIsNotResent(t *testing.T) {
	var lost atomic.Bool
	o := newOrgWrapped(t, sfsim.Options{PathPrefix: mount, Seed: 7}, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/composite/sobjects") && !lost.Swap(true) {
				h.ServeHTTP(httptest.NewRecorder(), r) // carried out, the answer lost
				http.Error(w, `[{"message":"Service Unavailable","errorCode":"SERVER_UNAVAILABLE"}]`, http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	if err := o.sim.EnablePersonAccounts(); err != nil {
		t.Fatal(err)
	}
	c := o.connect(t, 0)
	ctx := context.Background()
	op := connector.Op{Kind: connector.OpUpsert, Fields: map[string]string{"Crmsync_Key__c": "contacts:77",
		"LastName": "Lost", "FirstName": "Lou", "Email": "lou.lost@example.com"}}
	_, first := c.Upsert(ctx, "Contact", "Crmsync_Key__c", []connector.Op{op})
	res, err := c.Upsert(ctx, "Contact", "Crmsync_Key__c", []connector.Op{op})
	if err != nil || res[0].Err != nil {
		t.Fatalf("upsert sent again: %v %+v", err, res)
	}
	var accts, contacts []string
	for _, r := range o.sim.Records("Account") {
		if !r.Deleted && r.Fields["PersonEmail"] == "lou.lost@example.com" {
			accts = append(accts, r.ID)
		}
	}
	for _, r := range o.sim.Records("Contact") {
		if !r.Deleted && r.Fields["Email"] == "lou.lost@example.com" {
			contacts = append(contacts, r.ID)
		}
	}
	if first == nil || len(accts) != 1 || len(contacts) != 1 || res[0].ID != contacts[0] || res[0].Created {
		t.Fatalf("first call err %v; person accounts %v, contacts %v, second answer %+v", first, accts, contacts, res[0])
	}
}
