package dynamics

import (
	"strings"
	"testing"
)

// A row whose alternate key values another row holds is refused with 412
// and DuplicateRecordEntityKey, 0x80060892 ("A record that has the
// attribute values {0} already exists. The entity key {1} requires that
// this set of attributes contains unique values.", web service error codes,
// https://learn.microsoft.com/power-apps/developer/data-platform/reference/web-service-error-codes),
// not DuplicateRecord 0x80040237, which is the SQL "Cannot insert
// duplicate key" of a primary key (Troubleshoot Dataverse client errors).
func TestAlternateKeyDuplicateIsDuplicateRecordEntityKey(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.sim.DefineAlternateKey("contacts", "contact_email", "emailaddress1"); err != nil {
		t.Fatal(err)
	}
	e.must(e.do("POST", "contacts", map[string]any{"lastname": "First", "emailaddress1": "dup@example.com"}), 204)
	for name, r := range map[string]reply{
		"POST":                   e.do("POST", "contacts", map[string]any{"lastname": "Second", "emailaddress1": "dup@example.com"}),
		"PATCH If-None-Match: *": e.do("PATCH", "contacts(6f0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d)", map[string]any{"lastname": "Third", "emailaddress1": "dup@example.com"}, "If-None-Match", "*"),
	} {
		if r.status != 412 || r.errCode() != "0x80060892" {
			t.Errorf("%s of a taken key: %d %s, want 412 with code 0x80060892", name, r.status, r.raw)
		}
	}
	if n := e.sim.Count("contacts"); n != 1 {
		t.Errorf("%d contacts, want 1", n)
	}
}

// An upsert by alternate key answers 204 with OData-EntityId naming the
// row by the key in the URL ("example_records(example_key1=2,example_key2=2)"),
// and on an existing row ignores the key columns in the body: "The server
// removes the data set in the body of the request for those alternate key
// values in the URL" (https://learn.microsoft.com/power-apps/developer/data-platform/use-upsert-insert-update-record).
func TestUpsertByAlternateKeyOnTheWire(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.sim.DefineAlternateKey("contacts", "contact_email", "emailaddress1"); err != nil {
		t.Fatal(err)
	}
	const key = "contacts(emailaddress1='keyed@example.com')"
	for _, body := range []map[string]any{{"lastname": "Keyed"}, {"lastname": "Keyed", "emailaddress1": "changed@example.com"}} {
		r := e.must(e.do("PATCH", key, body), 204)
		if got := r.header.Get("OData-EntityId"); !strings.HasSuffix(got, "/api/data/v9.2/"+key) {
			t.Errorf("OData-EntityId %q, want the row named by its key, %s", got, key)
		}
	}
	recs := e.sim.Records("contacts")
	if len(recs) != 1 || recs[0].Fields["emailaddress1"] != "keyed@example.com" {
		t.Errorf("rows %+v, want one keyed@example.com", recs)
	}
}

// A key value in the URL is percent-encoded like any path text, and its
// segment is split before it is decoded: an escaped "/" belongs to the
// value (OData URL conventions, key-as-segment; the Web API's alternate
// key URLs are /contacts(emailaddress1='…')).
func TestEscapedKeyValue(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.sim.DefineAlternateKey("contacts", "contact_email", "emailaddress1"); err != nil {
		t.Fatal(err)
	}
	e.must(e.do("PATCH", "contacts(emailaddress1='x%2Fy%23z%40example.com')", map[string]any{"lastname": "Slash"}), 204)
	got := e.must(e.do("GET", "contacts(emailaddress1='x%2Fy%23z%40example.com')?$select=emailaddress1", nil), 200)
	if got.body["emailaddress1"] != "x/y#z@example.com" || e.sim.Count("contacts") != 1 {
		t.Fatalf("row by escaped key: %s (%d rows)", got.raw, e.sim.Count("contacts"))
	}
}

// A URL naming a row by columns no alternate key is defined on is refused
// with the message "Use an alternate key to reference a record" quotes:
// "The key in the request URI is not valid for resource
// 'Microsoft.Dynamics.CRM.<table logical name>'. Ensure that the names and
// number of key properties match the declared or alternate key properties
// for the resource 'Microsoft.Dynamics.CRM.<table logical name>'."
func TestUndefinedKeyMessage(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("PATCH", "contacts(emailaddress1='a@example.com')", map[string]any{"lastname": "A"})
	want := "The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.contact'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource 'Microsoft.Dynamics.CRM.contact'."
	if r.status != 400 || r.errMessage() != want {
		t.Fatalf("upsert by an undefined key: %d %s", r.status, r.raw)
	}
	if e.sim.Count("contacts") != 0 {
		t.Fatal("a row was created")
	}
}
