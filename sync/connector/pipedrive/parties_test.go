package pipedrive

import (
	"slices"
	"strconv"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// TestNewPersonKeepsParticipants: an activity with several
// participants, a colleague the sync does not link as its primary and a
// customer the sync does (person_id reads "colleague,customer", and a
// link: row agrees on the customer). The customer's HubSpot meeting moves
// to another contact, so the sync writes that contact's person. The
// colleague, whom nobody took off the activity, must stay on it: with
// several participants a new person joins them as the primary, as a new
// contact joins a HubSpot activity with several.
func TestNewPersonKeepsParticipants(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 5})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	ids, err := e.sim.SeedPersons([]pdsim.PersonSeed{{Name: "Colleague"}, {Name: "Customer"}, {Name: "Other customer"}})
	if err != nil {
		t.Fatal(err)
	}
	act, err := e.sim.CreateActivity(map[string]any{"subject": "Workshop", "type": "meeting", "participants": []any{
		map[string]any{"person_id": ids[0], "primary": true}, map[string]any{"person_id": ids[1], "primary": false}}})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(act.ID, 10)
	res, err := c.Write(ctx, "activities", []connector.Op{{Kind: connector.OpUpdate, ID: id,
		Fields: map[string]string{"person_id": strconv.FormatInt(ids[2], 10)}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("write: %v %+v", err, res)
	}
	got, _ := e.sim.GetActivity(act.ID)
	var persons []int64
	for _, p := range got.Participants {
		persons = append(persons, p.PersonID)
	}
	if got.PersonID != ids[2] || !slices.Contains(persons, ids[0]) {
		t.Fatalf("activity %d after person %d was written: primary %d, participants %+v; want %d primary and %d (nobody removed) kept",
			act.ID, ids[2], got.PersonID, got.Participants, ids[2], ids[0])
	}
}
