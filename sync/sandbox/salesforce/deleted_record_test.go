package salesforce

import (
	"strings"
	"testing"
)

// collectionCodes sends one sObject Collections request and answers each
// record's first statusCode ("" for a success).
func collectionCodes(t *testing.T, e *env, method, path string, body any, n int) []string {
	t.Helper()
	r, raw := e.do(method, path, body)
	res := decode[[]saveResult](t, raw)
	if r.StatusCode != 200 || len(res) != n {
		t.Fatalf("%s %s: HTTP %d %s", method, path, r.StatusCode, raw)
	}
	codes := make([]string, n)
	for i, s := range res {
		if !s.Success && len(s.Errors) > 0 {
			codes[i] = s.Errors[0].StatusCode
			if codes[i] == "INVALID_CROSS_REFERENCE_KEY" && len(s.Errors[0].Fields) != 0 {
				t.Errorf("record %d: %s names %v: the record's own id names no field [unverified]", i, codes[i], s.Errors[0].Fields)
			}
		}
	}
	return codes
}

// TestCollectionsTellDeletedFromMissingFromMalformed: an update (and
// a delete) through sObject Collections of a Contact in the Recycle Bin
// is ENTITY_IS_DELETED; of a well-formed Contact id the org does not hold
// (never made here, or purged from the Recycle Bin) INVALID_CROSS_REFERENCE_KEY,
// which Salesforce's own Mobile SDK reads as "does not exist on server"
// beside ENTITY_IS_DELETED (forcedotcom/SalesforceMobileSDK-Android,
// CompositeRequestHelper RecordResponse.fromCollectionSubResponse); an id
// of another object or not an id at all stays MALFORMED_ID. The sandbox
// answered the missing id MALFORMED_ID "bad id", which the connector files
// as the record's own fault, so it failed on every run.
func TestCollectionsTellDeletedFromMissingFromMalformed(t *testing.T) {
	e := newEnv(t, Options{})
	seedContacts(t, e.sim, 2)
	live, binned := e.sim.Records("Contact")[0].ID, e.sim.Records("Contact")[1].ID
	if !e.sim.Delete("Contact", binned) {
		t.Fatal("delete failed")
	}
	missing := makeID("003", 999_999) // a Contact id this org never issued
	account := makeID("001", 999_999)
	rec := func(id string) map[string]any {
		return map[string]any{"attributes": map[string]any{"type": "Contact"}, "Id": id, "Title": "Audited"}
	}
	got := collectionCodes(t, e, "PATCH", v+"/composite/sobjects", map[string]any{"allOrNone": false,
		"records": []any{rec(live), rec(binned), rec(missing), rec(account)}}, 4)
	want := []string{"", "ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY", "MALFORMED_ID"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("update of live, binned, missing, other object's id: %q, want %q", got, want)
	}
	if r, _ := e.sim.Get("Contact", live); r.Fields["Title"] != "Audited" {
		t.Errorf("live Contact not updated: %v", r.Fields)
	}
	got = collectionCodes(t, e, "DELETE", v+"/composite/sobjects?allOrNone=false&ids="+binned+","+missing+",zzz000000000000", nil, 3)
	want = []string{"ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY", "MALFORMED_ID"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("delete of binned, missing, unknown prefix: %q, want %q", got, want)
	}
}
