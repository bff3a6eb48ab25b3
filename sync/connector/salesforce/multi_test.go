package salesforce

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// A multi-select picklist is a multi-select with its active values,
// written as Salesforce's own "A;B". Salesforce keeps a selection in the
// picklist's order, so it reads back reordered; a value the picklist does
// not have fails that one record with Salesforce's message and the field.
func TestMultiSelectPicklistAgainstSandbox(t *testing.T) {
	o := newOrg(t)
	c := o.connect(t, 0)
	sc, err := c.Schema(bg, "Contact")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Field("Buying_Role__c")
	if !ok || f.Type != connector.TypeMulti || len(f.Options) != 8 || f.Options[2].Value != "Champion" {
		t.Fatalf("Buying_Role__c = %+v; want a multi-select with the picklist's eight values", f)
	}
	res, err := c.Write(bg, "Contact", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "Roles", "Buying_Role__c": "Influencer;Champion;Influencer"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "Poet", "Buying_Role__c": "Champion;Poet"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil {
		t.Fatalf("valid selection: %v", res[0].Err)
	}
	if got, _ := o.sim.Get("Contact", res[0].ID); got.Fields["Buying_Role__c"] != "Champion;Influencer" {
		t.Errorf("stored Buying_Role__c = %q; want Champion;Influencer (the picklist's order, no repeat)", got.Fields["Buying_Role__c"])
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != "Buying_Role__c" || re.Code != "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" || !strings.Contains(re.Message, "bad value for restricted picklist field: Poet") {
		t.Fatalf("unknown value: %#v; want Salesforce's restricted-picklist error on Buying_Role__c", res[1].Err)
	}
	recs, err := c.Lookup(bg, "Contact", "Id", []string{res[0].ID})
	if err != nil || len(recs) != 1 || recs[0].Fields["Buying_Role__c"] != "Champion;Influencer" {
		t.Fatalf("read back: %+v, %v; want Champion;Influencer", recs, err)
	}
}
