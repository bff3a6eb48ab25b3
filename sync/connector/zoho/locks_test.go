package zoho

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestLockedRecordIsNotServerFailure: Zoho refuses an update or a
// delete of a record under a record lock with RECORD_LOCKED, naming the
// record's own id (crm-oas v8.0 updateRecords recordlockederror,
// deleteRecords RecordLocked). It is the record's state in Zoho, which no
// retry gets past until someone unlocks it: not a failure on Zoho's side
// ("server"), nor a field "id" to fix, nor the record gone. The other
// record of the call is written.
func TestLockedRecordIsNotServerFailure(t *testing.T) {
	e := newEnv(t, zsim.Options{})
	c := e.connect(t)
	free, err := e.sim.Create("Contacts", map[string]any{"Email": "free@acme.com", "Last_Name": "Free"})
	if err != nil {
		t.Fatal(err)
	}
	held, err := e.sim.Create("Contacts", map[string]any{"Email": "held@acme.com", "Last_Name": "Held"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.LockRecord("Contacts", held.ID, true); err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(t.Context(), "Contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: free.ID, Fields: map[string]string{"Title": "CEO"}},
		{Kind: connector.OpUpdate, ID: held.ID, Fields: map[string]string{"Title": "CFO"}},
	})
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	if res[0].Err != nil {
		t.Fatalf("the unlocked record failed: %v", res[0].Err)
	}
	assertLocked(t, "update", res[1].Err)
	del, err := c.Delete(t.Context(), "Contacts", []string{held.ID})
	if err != nil {
		t.Fatalf("delete: %v", err)
	}
	assertLocked(t, "delete", del[0].Err)
	if r, ok := e.sim.Get("Contacts", held.ID); !ok || r.Deleted || r.Fields["Title"] != "" {
		t.Fatalf("the locked contact changed in Zoho: %+v", r)
	}
	if r, _ := e.sim.Get("Contacts", free.ID); r.Fields["Title"] != "CEO" {
		t.Fatalf("the unlocked contact was not written: %+v", r)
	}
}

func assertLocked(t *testing.T, what string, err error) {
	t.Helper()
	var re *connector.RecordError
	if !errors.As(err, &re) {
		t.Fatalf("%s of a locked record: %v, want a record error", what, err)
	}
	if re.Code != "RECORD_LOCKED" || !strings.Contains(re.Message, "the record is locked") {
		t.Fatalf("%s: %+v, want Zoho's code and message", what, re)
	}
	if re.Category != connector.CatValidation || re.Field != "" {
		t.Fatalf("%s of a locked record is category %q naming field %q, want %q naming none", what, re.Category, re.Field, connector.CatValidation)
	}
	if !strings.Contains(re.Message, "unlock") {
		t.Fatalf("%s: %q does not say how the lock is lifted", what, re.Message)
	}
}

// TestAwaitingApprovalIsNotServerFailure: a record submitted for
// approval in Zoho is refused its update and delete with NOT_APPROVED
// (crm-oas v8.0 updateRecords notapprovederror, deleteRecords
// NotApproved) until it is approved or rejected: the record's state, not
// a failure on Zoho's side, and the error says what lifts it.
func TestAwaitingApprovalIsNotServerFailure(t *testing.T) {
	e := newEnv(t, zsim.Options{})
	c := e.connect(t)
	rec, err := e.sim.Create("Contacts", map[string]any{"Email": "pending@acme.com", "Last_Name": "Pending"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.AwaitApproval("Contacts", rec.ID, true); err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(t.Context(), "Contacts", []connector.Op{{Kind: connector.OpUpdate, ID: rec.ID, Fields: map[string]string{"Title": "CFO"}}})
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	del, err := c.Delete(t.Context(), "Contacts", []string{rec.ID})
	if err != nil {
		t.Fatalf("delete: %v", err)
	}
	for what, err := range map[string]error{"update": res[0].Err, "delete": del[0].Err} {
		var re *connector.RecordError
		if !errors.As(err, &re) || re.Code != "NOT_APPROVED" || !strings.Contains(re.Message, "not approved yet") {
			t.Fatalf("%s awaiting approval: %v, want Zoho's NOT_APPROVED and words", what, err)
		}
		if re.Category != connector.CatValidation || re.Field != "" {
			t.Errorf("%s awaiting approval is category %q naming field %q, want %q naming none", what, re.Category, re.Field, connector.CatValidation)
		}
		if !strings.Contains(re.Message, "approved or rejected") {
			t.Errorf("%s: %q does not say what lifts the hold", what, re.Message)
		}
	}
	if r, ok := e.sim.Get("Contacts", rec.ID); !ok || r.Deleted || r.Fields["Title"] != "" {
		t.Fatalf("the contact awaiting approval changed in Zoho: %+v", r)
	}
}
