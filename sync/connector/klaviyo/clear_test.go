package klaviyo

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	kvsim "github.com/crmsync/crmsync/sync/sandbox/klaviyo"
)

// An update that blanks fields empties them in Klaviyo. A bulk import job
// ignores nulls (Bulk Import Profiles API guide), so a clear sent only
// through it is lost while its Result says it was written.
func TestUpdateClearingFieldsEmptiesThem(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 12})
	e.sim.SetJobPolls(1)
	c := e.connect(t)
	ids := seed(t, e, kvsim.ProfileSeed{Email: "ada@example.com", FirstName: "Ada", Title: "CTO", Organization: "Acme",
		Location: kvsim.Location{City: "London"}, Properties: map[string]any{"Plan": "gold"}},
		kvsim.ProfileSeed{Email: "bob@example.com", FirstName: "Bob", Title: "CFO"})
	res, err := c.Write(t.Context(), objProfiles, []connector.Op{
		{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{fFirst: "Augusta", fTitle: "", "location.city": "", "properties.Plan": ""}},
		{Kind: connector.OpUpdate, ID: ids[1], Fields: map[string]string{fTitle: "CEO"}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "new@example.com", fTitle: ""}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("result %d: %v", i, r.Err)
		}
	}
	p, _ := e.sim.Profile(ids[0])
	if res[0].ID != ids[0] || p.FirstName != "Augusta" || p.Title != "" || p.Location.City != "" || p.Properties["Plan"] != nil || p.Organization != "Acme" {
		t.Errorf("cleared profile in Klaviyo: %+v (result %+v); want first_name Augusta, title, city and Plan empty, organization kept", p, res[0])
	}
	if p, _ := e.sim.Profile(ids[1]); p.Title != "CEO" {
		t.Errorf("updated profile %+v", p)
	}
	if p, ok := e.sim.ProfileByEmail("new@example.com"); !ok || res[2].ID != p.ID || !res[2].Created {
		t.Errorf("created profile %+v, result %+v", p, res[2])
	}
}
