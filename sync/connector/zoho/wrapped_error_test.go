package zoho

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// Zoho refuses a whole batch with one error wrapped in data[] (the createRecords
// example response-400-authorizationfailed: a profile without the Create permission).
// Every record of the batch must fail with Zoho's own code and message, not with an
// "unreadable error body".
func TestWrappedBatchErrorNamesZohosMessage(t *testing.T) {
	e := newEnv(t, zsim.Options{NoCreate: []string{"Contacts"}})
	c := e.connect(t)
	ops := []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"Last_Name": "Doe", "Email": "jane@zylker.com"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"Last_Name": "Roe", "Email": "rick@zylker.com"}},
	}
	res, err := c.Write(context.Background(), "Contacts", ops)
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	for i, r := range res {
		var re *connector.RecordError
		if !errors.As(r.Err, &re) {
			t.Fatalf("record %d: want a record error, got %+v", i, r)
		}
		if re.Code != "AUTHORIZATION_FAILED" || !strings.Contains(re.Message, "sufficient privilege") {
			t.Errorf("record %d: error %q (code %q), want Zoho's AUTHORIZATION_FAILED and its message", i, re.Message, re.Code)
		}
	}
	if n := len(e.sim.Records("Contacts")); n != 0 {
		t.Fatalf("%d contacts created", n)
	}
}
