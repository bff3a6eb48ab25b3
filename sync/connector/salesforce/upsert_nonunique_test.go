package salesforce

import (
	"context"
	"errors"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestUpsertByNonUniqueKey: upserting by an External ID that is not
// Unique updates the one record it matches, and a value matching two
// records fails alone with Salesforce's DUPLICATE_EXTERNAL_ID, creating
// nothing.
func TestUpsertByNonUniqueKey(t *testing.T) {
	o := newOrg(t)
	one, err := o.sim.Create("Project__c", map[string]string{"Name": "Old site", "Legacy_Id__c": "L-1"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := o.sim.Create("Project__c", map[string]string{"Name": "Twin", "Legacy_Id__c": "L-2"}); err != nil {
			t.Fatal(err)
		}
	}
	c := o.connect(t, 0)
	res, err := c.Upsert(context.Background(), "Project__c", "Legacy_Id__c", []connector.Op{
		{Kind: connector.OpUpsert, Fields: map[string]string{"Legacy_Id__c": "L-1", "Name": "New site"}},
		{Kind: connector.OpUpsert, Fields: map[string]string{"Legacy_Id__c": "L-2", "Name": "Which twin"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[0].ID != one.ID || res[0].Created {
		t.Errorf("one match: %+v; want %s updated", res[0], one.ID)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Code != "DUPLICATE_EXTERNAL_ID" || re.Category != connector.CatConflict ||
		re.RecordID != "L-2" || re.Field != "Legacy_Id__c" {
		t.Errorf("two matches: %#v; want DUPLICATE_EXTERNAL_ID on L-2's Legacy_Id__c", res[1].Err)
	}
	if n := o.sim.Count("Project__c"); n != 3 {
		t.Errorf("%d Project__c; want the 3 there were", n)
	}
	if r, _ := o.sim.Get("Project__c", one.ID); r.Fields["Name"] != "New site" {
		t.Errorf("Name %q; want New site", r.Fields["Name"])
	}
}
