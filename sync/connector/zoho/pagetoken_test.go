package zoho

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// Get Records follows page tokens through at most 100,000 records (crm-oas
// v8.0/record/operations/getRecords: "Consecutive page tokens can be used to
// navigate through up to 100,000 records", PAGINATION_LIMIT_EXCEEDED past
// them). A first sync, or any full pass, of an organization with more
// contacts than that must still read every one of them.
func TestReadPastHundredThousandRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 100k contacts")
	}
	e := newEnv(t, zsim.Options{Seed: 3})
	const n = 100_000 + 450
	base := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Second)
	rows := make([]zsim.ContactSeed, n)
	for i := range rows {
		at := base.Add(time.Duration(i/7) * time.Second) // several records share each second
		rows[i] = zsim.ContactSeed{LastName: fmt.Sprintf("Big %d", i), Created: at, Modified: at}
	}
	if _, err := e.sim.SeedContacts(rows); err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	ctx := connector.WithReadFields(t.Context(), []string{"Last_Name"})
	seen, total := map[string]bool{}, 0
	for page, err := range c.Read(ctx, "Contacts", "") {
		if err != nil {
			t.Fatalf("after %d of %d contacts: %v", len(seen), n, err)
		}
		for _, r := range page.Records {
			seen[r.ID] = true
			total++
		}
	}
	if len(seen) != n || total != n {
		t.Fatalf("read %d contacts (%d distinct), want %d once each", total, len(seen), n)
	}
}
