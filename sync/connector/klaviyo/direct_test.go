package klaviyo

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	kvsim "github.com/crmsync/crmsync/sync/sandbox/klaviyo"
)

// apiCalls is how many API requests (OAuth left out) the sandbox served.
func apiCalls(e *env) int64 {
	var n int64
	for pattern, k := range e.sim.Stats() {
		if !strings.Contains(pattern, "/oauth/") {
			n += k
		}
	}
	return n
}

// primedConnector is a connector whose schema is cached, so a write's
// calls are the write's own.
func primedConnector(t *testing.T, e *env) *Connector {
	t.Helper()
	c := e.connect(t)
	if _, err := c.Schema(t.Context(), objProfiles); err != nil {
		t.Fatal(err)
	}
	return c
}

// One profile updated is one PATCH, not an import job plus its polls:
// Klaviyo's guide says the bulk import "should not be used for updating a
// small number of profiles".
func TestKlaviyoSmallUpdateIsOnePatch(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 41})
	ids := seed(t, e, kvsim.ProfileSeed{Email: "ada@example.com", FirstName: "Ada", Title: "CTO", Properties: map[string]any{"Plan": "gold"}})
	c := primedConnector(t, e)
	before := apiCalls(e)
	res, err := c.Write(t.Context(), objProfiles, []connector.Op{
		{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{fFirst: "Augusta", "location.city": "Paris", "properties.Plan": ""}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[0].ID != ids[0] || res[0].Created {
		t.Fatalf("result %+v", res[0])
	}
	p, _ := e.sim.Profile(ids[0])
	if p.FirstName != "Augusta" || p.Location.City != "Paris" || p.Title != "CTO" || p.Properties["Plan"] != nil {
		t.Errorf("profile in Klaviyo: %+v", p)
	}
	if n := apiCalls(e) - before; n != 1 || stat(e, "PATCH /api/profiles/{id}") != 1 || stat(e, postJobs) != 0 {
		t.Errorf("one update cost %d calls (%d jobs), want 1 PATCH", n, stat(e, postJobs))
	}
}

// A few creates go one POST /api/profiles each after the usual lookup of
// who holds their identifiers; a plain create onto a held email is still
// refused naming the holder, and nothing goes through an import job.
func TestKlaviyoSmallCreatesSkipTheJob(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 42})
	ids := seed(t, e, kvsim.ProfileSeed{Email: "held@example.com", FirstName: "Held"})
	c := primedConnector(t, e)
	before := apiCalls(e)
	res, err := c.Write(t.Context(), objProfiles, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "new@example.com", fFirst: "New", "properties.Plan": "gold"}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "held@example.com", fFirst: "Other"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := e.sim.ProfileByEmail("new@example.com")
	if !ok || res[0].Err != nil || res[0].ID != p.ID || !res[0].Created || p.FirstName != "New" || p.Properties["Plan"] != "gold" {
		t.Fatalf("create: result %+v, sandbox %+v", res[0], p)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Category != connector.CatConflict || len(re.Duplicates) != 1 || re.Duplicates[0] != ids[0] {
		t.Fatalf("create onto a held email: %+v, want a conflict naming %s", res[1], ids[0])
	}
	// 1 lookup by email + 1 POST, where the job cost a lookup, the job,
	// its polls and its profiles.
	if n := apiCalls(e) - before; n != 2 || stat(e, "POST /api/profiles") != 1 || stat(e, postJobs) != 0 {
		t.Errorf("two creates cost %d calls (%d jobs, %d POST /api/profiles), want 2", n, stat(e, postJobs), stat(e, "POST /api/profiles"))
	}
}

// An upsert of one profile goes by create-or-update (POST
// /api/profile-import): onto a held email it updates that profile and
// says not created.
func TestKlaviyoSmallUpsertIsOneImport(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 43})
	ids := seed(t, e, kvsim.ProfileSeed{Email: "held@example.com", FirstName: "Held", Title: "CFO"})
	c := primedConnector(t, e)
	res, err := c.Upsert(t.Context(), objProfiles, fEmail, []connector.Op{
		{Kind: connector.OpUpsert, Fields: map[string]string{fEmail: "held@example.com", fFirst: "Heldy"}},
		{Kind: connector.OpUpsert, Fields: map[string]string{fEmail: "fresh@example.com", fFirst: "Fresh"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[0].ID != ids[0] || res[0].Created {
		t.Errorf("upsert onto held: %+v", res[0])
	}
	if p, _ := e.sim.Profile(ids[0]); p.FirstName != "Heldy" || p.Title != "CFO" {
		t.Errorf("held profile %+v", p)
	}
	p, ok := e.sim.ProfileByEmail("fresh@example.com")
	if !ok || res[1].Err != nil || res[1].ID != p.ID || !res[1].Created {
		t.Errorf("upsert of a new email: %+v, sandbox %+v", res[1], p)
	}
	if stat(e, postJobs) != 0 || stat(e, "POST /api/profile-import") != 2 {
		t.Errorf("%d jobs, %d profile-imports; want 0 and 2", stat(e, postJobs), stat(e, "POST /api/profile-import"))
	}
}

// Past the threshold the batch still goes as one import job (coverage:
// the cheap path must not turn a large write into a call a profile).
func TestKlaviyoLargerWriteStillOneJob(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 44})
	rows := make([]kvsim.ProfileSeed, directMax+1)
	for i := range rows {
		rows[i] = kvsim.ProfileSeed{Email: "p" + string(rune('a'+i)) + "@example.com"}
	}
	ids := seed(t, e, rows...)
	c := primedConnector(t, e)
	ops := make([]connector.Op, len(ids))
	for i, id := range ids {
		ops[i] = connector.Op{Kind: connector.OpUpdate, ID: id, Fields: map[string]string{fTitle: "VP"}}
	}
	res, err := c.Write(t.Context(), objProfiles, ops)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || r.ID != ids[i] {
			t.Errorf("result %d: %+v", i, r)
		}
	}
	if stat(e, postJobs) != 1 || stat(e, "PATCH /api/profiles/{id}") != 0 {
		t.Errorf("%d jobs and %d PATCHes for %d updates, want 1 job", stat(e, postJobs), stat(e, "PATCH /api/profiles/{id}"), len(ops))
	}
}
