package zoho

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestDeniedRecordIsPermissionNotServer: a contact the signed-in
// Zoho user may read but not change (its role, or the record's sharing in
// Zoho CRM) is refused its update with NO_PERMISSION and its delete with
// AUTHORIZATION_FAILED (crm-oas v8.0 record.json API_Exception;
// deleteRecords example). No retry gets past that, and a Zoho CRM
// administrator, not Zoho's servers, changes it: the error names the
// record, keeps Zoho's words, says it is a permission in Zoho CRM and who
// grants it, and is not filed as a fault on Zoho's side ("server"), nor
// as the sign-in or the account. The other contact is written.
func TestDeniedRecordIsPermissionNotServer(t *testing.T) {
	e := newEnv(t, zsim.Options{})
	c := e.connect(t)
	mk := func(email string) string {
		r, err := e.sim.Create("Contacts", map[string]any{"Email": email, "Last_Name": "Doe"})
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	free, denied := mk("free@acme.com"), mk("denied@acme.com")
	if err := e.sim.DenyRecord("Contacts", denied, true); err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(t.Context(), "Contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: free, Fields: map[string]string{"Title": "CEO"}},
		{Kind: connector.OpUpdate, ID: denied, Fields: map[string]string{"Title": "CEO"}},
	})
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	if res[0].Err != nil {
		t.Fatalf("the permitted contact failed: %v", res[0].Err)
	}
	assertDenied(t, "update", res[1].Err, denied, "NO_PERMISSION", "no permission to perform an action on this record")
	if r, _ := e.sim.Get("Contacts", free); r.Fields["Title"] != "CEO" {
		t.Errorf("the permitted contact was not written: %+v", r.Fields)
	}

	dres, err := c.Delete(t.Context(), "Contacts", []string{denied})
	if err != nil {
		t.Fatalf("delete: %v", err)
	}
	assertDenied(t, "delete", dres[0].Err, denied, "AUTHORIZATION_FAILED", "User does not have sufficient privilege to delete records")
	if _, found := e.sim.Get("Contacts", denied); !found {
		t.Errorf("the denied contact %s was deleted", denied)
	}
}

func assertDenied(t *testing.T, what string, err error, id, code, words string) {
	t.Helper()
	var re *connector.RecordError
	if !errors.As(err, &re) || re.Code != code || !strings.Contains(re.Message, words) {
		t.Fatalf("%s of a record the user may not change: %v, want Zoho's %s and words", what, err, code)
	}
	if re.RecordID != id || !strings.Contains(err.Error(), id) {
		t.Errorf("%s: %q does not name record %s", what, err, id)
	}
	if re.Category != connector.CatValidation {
		t.Errorf("%s: category %q, want %q: no retry fixes a permission, a Zoho CRM administrator does", what, re.Category, connector.CatValidation)
	}
	if !strings.Contains(re.Message, "permission") || !strings.Contains(re.Message, "Zoho CRM administrator") {
		t.Errorf("%s: %q does not say it is a permission in Zoho CRM that an administrator grants", what, re.Message)
	}
}
