package zoho

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestRecordInBlueprintIsNotServerFailure: a deal in a Zoho
// Blueprint's process has its Stage moved only by the process's
// transitions; an API update setting Stage fails alone with
// RECORD_IN_BLUEPRINT, "The record is in blue print" (crm-oas v8.0
// record.json API_Exception). That is the record's state in Zoho, which
// no retry gets past, not a fault on Zoho's side: the error names the
// field the Blueprint owns, keeps Zoho's words and says what lets the
// value through. The other deal is written, and so is the blueprint
// deal's other field.
func TestRecordInBlueprintIsNotServerFailure(t *testing.T) {
	e := newEnv(t, zsim.Options{})
	c := e.connect(t)
	deal := func(name string) string {
		r, err := e.sim.Create("Deals", map[string]any{"Deal_Name": name, "Stage": "Qualification", "Closing_Date": "2026-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	free, held := deal("Free deal"), deal("Blueprint deal")
	if err := e.sim.InBlueprint("Deals", held, "Stage", true); err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(t.Context(), "Deals", []connector.Op{
		{Kind: connector.OpUpdate, ID: free, Fields: map[string]string{"Stage": "Needs Analysis"}},
		{Kind: connector.OpUpdate, ID: held, Fields: map[string]string{"Stage": "Needs Analysis"}},
	})
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	if res[0].Err != nil {
		t.Fatalf("the deal outside the Blueprint failed: %v", res[0].Err)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Code != "RECORD_IN_BLUEPRINT" || !strings.Contains(re.Message, "blue print") {
		t.Fatalf("update of a deal in a Blueprint: %v, want Zoho's RECORD_IN_BLUEPRINT and words", res[1].Err)
	}
	if re.Category != connector.CatValidation || re.Field != "Stage" {
		t.Errorf("deal in a Blueprint: category %q naming field %q, want %q naming Stage", re.Category, re.Field, connector.CatValidation)
	}
	if !strings.Contains(re.Message, "transition") {
		t.Errorf("%q does not say the Blueprint's transition moves the value", re.Message)
	}
	if r, _ := e.sim.Get("Deals", held); r.Fields["Stage"] != "Qualification" {
		t.Fatalf("the Blueprint deal's Stage changed in Zoho: %+v", r.Fields)
	}
	if r, _ := e.sim.Get("Deals", free); r.Fields["Stage"] != "Needs Analysis" {
		t.Fatalf("the free deal was not written: %+v", r.Fields)
	}
	res, err = c.Write(t.Context(), "Deals", []connector.Op{{Kind: connector.OpUpdate, ID: held, Fields: map[string]string{"Next_Step": "Call back"}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("a field the Blueprint does not own: %v %v", err, res[0].Err)
	}
}

// TestDependentPicklistMismatchNamesBothFields: with a deal's Type
// made dependent on its Lead_Source in Zoho (a Partner deal is Existing
// Business only), a create or update leaving Type at an option the
// Lead_Source does not allow fails alone with DEPENDENT_MISMATCH naming
// Type, and Lead_Source as its dependee (crm-oas v8.0 upsertRecords
// dependentmismatch example). It is the record's data: a validation error
// on Type whose message keeps Zoho's words and names the controlling
// field, not a fault on Zoho's side. The deal that fits is created.
func TestDependentPicklistMismatchNamesBothFields(t *testing.T) {
	e := newEnv(t, zsim.Options{})
	c := e.connect(t)
	if err := e.sim.DependOn("Deals", "Type", "Lead_Source", map[string][]string{"Partner": {"Existing Business"}}); err != nil {
		t.Fatal(err)
	}
	deal := func(name, typ string) map[string]string {
		return map[string]string{"Deal_Name": name, "Stage": "Qualification", "Closing_Date": "2026-12-31", "Lead_Source": "Partner", "Type": typ}
	}
	res, err := c.Write(t.Context(), "Deals", []connector.Op{
		{Kind: connector.OpCreate, Fields: deal("Fits", "Existing Business")},
		{Kind: connector.OpCreate, Fields: deal("Mismatch", "New Business")},
	})
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	if res[0].Err != nil || res[0].ID == "" {
		t.Fatalf("the deal whose Type fits failed: %+v", res[0])
	}
	assertDependentMismatch(t, "create", res[1].Err)
	res, err = c.Write(t.Context(), "Deals", []connector.Op{{Kind: connector.OpUpdate, ID: res[0].ID, Fields: map[string]string{"Type": "New Business"}}})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	assertDependentMismatch(t, "update", res[0].Err)
}

func assertDependentMismatch(t *testing.T, what string, err error) {
	t.Helper()
	var re *connector.RecordError
	if !errors.As(err, &re) || re.Code != "DEPENDENT_MISMATCH" {
		t.Fatalf("%s of a Type its Lead_Source does not allow: %v, want Zoho's DEPENDENT_MISMATCH", what, err)
	}
	if re.Category != connector.CatValidation || re.Field != "Type" {
		t.Errorf("%s: category %q naming field %q, want %q naming Type", what, re.Category, re.Field, connector.CatValidation)
	}
	if !strings.Contains(re.Message, "not a dependent value") || !strings.Contains(re.Message, "depends on Lead_Source") {
		t.Errorf("%s: %q does not keep Zoho's words and name the controlling field", what, re.Message)
	}
}

// TestStorageFullStopsTheRun: once the Zoho org's data storage is
// full it takes no new record: each create is refused with
// STORAGE_SPACE_EXCEEDED (crm-oas v8.0 record.json API_Exception). Every
// create after it would be refused too, so it is the account's limit
// (category account, which stops the run, as Salesforce's
// STORAGE_LIMIT_EXCEEDED), not a fault on Zoho's side retried each run,
// and the error says who frees it. An update still goes through.
func TestStorageFullStopsTheRun(t *testing.T) {
	e := newEnv(t, zsim.Options{})
	c := e.connect(t)
	old, err := e.sim.Create("Contacts", map[string]any{"Email": "old@acme.com", "Last_Name": "Old"})
	if err != nil {
		t.Fatal(err)
	}
	e.sim.FillStorage(true)
	res, err := c.Write(t.Context(), "Contacts", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"Email": "new@acme.com", "Last_Name": "New"}},
		{Kind: connector.OpUpdate, ID: old.ID, Fields: map[string]string{"Title": "CEO"}},
	})
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Code != "STORAGE_SPACE_EXCEEDED" {
		t.Fatalf("create with storage full: %v, want Zoho's STORAGE_SPACE_EXCEEDED", res[0].Err)
	}
	if re.Category != connector.CatAccount || !connector.StopsRun(re.Category) {
		t.Errorf("storage full is category %q; want %q, which stops the run", re.Category, connector.CatAccount)
	}
	if !strings.Contains(re.Message, "administrator") || !strings.Contains(re.Message, "storage") {
		t.Errorf("%q does not say an administrator frees or buys storage", re.Message)
	}
	if res[1].Err != nil {
		t.Errorf("update with storage full: %v; want it written", res[1].Err)
	}
}
