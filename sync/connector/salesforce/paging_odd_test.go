package salesforce

import (
	"net/http"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	sfsim "github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// A nextRecordsUrl naming the batch just read (a proxy answering every
// page alike, or a server fault) stops the read with an error, instead of
// asking for it again until the org's daily API requests are spent: the
// cursor drops the records already handed out, so every repeat is an empty
// page and nothing else ends the loop.
func TestSalesforceRepeatedNextRecordsURLStopsTheRead(t *testing.T) {
	odd := &conformance.OddAnswers{Most: 5, Match: conformance.GetsEndingIn("/queryAll"),
		ContentType: "application/json;charset=UTF-8",
		Edit: func(body map[string]any, r *http.Request) any {
			body["done"] = false
			body["nextRecordsUrl"] = mount + r.URL.RequestURI()
			return body
		}}
	ctx := odd.Context(t)
	o := newOrgWrapped(t, sfsim.Options{PathPrefix: mount, Seed: 101}, odd.Wrap)
	for _, name := range []string{"Ada", "Grace", "Edsger"} {
		if _, err := o.sim.Create("Contact", map[string]string{"LastName": name}); err != nil {
			t.Fatal(err)
		}
	}
	err := conformance.FirstError(o.connect(t, 0).Read(ctx, "Contact", ""))
	odd.CheckStopped(t, "Read of a repeating nextRecordsUrl", err, "/queryAll", "nextRecordsUrl")
}
