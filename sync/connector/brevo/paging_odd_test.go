package brevo

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	bvsim "github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// A 200 answer of GET /v3/contacts without "contacts" (a gateway's JSON;
// Brevo answers {"contacts": [], "count": 0} for none since 2019) is not
// the last page: the read must fail naming the endpoint, not end handing
// out a cursor taken from Brevo's clock, past every change made before it.
func TestBrevoAnswerWithoutContactsIsAnError(t *testing.T) {
	var broken atomic.Bool
	contacts := conformance.GetsEndingIn("/v3/contacts")
	odd := &conformance.OddAnswers{
		Match: func(r *http.Request) bool { return broken.Load() && contacts(r) },
		Edit: func(map[string]any, *http.Request) any {
			return map[string]any{"code": "unavailable", "message": "upstream timeout"}
		},
	}
	sim := bvsim.New(bvsim.Options{PathPrefix: "/brevo", Seed: 111})
	e := &env{sim: sim, base: conformance.Serve(t, "/brevo", odd.Wrap(sim))}
	ids := seed(t, e, bvsim.ContactSeed{Email: "ada@example.com"}, bvsim.ContactSeed{Email: "bo@example.com"})
	c := e.connect(t, func(o *options) { o.margin = 0 })
	_, last := conformance.ReadAll(t, c, objContacts, "")
	if _, err := sim.UpdateContact(id64(t, ids[1]), map[string]any{"FIRSTNAME": "Edited"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // Brevo's Date (whole seconds) passes the edit

	broken.Store(true)
	var err error
	next := last
	for page, e := range c.Read(t.Context(), objContacts, last) {
		if e != nil {
			err = e
			break
		}
		next = page.Cursor
	}
	broken.Store(false)
	if err == nil {
		changed, _ := conformance.ReadAll(t, c, objContacts, next)
		t.Fatalf("Read of an answer without \"contacts\" ended without an error; a read from its cursor finds %d contacts: the edit of %s is lost", len(changed), ids[1])
	}
	odd.CheckStopped(t, `Read of an answer without "contacts"`, err, "GET /v3/contacts: HTTP 200", "contacts")
	changed, _ := conformance.ReadAll(t, c, objContacts, next)
	if len(changed) != 1 || changed[0].ID != ids[1] {
		t.Errorf("read after the failed one from its last cursor: %d contacts, want only %s", len(changed), ids[1])
	}
}
