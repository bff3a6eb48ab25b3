package salesforce

import (
	"strings"
	"testing"
)

// LockRow answers Salesforce's per-record UNABLE_TO_LOCK_ROW for a child
// of the locked row, for the calls asked, and lets the rest through.
func TestLockRowShape(t *testing.T) {
	e := newEnv(t, Options{})
	acct, err := e.sim.Create("Account", map[string]string{"Name": "Parent"})
	if err != nil {
		t.Fatal(err)
	}
	e.sim.LockRow(acct.ID, 1)
	body := map[string]any{"allOrNone": false, "records": []any{
		map[string]any{"attributes": map[string]any{"type": "Contact"}, "LastName": "Child", "AccountId": acct.ID},
		map[string]any{"attributes": map[string]any{"type": "Contact"}, "LastName": "Free"},
	}}
	_, raw := e.do("POST", v+"/composite/sobjects", body)
	want := `{"id":null,"success":false,"errors":[{"statusCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record or 1 records: ` + acct.ID + `","fields":[]}]}`
	if !strings.HasPrefix(string(raw), "["+want+",") || !strings.Contains(string(raw), `"success":true`) {
		t.Fatalf("locked: %s", raw)
	}
	_, raw = e.do("POST", v+"/composite/sobjects", body)
	if strings.Contains(string(raw), "UNABLE_TO_LOCK_ROW") || e.sim.Count("Contact") != 3 {
		t.Fatalf("after the lock's one call: %s, %d contacts", raw, e.sim.Count("Contact"))
	}
}
