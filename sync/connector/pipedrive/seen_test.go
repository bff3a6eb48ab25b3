package pipedrive

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

const getPersonEndpoint = "GET /api/v2/persons/{id}"

// twoOfEach seeds a person with two emails and two phones, the second of
// each a secondary one a sync does not map.
func twoOfEach(t *testing.T, e *env) string {
	t.Helper()
	p, err := e.sim.CreatePerson(map[string]any{
		"name": "Ada Two",
		"emails": []map[string]any{
			{"value": "ada@work.example", "primary": true, "label": "work"},
			{"value": "ada@home.example", "primary": false, "label": "home"},
		},
		"phones": []map[string]any{
			{"value": "+1 555 0100", "primary": true, "label": "work"},
			{"value": "+1 555 0199", "primary": false, "label": "mobile"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(p.ID, 10)
}

// updatePrimaries writes a new primary email and phone to person id, as
// an update from HubSpot does.
func updatePrimaries(t *testing.T, c *Connector, id string) {
	t.Helper()
	res, err := c.Write(t.Context(), "persons", []connector.Op{{Kind: connector.OpUpdate, ID: id,
		Fields: map[string]string{"email": "ada@new.example", "phone": "+1 555 0123"}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("update %s: %v %v", id, err, res)
	}
}

// checkSecondariesKept fails unless person id has the new primaries and
// both secondary entries as they were.
func checkSecondariesKept(t *testing.T, e *env, id string) {
	t.Helper()
	n, _ := strconv.ParseInt(id, 10, 64)
	p, ok := e.sim.GetPerson(n)
	if !ok {
		t.Fatalf("person %s is gone", id)
	}
	want := func(list []pdsim.Contact, primary, secondary, label string) {
		t.Helper()
		var gotPrimary string
		kept := false
		for _, c := range list {
			if c.Primary {
				gotPrimary = c.Value
			}
			if c.Value == secondary && !c.Primary && c.Label == label {
				kept = true
			}
		}
		if gotPrimary != primary || !kept || len(list) != 2 {
			t.Errorf("person %s holds %+v; want %s primary and the secondary %s (%s) kept", id, list, primary, secondary, label)
		}
	}
	want(p.Emails, "ada@new.example", "ada@home.example", "home")
	want(p.Phones, "+1 555 0123", "+1 555 0199", "mobile")
}

// TestUpdateOfReadPersonSpendsNoGet: a run reads the person (its
// list answer holds every email and phone) and then writes the primary
// email and phone from HubSpot. Reading the person once more before the
// PATCH spends a call of the daily token budget for what the run already
// holds; the secondary email and phone must be kept all the same.
func TestUpdateOfReadPersonSpendsNoGet(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 11})
	id := twoOfEach(t, e)
	c := e.connect(t)
	readAll(t, t.Context(), c, "persons")
	before := e.sim.Stats()[getPersonEndpoint]
	updatePrimaries(t, c, id)
	if d := e.sim.Stats()[getPersonEndpoint] - before; d != 0 {
		t.Errorf("updating a person read in this run spent %d GET %s calls, want 0", d, "/api/v2/persons/{id}")
	}
	checkSecondariesKept(t, e, id)

	// A second update in the same run starts from what the first wrote.
	res, err := c.Write(t.Context(), "persons", []connector.Op{{Kind: connector.OpUpdate, ID: id,
		Fields: map[string]string{"email": "ada@new.example", "phone": "+1 555 0123"}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("second update: %v %v", err, res)
	}
	if d := e.sim.Stats()[getPersonEndpoint] - before; d != 0 {
		t.Errorf("two updates of a person read in this run spent %d GET calls, want 0", d)
	}
	checkSecondariesKept(t, e, id)
}

// TestUpdateOfUnreadPersonReadsItFirst: a person this connector has
// not read (an incremental run where only HubSpot's side changed) is read
// before the PATCH, one call, so its secondary email and phone are kept.
// Coverage for the fallback of the test above.
func TestUpdateOfUnreadPersonReadsItFirst(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 12})
	id := twoOfEach(t, e)
	c := e.connect(t)
	before := e.sim.Stats()[getPersonEndpoint]
	updatePrimaries(t, c, id)
	if d := e.sim.Stats()[getPersonEndpoint] - before; d != 1 {
		t.Errorf("updating a person not read in this run spent %d GET calls, want 1", d)
	}
	checkSecondariesKept(t, e, id)
}

// TestUpdateOfLongAgoReadPersonReadsItAgain: a person read long
// before the write (a run applying for hours at Pipedrive's pace) may
// have gained an email in Pipedrive since: it is read again.
func TestUpdateOfLongAgoReadPersonReadsItAgain(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 13})
	id := twoOfEach(t, e)
	now := time.Now()
	o := testOptions()
	o.now = func() time.Time { return now }
	c, err := newConnector(e.oauthClient(t), e.base, o)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, t.Context(), c, "persons")
	n, _ := strconv.ParseInt(id, 10, 64)
	if _, err := e.sim.UpdatePerson(n, map[string]any{"emails": []map[string]any{
		{"value": "ada@work.example", "primary": true, "label": "work"},
		{"value": "ada@home.example", "primary": false, "label": "home"},
		{"value": "ada@other.example", "primary": false, "label": "other"},
	}}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(maxSeenAge + time.Second)
	before := e.sim.Stats()[getPersonEndpoint]
	updatePrimaries(t, c, id)
	if d := e.sim.Stats()[getPersonEndpoint] - before; d != 1 {
		t.Errorf("updating a person read %v ago spent %d GET calls, want 1", maxSeenAge, d)
	}
	p, _ := e.sim.GetPerson(n)
	if !slices.ContainsFunc(p.Emails, func(c pdsim.Contact) bool { return c.Value == "ada@other.example" }) {
		t.Errorf("the email added in Pipedrive after the read was lost: %+v", p.Emails)
	}
}

// seedTwoOfEach seeds n persons, each with two emails and two phones.
func seedTwoOfEach(t *testing.T, e *env, n int) []int64 {
	t.Helper()
	rows := make([]pdsim.PersonSeed, n)
	for i := range rows {
		rows[i] = pdsim.PersonSeed{Name: "Person " + strconv.Itoa(i),
			Emails: []pdsim.Contact{{Value: "p" + strconv.Itoa(i) + "@work.example", Primary: true, Label: "work"}, {Value: "p" + strconv.Itoa(i) + "@home.example", Label: "home"}},
			Phones: []pdsim.Contact{{Value: "+1 555 01" + strconv.Itoa(1000+i), Primary: true, Label: "work"}, {Value: "+1 555 09" + strconv.Itoa(1000+i), Label: "mobile"}}}
	}
	ids, err := e.sim.SeedPersons(rows)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestLitePlanRunOf1200Persons: a run on the lowest plan (Lite, 20
// requests per 2 s for an API token) reads 1,200 persons in three list
// calls (500, the most v2 takes, by next_cursor), reads the person fields
// once, and then updates the primary email of some of them with one
// PATCH each and no GET: no 429 from the burst limit, and every secondary
// email and phone kept. Coverage of the paging and pace; the GET is the
// defect TestUpdateOfReadPersonSpendsNoGet shows.
func TestLitePlanRunOf1200Persons(t *testing.T) {
	e, st, client := litePlanClient(t, 21)
	ids := seedTwoOfEach(t, e, 1200)
	o := defaultOptions()
	o.maxWait = 30 * time.Second
	c, err := newConnector(client, e.base, o)
	if err != nil {
		t.Fatal(err)
	}
	stat := func(ep string) int64 { return e.sim.Stats()[ep] }
	if recs := readAll(t, t.Context(), c, "persons"); len(recs) != 1200 {
		t.Fatalf("read %d persons, want 1200", len(recs))
	}
	if n, f := stat("GET /api/v2/persons"), stat("GET /api/v2/personFields"); n != 3 || f != 1 {
		t.Errorf("reading 1,200 persons took %d list calls and %d field calls, want 3 and 1", n, f)
	}
	const updates = 30
	for i, id := range ids[:updates] {
		res, err := c.Write(t.Context(), "persons", []connector.Op{{Kind: connector.OpUpdate, ID: strconv.FormatInt(id, 10),
			Fields: map[string]string{"email": "p" + strconv.Itoa(i) + "@new.example"}}})
		if err != nil || res[0].Err != nil {
			t.Fatalf("update %d: %v %v", id, err, res)
		}
	}
	if g, p, f := stat(getPersonEndpoint), stat("PATCH /api/v2/persons/{id}"), stat("GET /api/v2/personFields"); g != 0 || p != updates || f != 1 {
		t.Errorf("%d updates after the read: %d GET, %d PATCH, %d field reads; want 0, %d, 1", updates, g, p, f, updates)
	}
	if n := st.N(); n != 0 {
		t.Errorf("the run got %d 429 answers from the Lite plan's 20 requests per 2 s", n)
	}
	for i, id := range ids[:updates] {
		p, _ := e.sim.GetPerson(id)
		if len(p.Emails) != 2 || p.Emails[0].Value != "p"+strconv.Itoa(i)+"@new.example" || !p.Emails[0].Primary ||
			p.Emails[1].Value != "p"+strconv.Itoa(i)+"@home.example" || len(p.Phones) != 2 {
			t.Errorf("person %d after the update: emails %+v phones %+v", id, p.Emails, p.Phones)
		}
	}
}

// TestUpdateOfReadActivityKeepsParticipantsWithoutGet: an activity
// with two participants, read in this run, gets a new primary person from
// the other CRM: the list answer already held its participants, so the
// PATCH goes without a GET and keeps the other participant.
func TestUpdateOfReadActivityKeepsParticipantsWithoutGet(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 14})
	ids, err := e.sim.SeedPersons([]pdsim.PersonSeed{{Name: "Ann"}, {Name: "Bo"}, {Name: "Cy"}})
	if err != nil {
		t.Fatal(err)
	}
	act, err := e.sim.CreateActivity(map[string]any{"subject": "Call", "type": "call", "participants": []any{
		map[string]any{"person_id": ids[0], "primary": true}, map[string]any{"person_id": ids[2], "primary": false}}})
	if err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	readAll(t, t.Context(), c, "activities")
	before := e.sim.Stats()["GET /api/v2/activities/{id}"]
	bo := strconv.FormatInt(ids[1], 10)
	res, err := c.Write(t.Context(), "activities", []connector.Op{{Kind: connector.OpUpdate, ID: strconv.FormatInt(act.ID, 10),
		Fields: map[string]string{"person_id": bo}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("update: %v %v", err, res)
	}
	if d := e.sim.Stats()["GET /api/v2/activities/{id}"] - before; d != 0 {
		t.Errorf("updating an activity read in this run spent %d GET calls, want 0", d)
	}
	got, _ := e.sim.GetActivity(act.ID)
	var primary, others []int64
	for _, p := range got.Participants {
		if p.Primary {
			primary = append(primary, p.PersonID)
		} else {
			others = append(others, p.PersonID)
		}
	}
	if !slices.Equal(primary, []int64{ids[1]}) || !slices.Contains(others, ids[2]) {
		t.Errorf("participants after the update: %+v; want %d primary and %d kept", got.Participants, ids[1], ids[2])
	}
}

// TestSeenListsAreBounded: what reads saw is kept for at most
// maxSeen records, so a read of a huge company does not grow memory with
// it; past that, updates read their record first. Entries too old to use
// make room for new ones.
func TestSeenListsAreBounded(t *testing.T) {
	now := time.Now()
	s := newSeenCache(func() time.Time { return now })
	person := func(i int) item {
		return item{ID: json.Number(strconv.Itoa(i)), Emails: []contactItem{{Value: "x@example.com", Primary: true}}, Phones: []contactItem{}}
	}
	for i := range maxSeen + 10 {
		s.remember("persons", person(i))
	}
	if len(s.m) != maxSeen {
		t.Fatalf("kept %d records' lists, want at most %d", len(s.m), maxSeen)
	}
	if _, ok := s.current("persons", strconv.Itoa(maxSeen+5)); ok {
		t.Errorf("a record past the bound was kept")
	}
	if _, ok := s.current("persons", "7"); !ok {
		t.Errorf("a record within the bound was not kept")
	}
	s.remember("persons", item{ID: "7"}) // an answer without the lists tells nothing of them
	if _, ok := s.current("persons", "7"); ok {
		t.Errorf("an answer without emails and phones left the old lists in use")
	}
	s.remember("persons", person(7)) // full again
	now = now.Add(maxSeenAge + time.Second)
	if _, ok := s.current("persons", "8"); ok {
		t.Errorf("lists read %v ago are still used", maxSeenAge+time.Second)
	}
	s.remember("persons", person(maxSeen+100))
	if _, ok := s.current("persons", strconv.Itoa(maxSeen+100)); !ok || len(s.m) != 1 {
		t.Errorf("old entries did not make room: %d kept", len(s.m))
	}
}
