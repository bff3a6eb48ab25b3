package zoho

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestUpdateOfDeletedRecordIsNotFound: Zoho answers the update of a
// deleted record with a per-record INVALID_DATA "the id given seems to be
// invalid" naming api_name "id" at $.data[i].id (update-records doc, v8).
// That names the record itself, so it is not found naming no field (the
// engine holds it as the delete), with Zoho's own message kept. The same
// answer on a lookup (Account_Name pointing at a deleted Account) names
// that field and stays a validation failure.
func TestUpdateOfDeletedRecordIsNotFound(t *testing.T) {
	e := newEnv(t, zsim.Options{})
	c := e.connect(t)
	gone, err := e.sim.Create("Contacts", map[string]any{"Email": "gone@acme.com", "Last_Name": "Gone"})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := e.sim.Create("Contacts", map[string]any{"Email": "kept@acme.com", "Last_Name": "Kept"})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := e.sim.Create("Accounts", map[string]any{"Account_Name": "Gone Inc"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{gone.ID, acct.ID} {
		if err := e.sim.Delete(map[string]string{gone.ID: "Contacts", acct.ID: "Accounts"}[id], id); err != nil {
			t.Fatal(err)
		}
	}
	res, err := c.Write(t.Context(), "Contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: gone.ID, Fields: map[string]string{"Title": "Edited"}},
		{Kind: connector.OpUpdate, ID: kept.ID, Fields: map[string]string{"Account_Name": acct.ID}},
	})
	if err != nil || len(res) != 2 {
		t.Fatalf("write: %v %+v", err, res)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Category != connector.CatNotFound || re.Field != "" || re.RecordID != gone.ID ||
		re.Code != "INVALID_DATA" || !strings.Contains(re.Message, "the id given seems to be invalid") {
		t.Fatalf("update of the deleted contact: %+v (%v), want not found naming no field, with Zoho's message", re, res[0].Err)
	}
	if !errors.As(res[1].Err, &re) || re.Category != connector.CatValidation || re.Field != "Account_Name" {
		t.Fatalf("update naming a deleted Account: %+v (%v), want a validation failure on Account_Name", re, res[1].Err)
	}
}

// TestOwnIDOnlyAtTheRecordsPath: an INVALID_DATA naming "id" means the
// record is gone only at the record's own path; naming a lookup's inner id
// ("$.data[0].Account_Name.id"), another field, or with another code, it
// does not.
func TestOwnIDOnlyAtTheRecordsPath(t *testing.T) {
	for details, want := range map[string]bool{
		`{"api_name":"id","json_path":"$.data[0].id"}`:                     true,
		`{"api_name":"id","json_path":"$.data[17].id"}`:                    true,
		`{"api_name":"id"}`:                                                true,
		`{"api_name":"id","json_path":"$.data[0].Account_Name.id"}`:        false,
		`{"api_name":"Account_Name","json_path":"$.data[0].Account_Name"}`: false,
		`{"id":"5725767000000500389"}`:                                     false,
	} {
		e := zohoError{Code: "INVALID_DATA", Message: "the id given seems to be invalid", Details: []byte(details)}
		if got := e.namesOwnID(); got != want {
			t.Errorf("details %s: gone %v, want %v", details, got, want)
		}
	}
	if (zohoError{Code: "MANDATORY_NOT_FOUND", Details: []byte(`{"api_name":"id","json_path":"$.data[0].id"}`)}).namesOwnID() {
		t.Error("MANDATORY_NOT_FOUND on id taken for a deleted record")
	}
}
