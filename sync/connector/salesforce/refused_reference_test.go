package salesforce

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestRefusedReferenceNamingNoFieldIsNotRecordGone: over the
// sandbox's HTTP, with a refused lookup value answered
// INVALID_CROSS_REFERENCE_KEY naming no field, an update of a live Contact
// carrying an AccountId to a purged Account is a validation error naming
// AccountId with Salesforce's words, not the Contact gone; updates of a
// purged and a binned Contact carrying a live AccountId are still not
// found. Telling them apart costs one query for the batch, and a batch
// without such an answer costs none.
func TestRefusedReferenceNamingNoFieldIsNotRecordGone(t *testing.T) {
	o := newOrg(t)
	o.sim.RefusedReferenceNamesNoField(true)
	var accts []string
	for _, name := range []string{"Gone Co", "Live Co"} {
		r, err := o.sim.Create("Account", map[string]string{"Name": name})
		if err != nil {
			t.Fatal(err)
		}
		accts = append(accts, r.ID)
	}
	goneAcct, liveAcct := accts[0], accts[1]
	if !o.sim.Purge("Account", goneAcct) {
		t.Fatal("purge of Account failed")
	}
	ids := createContacts(t, o, 4)
	live, purged, binned, plain := ids[0], ids[1], ids[2], ids[3]
	if !o.sim.Purge("Contact", purged) || !o.sim.Delete("Contact", binned) {
		t.Fatal("sandbox purge or delete failed")
	}
	c := o.connect(t, 0)
	if _, err := c.Schema(bg, "Contact"); err != nil { // describe outside the counted calls
		t.Fatal(err)
	}
	ops := []connector.Op{
		{Kind: connector.OpUpdate, ID: live, Fields: map[string]string{"AccountId": goneAcct, "Title": "Audited"}},
		{Kind: connector.OpUpdate, ID: purged, Fields: map[string]string{"AccountId": liveAcct}},
		{Kind: connector.OpUpdate, ID: binned, Fields: map[string]string{"AccountId": liveAcct}},
		{Kind: connector.OpUpdate, ID: plain, Fields: map[string]string{"Title": "Audited"}},
	}
	before := o.queryCalls()
	res, err := c.Write(bg, "Contact", ops)
	if err != nil {
		t.Fatal(err)
	}
	if n := o.queryCalls() - before; n != 1 {
		t.Errorf("the batch made %d queries, want 1 to confirm which records are gone", n)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Category != connector.CatValidation || re.Field != "AccountId" ||
		!strings.Contains(re.Message, "invalid cross reference id") || !strings.Contains(re.Message, "AccountId") {
		t.Errorf("update of live %s with a purged AccountId: %#v, want a validation error naming AccountId and Salesforce's message", live, res[0].Err)
	}
	if r, ok := o.sim.Get("Contact", live); !ok || r.Fields["Title"] == "Audited" {
		t.Errorf("live Contact %s: %+v, want it there and not written", live, r)
	}
	for _, k := range []int{1, 2} {
		re = nil
		if !errors.As(res[k].Err, &re) || re.Category != connector.CatNotFound || re.Field != "" {
			t.Errorf("update of gone %s: %#v, want not found naming no field", ops[k].ID, res[k].Err)
		}
	}
	if res[3].Err != nil {
		t.Errorf("update of %s: %v", plain, res[3].Err)
	}

	// A gone record without a reference in its write, and a batch of
	// successes, spend no query.
	before = o.queryCalls()
	res, err = c.Write(bg, "Contact", []connector.Op{
		{Kind: connector.OpUpdate, ID: purged, Fields: map[string]string{"Title": "Again"}},
		{Kind: connector.OpUpdate, ID: plain, Fields: map[string]string{"AccountId": liveAcct}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := o.queryCalls() - before; n != 0 {
		t.Errorf("a batch without a refused reference made %d queries, want 0", n)
	}
	re = nil
	if !errors.As(res[0].Err, &re) || re.Category != connector.CatNotFound || re.Field != "" {
		t.Errorf("update of purged %s: %#v, want not found naming no field", purged, res[0].Err)
	}
	if res[1].Err != nil {
		t.Errorf("update of %s: %v", plain, res[1].Err)
	}
}
