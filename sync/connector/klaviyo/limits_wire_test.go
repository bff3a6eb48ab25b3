package klaviyo

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	kvsim "github.com/crmsync/crmsync/sync/sandbox/klaviyo"
)

// A profile over the bulk import's 100KB per-profile limit
// (bulk_import_profiles) fails only its own record with Klaviyo's detail;
// the rest of the batch is written.
func TestOversizedProfileFailsAlone(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 41})
	c := e.connect(t)
	res, err := c.Write(t.Context(), objProfiles, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "a@example.com", fFirst: "A"}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "big@example.com", "properties.Notes": strings.Repeat("x", 101<<10)}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "c@example.com", fFirst: "C"}},
		// More than directMax profiles, so the batch goes as a job.
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "d@example.com", fFirst: "D"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Category != connector.CatValidation || !strings.Contains(re.Message, "100KB") {
		t.Fatalf("oversized profile: %#v", res[1].Err)
	}
	for _, i := range []int{0, 2, 3} {
		if res[i].Err != nil || res[i].ID == "" {
			t.Errorf("record %d: %+v", i, res[i])
		}
	}
	if _, ok := e.sim.ProfileByEmail("big@example.com"); ok || e.sim.Count() != 3 {
		t.Errorf("sandbox holds %d profiles (big written: %v), want 3", e.sim.Count(), ok)
	}
}

// An email over Klaviyo's 100 characters (Profiles API overview) fails
// only its own record, at the email, with Klaviyo's detail.
func TestOverlongEmailFailsAlone(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 42})
	c := e.connect(t)
	res, err := c.Write(t.Context(), objProfiles, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: strings.Repeat("a", 89) + "@example.com"}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "b@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Field != fEmail || re.Message == "" {
		t.Fatalf("overlong email: %#v", res[0].Err)
	}
	if res[1].Err != nil || res[1].ID == "" || e.sim.Count() != 1 {
		t.Fatalf("valid record: %+v; sandbox holds %d", res[1], e.sim.Count())
	}
}
