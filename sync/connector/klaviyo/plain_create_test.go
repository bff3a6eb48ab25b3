package klaviyo

import (
	"errors"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	kvsim "github.com/crmsync/crmsync/sync/sandbox/klaviyo"
)

// TestPlainCreateNeverMerges: a plain create (a sync that does not
// match on email) must not land on a profile holding its email, nor merge
// with another create of the same write: the first is refused naming the
// holder (a duplicate for review), the second refused alone.
func TestPlainCreateNeverMerges(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 4})
	c := e.connect(t)
	ids := seed(t, e, kvsim.ProfileSeed{Email: "held@example.com", FirstName: "Held", LastName: "Kept"})
	res, err := c.Write(t.Context(), objProfiles, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "held@example.com", fFirst: "Other", fLast: "Person"}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "twin@example.com", fFirst: "First", fLast: "Twin"}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "twin@example.com", fFirst: "Second", fLast: "Twin"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Category != connector.CatConflict || re.Field != fEmail || len(re.Duplicates) != 1 || re.Duplicates[0] != ids[0] {
		t.Fatalf("create onto a held email: result %+v, want a conflict naming %s", res[0], ids[0])
	}
	if p, _ := e.sim.Profile(ids[0]); p.FirstName != "Held" || p.LastName != "Kept" {
		t.Fatalf("the profile holding the email was overwritten: %+v", p)
	}
	if res[1].Err != nil || !res[1].Created {
		t.Fatalf("first twin: %+v", res[1])
	}
	if !errors.As(res[2].Err, &re) || re.Field != fEmail {
		t.Fatalf("second twin: %+v, want refused on email", res[2])
	}
	if p, _ := e.sim.ProfileByEmail("twin@example.com"); p.FirstName != "First" {
		t.Fatalf("the twins were merged into one profile: %+v", p)
	}
}
