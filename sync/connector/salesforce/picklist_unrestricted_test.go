package salesforce

import (
	"encoding/json"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// The describe's restrictedPicklist reaches connector.Field: Lead Source
// (as Salesforce ships it) is unrestricted, and a value outside its list
// is written and read back as is; a restricted picklist is not marked.
func TestUnrestrictedFlag(t *testing.T) {
	o := newOrg(t)
	c := o.connect(t, 0)
	sc, err := c.Schema(bg, "Contact")
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := sc.Field("LeadSource"); !f.Unrestricted || len(f.Options) == 0 {
		t.Errorf("LeadSource = %+v; want unrestricted, with its options", f)
	}
	if f, _ := sc.Field("Buying_Role__c"); f.Unrestricted {
		t.Errorf("Buying_Role__c is restricted, read as %+v", f)
	}
	res, err := c.Write(bg, "Contact", []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "Pigeon", "LeadSource": "Carrier Pigeon"}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("write: %v %+v", err, res)
	}
	recs, err := c.Lookup(bg, "Contact", "Id", []string{res[0].ID})
	if err != nil || len(recs) != 1 || recs[0].Fields["LeadSource"] != "Carrier Pigeon" {
		t.Fatalf("read back: %+v, %v; want Carrier Pigeon", recs, err)
	}
}

// A describe cached before restrictedPicklist was kept has no such key: it
// is taken as restricted, as it was then.
func TestCachedDescribeWithoutFlagIsRestricted(t *testing.T) {
	var d describeResult
	if err := json.Unmarshal([]byte(`{"name":"Contact","fields":[{"name":"Id","type":"id"},{"name":"LeadSource","label":"Lead Source","type":"picklist","picklistValues":[{"active":true,"value":"Web","label":"Web"}]}]}`), &d); err != nil {
		t.Fatal(err)
	}
	sc, err := toSchema(&d)
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := sc.Field("LeadSource"); f.Unrestricted {
		t.Errorf("LeadSource from an old cache = %+v; want restricted", f)
	}
}
