package mailchimp

import (
	"net/http"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// A 200 answer of the members listing without "members" (a gateway's
// JSON; Mailchimp always lists them, [] for none) is not the end of the
// audience: a read must fail naming the endpoint rather than report
// nothing changed, and the archived listing rather than no deletes.
func TestMailchimpAnswerWithoutMembersIsAnError(t *testing.T) {
	odd := &conformance.OddAnswers{Match: conformance.GetsEndingIn("/members"),
		Edit: func(body map[string]any, _ *http.Request) any {
			delete(body, "members")
			return body
		}}
	sim := mcsim.New(mcsim.Options{PathPrefix: "/mailchimp", Seed: 121, AcceptReservedDomains: true})
	e := &env{sim: sim, base: conformance.Serve(t, "/mailchimp", odd.Wrap(sim))}
	list := sim.DefaultListID()
	ids, err := sim.SeedMembers(list, []mcsim.MemberSeed{{Email: "ada@example.com"}, {Email: "bo@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Archive(list, ids[1]); err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	err = conformance.FirstError(c.Read(t.Context(), objMembers, ""))
	odd.CheckStopped(t, `Read of an answer without "members"`, err, "/members: HTTP 200", "members")
	odd.Calls.Store(0)
	err = conformance.FirstError(c.ListDeleted(t.Context(), objMembers, time.Time{}))
	odd.CheckStopped(t, `ListDeleted of an answer without "members" (the archive of `+ids[1]+` is not seen)`, err, "/members: HTTP 200", "members")
}
