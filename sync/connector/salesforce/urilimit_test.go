package salesforce

import (
	"fmt"
	"testing"
	"time"

	sfsim "github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// An org whose Contact carries 300 custom fields (real orgs have hundreds)
// still has a batch of 200 contacts looked up by email, as the engine does
// after a create call whose answer was lost: the SOQL travels in a GET
// URI, which Salesforce caps at 16,384 bytes (414 URI Too Long beyond).
func TestLookupOnWideObjectStaysUnderURILimit(t *testing.T) {
	o := newOrg(t)
	var names []string
	for i := range 300 {
		names = append(names, fmt.Sprintf("Customer_Preference_%03d__c", i))
	}
	if err := o.sim.AddCustomFields("Contact", names...); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var emails []string
	rows := make([]sfsim.SeedRow, 200)
	for i := range rows {
		emails = append(emails, fmt.Sprintf("firstname.lastname%03d@example-company.com", i))
		rows[i] = sfsim.SeedRow{Values: []string{fmt.Sprintf("Last%03d", i), emails[i], "pref"}, Created: base, Modified: base}
	}
	if _, err := o.sim.Seed("Contact", []string{"LastName", "Email", names[299]}, rows); err != nil {
		t.Fatal(err)
	}
	c := o.connect(t, 0)
	recs, err := c.Lookup(bg, "Contact", "Email", emails)
	if err != nil {
		t.Fatalf("Lookup of %d emails on a Contact with %d custom fields: %v", len(emails), len(names), err)
	}
	found := map[string]bool{}
	for _, r := range recs {
		found[r.Fields["Email"]] = true
		if r.ID == "" {
			t.Errorf("record without an id: %v", r.Fields)
		}
	}
	if len(found) != len(emails) {
		t.Fatalf("Lookup found %d of %d contacts", len(found), len(emails))
	}
}
