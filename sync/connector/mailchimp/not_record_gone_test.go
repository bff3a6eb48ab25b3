package mailchimp

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// TestMailchimpDeletedAudienceIsNotMembersGone: Mailchimp answers 404
// Resource Not Found alike for a member the audience does not have and
// for a member path of an audience that was deleted. Only the first is
// the member gone; after the audience's delete, the update and the
// archive of its members must fail naming the audience, never read as
// not found naming no field (which the engine holds as every member
// deleted). The failure stops the call (connector.CatTarget): every other
// member would meet the same answer.
func TestMailchimpDeletedAudienceIsNotMembersGone(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 44})
	c := e.connect(t)
	list := e.sim.DefaultListID()
	ids, err := e.sim.SeedMembers(list, []mcsim.MemberSeed{{Email: "a@example.com"}, {Email: "b@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	// A second session (a run in flight elsewhere) holds the schema too:
	// the first one's finding forgets its own cached audience.
	c2 := e.connect(t)
	for _, cc := range []*Connector{c, c2} {
		if _, err := cc.Schema(t.Context(), objMembers); err != nil {
			t.Fatalf("schema: %v", err)
		}
	}
	if err := e.sim.DeleteList(list); err != nil {
		t.Fatal(err)
	}
	_, err = c.Write(t.Context(), objMembers, []connector.Op{{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{"FNAME": "Edited"}}})
	assertAudienceGoneNotMemberGone(t, "update", err, list)
	_, err = c2.Delete(t.Context(), objMembers, []string{ids[1]})
	assertAudienceGoneNotMemberGone(t, "archive", err, list)
}

func assertAudienceGoneNotMemberGone(t *testing.T, what string, err error, list string) {
	t.Helper()
	var re *connector.RecordError
	if !errors.As(err, &re) {
		t.Fatalf("%s of a member of a deleted audience: %v, want a record error", what, err)
	}
	if re.Category != connector.CatTarget || !connector.Stops(t.Context(), err) {
		t.Fatalf("%s of a member of a deleted audience: %+v, want the audience refused as a whole", what, re)
	}
	if !strings.Contains(re.Message, list) {
		t.Fatalf("%s: %+v, want the message to name audience %s", what, re, list)
	}
}
