package zoho

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestZohoWrongURLIsNotRecordsGone: Zoho answers a request to a URL
// it does not serve with 404 INVALID_URL_PATTERN "Please check if the URL
// trying to access is a correct one" (API_Exception enum), for the whole
// call. It says nothing of the records in it: a record Zoho no longer has
// is answered per record in data[]. The update and the delete of the
// call's records must fail with Zoho's code, never read as not found
// naming no field, which the engine holds as every record deleted.
func TestZohoWrongURLIsNotRecordsGone(t *testing.T) {
	e := newEnv(t, zsim.Options{})
	c := e.connect(t)
	a, err := e.sim.Create("Contacts", map[string]any{"Email": "a@acme.com", "Last_Name": "A"})
	if err != nil {
		t.Fatal(err)
	}
	refusal := simkit.Refusal{Status: http.StatusNotFound, Code: "INVALID_URL_PATTERN", Message: "Please check if the URL trying to access is a correct one"}
	e.sim.Faults().RefuseEndpoint("PUT /crm/v8/Contacts", refusal)
	e.sim.Faults().RefuseEndpoint("DELETE /crm/v8/Contacts", refusal)
	res, err := c.Write(t.Context(), "Contacts", []connector.Op{{Kind: connector.OpUpdate, ID: a.ID, Fields: map[string]string{"Last_Name": "A2"}}})
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	assertNotRecordGone(t, "update", res[0].Err)
	del, err := c.Delete(t.Context(), "Contacts", []string{a.ID})
	if err != nil {
		t.Fatalf("delete: %v", err)
	}
	assertNotRecordGone(t, "delete", del[0].Err)
	if r, ok := e.sim.Get("Contacts", a.ID); !ok || r.Deleted {
		t.Fatalf("the contact changed in Zoho: %+v", r)
	}
}

func assertNotRecordGone(t *testing.T, what string, err error) {
	t.Helper()
	var re *connector.RecordError
	if !errors.As(err, &re) {
		t.Fatalf("%s answered INVALID_URL_PATTERN: %v, want a record error", what, err)
	}
	if re.Category == connector.CatNotFound && re.Field == "" {
		t.Fatalf("%s answered INVALID_URL_PATTERN is read as the record gone: %+v", what, re)
	}
	if re.Code != "INVALID_URL_PATTERN" || !strings.Contains(re.Message, "Please check if the URL") {
		t.Fatalf("%s: %+v, want Zoho's code and message", what, re)
	}
}
