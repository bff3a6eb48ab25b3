package salesforce

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

const globalKey = "GET /services/data/v67.0/sobjects/{$}" // the sandbox names the route by its pattern

// TestListObjectsOffersCustomObjects: against the sandbox org, the objects
// the account offers besides Info().Objects are its custom objects,
// labelled, and neither its standard objects nor its custom setting;
// describeGlobal goes through the connection's client and budget.
func TestListObjectsOffersCustomObjects(t *testing.T) {
	o := newOrg(t)
	c := o.connect(t, 0)
	got, err := c.ListObjects(bg)
	if err != nil {
		t.Fatal(err)
	}
	want := []connector.ObjectChoice{{Name: "Project__c", Label: `Custom object "Project" (Project__c)`}}
	if !slices.Equal(got, want) {
		t.Fatalf("ListObjects = %+v, want %+v (no standard object, no custom setting)", got, want)
	}
	if n := o.sim.Stats()[globalKey]; n != 1 {
		t.Fatalf("%d describeGlobal calls, want 1 (stats %v)", n, o.sim.Stats())
	}
	for _, std := range Info().Objects {
		if slices.ContainsFunc(got, func(c connector.ObjectChoice) bool { return c.Name == std }) {
			t.Errorf("standard object %s listed", std)
		}
	}

	// The connection's daily budget covers the call: versions, then stop.
	budgeted := o.connect(t, 1)
	if _, err := budgeted.ListObjects(bg); !errors.Is(err, connector.ErrBudget) {
		t.Fatalf("ListObjects past the budget: %v", err)
	}
	if n := o.sim.Stats()[globalKey]; n != 1 {
		t.Fatalf("describeGlobal sent past the budget")
	}
}

// describeGlobalBody is a describeGlobal response in the REST API
// Developer Guide's shape, with the kinds of object an org lists that a
// sync must not offer.
const describeGlobalBody = `{"encoding":"UTF-8","maxBatchSize":200,"sobjects":[
 {"activateable":false,"custom":false,"customSetting":false,"createable":true,"deletable":true,"deprecatedAndHidden":false,"feedEnabled":true,"keyPrefix":"001","label":"Account","labelPlural":"Accounts","layoutable":true,"mergeable":true,"mruEnabled":true,"name":"Account","queryable":true,"replicateable":true,"retrieveable":true,"searchable":true,"triggerable":true,"undeletable":true,"updateable":true,"urls":{"sobject":"/services/data/v67.0/sobjects/Account","describe":"/services/data/v67.0/sobjects/Account/describe","rowTemplate":"/services/data/v67.0/sobjects/Account/{ID}"}},
 {"name":"acme__Invoice__c","label":"Invoice","custom":true,"customSetting":false,"queryable":true,"retrieveable":true,"createable":true,"updateable":true},
 {"name":"Alert__e","label":"Alert","custom":true,"customSetting":false,"queryable":false,"retrieveable":false,"createable":true,"updateable":false},
 {"name":"Audit_Log__c","label":"Audit Log","custom":true,"customSetting":false,"queryable":true,"retrieveable":true,"createable":false,"updateable":true},
 {"name":"Frozen__c","label":"Frozen","custom":true,"customSetting":false,"queryable":true,"retrieveable":true,"createable":true,"updateable":false},
 {"name":"Odd__c","label":"Odd","custom":false,"customSetting":false,"queryable":true,"retrieveable":true,"createable":true,"updateable":true},
 {"name":"Config__mdt","label":"Config","custom":true,"customSetting":false,"queryable":true,"retrieveable":true,"createable":false,"updateable":false},
 {"name":"Hidden__c","label":"Hidden","custom":true,"customSetting":false,"queryable":false,"retrieveable":true,"createable":true,"updateable":true},
 {"name":"Legacy__x","label":"Legacy","custom":true,"customSetting":false,"queryable":true,"retrieveable":true,"createable":true,"updateable":true},
 {"name":"Project__c","label":"Project","custom":true,"customSetting":false,"queryable":true,"retrieveable":true,"createable":true,"updateable":true},
 {"name":"Project__Share","label":"Project Share","custom":true,"customSetting":false,"queryable":true,"retrieveable":true,"createable":true,"updateable":true},
 {"name":"Settings__c","label":"Settings","custom":true,"customSetting":true,"queryable":true,"retrieveable":true,"createable":true,"updateable":true},
 {"name":"Unlabelled__c","label":"","custom":true,"customSetting":false,"queryable":true,"retrieveable":true,"createable":true,"updateable":true},
 {"name":"Unseen__c","label":"Unseen","custom":true,"customSetting":false,"queryable":true,"retrieveable":false,"createable":true,"updateable":true},
 {"name":"Weird Name__c","label":"Weird","custom":true,"customSetting":false,"queryable":true,"retrieveable":true,"createable":true,"updateable":true}
]}`

// TestListObjectsFilters: only custom __c objects that are no custom
// setting and that the user may query, retrieve, create and update are
// offered; a failed describeGlobal is retried by the transport, and one
// that keeps failing is an error with its category.
func TestListObjectsFilters(t *testing.T) {
	f, c := newFake(t)
	var calls atomic.Int32
	f.handle("GET /sf/services/data/v67.0/sobjects/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`[{"message":"Server temporarily unavailable","errorCode":"SERVER_UNAVAILABLE"}]`))
			return
		}
		_, _ = w.Write([]byte(describeGlobalBody))
	})
	got, err := c.ListObjects(bg)
	if err != nil {
		t.Fatal(err)
	}
	want := []connector.ObjectChoice{
		{Name: "acme__Invoice__c", Label: `Custom object "Invoice" (acme__Invoice__c)`},
		{Name: "Project__c", Label: `Custom object "Project" (Project__c)`},
		{Name: "Unlabelled__c", Label: "Custom object Unlabelled__c"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ListObjects = %+v, want %+v", got, want)
	}
	if calls.Load() != 2 {
		t.Fatalf("%d describeGlobal attempts, want 2 (a 503 retried)", calls.Load())
	}

	f.json("GET /sf/services/data/v67.0/sobjects/", http.StatusUnauthorized, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)
	if _, err := c.ListObjects(bg); connector.CategoryOf(err) != connector.CatAuth {
		t.Fatalf("ListObjects with an expired session: %v", err)
	}
}

// readObject reads object from since to the end: the records and the
// last page's cursor (since when no page came).
func readObject(t *testing.T, c *Conn, object string, since connector.Cursor) ([]connector.Record, connector.Cursor) {
	t.Helper()
	var recs []connector.Record
	cur := since
	for p, err := range c.Read(bg, object, since) {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, p.Records...)
		cur = p.Cursor
	}
	return recs, cur
}

// TestCustomObjectRoundTrip: Project__c, a custom object that is not in
// Info().Objects, goes through the generic path end to end against the
// sandbox: its schema, a create whose restricted-picklist refusal fails
// only its own record with Salesforce's message, an incremental read, an
// update, an upsert by Crmsync_Key__c that never duplicates, a lookup, a
// link to a Contact and a delete the next read reports.
func TestCustomObjectRoundTrip(t *testing.T) {
	o, clk, t0 := clockOrg(t, -time.Hour)
	c := o.connect(t, 0)
	const obj = "Project__c"

	s, err := c.Schema(bg, obj)
	if err != nil {
		t.Fatal(err)
	}
	field := func(name string) connector.Field {
		f, ok := s.Field(name)
		if !ok {
			t.Fatalf("schema of %s has no %s: %+v", obj, name, s.Fields)
		}
		return f
	}
	if f := field("Status__c"); f.Type != connector.TypeEnum || len(f.Options) != 3 || f.Options[0].Value != "Planned" {
		t.Errorf("Status__c = %+v", f)
	}
	if f := field("Budget__c"); f.Type != connector.TypeNumber {
		t.Errorf("Budget__c = %+v", f)
	}
	if f := field("Start_Date__c"); f.Type != connector.TypeDate {
		t.Errorf("Start_Date__c = %+v", f)
	}
	if f := field("Contact__c"); f.Type != connector.TypeID || f.ReadOnly {
		t.Errorf("Contact__c = %+v", f)
	}
	if f := field("Name"); f.Required || f.ReadOnly || f.Label != "Project Name" {
		t.Errorf("Name = %+v (defaulted on create: not required)", f)
	}
	if f := field("Crmsync_Key__c"); !f.Unique {
		t.Errorf("Crmsync_Key__c = %+v", f)
	}
	if key, err := c.UpsertKey(bg, obj); err != nil || key != "Crmsync_Key__c" {
		t.Fatalf("UpsertKey = %q, %v", key, err)
	}

	contact, err := o.sim.Create("Contact", map[string]string{"LastName": "Client"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(bg, obj, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"Name": "Website", "Status__c": "Active", "Budget__c": "12500.50",
			"Start_Date__c": "2026-12-01", "Contact__c": contact.ID, "Crmsync_Key__c": "p1"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"Name": "Paused", "Status__c": "On Hold"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"Name": "Intranet", "Status__c": "Planned", "Crmsync_Key__c": "p2"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || !res[0].Created || !strings.HasPrefix(res[0].ID, "a01") || res[2].Err != nil || !res[2].Created {
		t.Fatalf("creates: %+v", res)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Object != obj || re.Field != "Status__c" || re.Code != "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" ||
		re.Category != connector.CatValidation || re.Message != "Status: bad value for restricted picklist field: On Hold" {
		t.Fatalf("restricted picklist: %#v; want Salesforce's error on Status__c for that record alone", res[1].Err)
	}
	website, intranet := res[0].ID, res[2].ID
	if n := o.sim.Count(obj); n != 2 {
		t.Fatalf("%d Projects, want 2", n)
	}

	full, cur := readObject(t, c, obj, "")
	if len(full) != 2 || full[0].ID != website || full[1].ID != intranet {
		t.Fatalf("full read: %+v", full)
	}
	if f := full[0].Fields; f["Name"] != "Website" || f["Status__c"] != "Active" || f["Budget__c"] != "12500.5" ||
		f["Start_Date__c"] != "2026-12-01" || f["Contact__c"] != contact.ID || f["Crmsync_Key__c"] != "p1" || full[0].Deleted {
		t.Fatalf("read back: %v", f)
	}
	if again, _ := readObject(t, c, obj, cur); len(again) != 0 {
		t.Fatalf("a read with nothing new returned %+v", again)
	}

	// An update in a later second: only it comes back.
	clk.Set(t0.Add(2 * time.Second))
	res, err = c.Write(bg, obj, []connector.Op{{Kind: connector.OpUpdate, ID: intranet, Fields: map[string]string{"Status__c": "Active", "Budget__c": "800"}}})
	if err != nil || res[0].Err != nil || res[0].Created {
		t.Fatalf("update: %+v, %v", res, err)
	}
	changed, cur := readObject(t, c, obj, cur)
	if len(changed) != 1 || changed[0].ID != intranet || changed[0].Fields["Status__c"] != "Active" || changed[0].Fields["Budget__c"] != "800" {
		t.Fatalf("incremental read after the update: %+v", changed)
	}

	// Upsert by the External ID: p1 updates, p3 creates; sent twice, the
	// second time nothing is created.
	clk.Set(t0.Add(4 * time.Second))
	ops := []connector.Op{
		{Kind: connector.OpUpsert, Fields: map[string]string{"Crmsync_Key__c": "p1", "Status__c": "Done"}},
		{Kind: connector.OpUpsert, Fields: map[string]string{"Crmsync_Key__c": "p3", "Name": "Mobile app", "Start_Date__c": "2027-01-15"}},
		{Kind: connector.OpUpsert, Fields: map[string]string{"Crmsync_Key__c": "p4", "Status__c": "Someday"}},
	}
	for pass := 1; pass <= 2; pass++ {
		res, err = c.Upsert(bg, obj, "Crmsync_Key__c", ops)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Err != nil || res[0].ID != website || res[0].Created || res[1].Err != nil || res[1].Created != (pass == 1) {
			t.Fatalf("upsert pass %d: %+v", pass, res)
		}
		if !errors.As(res[2].Err, &re) || re.Field != "Status__c" || re.Code != "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" {
			t.Fatalf("upsert pass %d, bad status: %#v", pass, res[2].Err)
		}
		if n := o.sim.Count(obj); n != 3 {
			t.Fatalf("upsert pass %d: %d Projects, want 3 (no duplicate)", pass, n)
		}
	}
	mobile := res[1].ID
	// An OpUpsert through Write takes the same External ID.
	res, err = c.Write(bg, obj, []connector.Op{{Kind: connector.OpUpsert, Fields: map[string]string{"Crmsync_Key__c": "p3", "Budget__c": "5000"}}})
	if err != nil || res[0].Err != nil || res[0].ID != mobile || res[0].Created || o.sim.Count(obj) != 3 {
		t.Fatalf("Write OpUpsert: %+v, %v, %d Projects", res, err, o.sim.Count(obj))
	}
	upserted, cur := readObject(t, c, obj, cur)
	if len(upserted) != 2 || upserted[0].ID != website || upserted[0].Fields["Status__c"] != "Done" || upserted[1].ID != mobile || upserted[1].Fields["Budget__c"] != "5000" {
		t.Fatalf("incremental read after the upserts: %+v", upserted)
	}

	found, err := c.Lookup(bg, obj, "Crmsync_Key__c", []string{"p1", "p3", "nope"})
	if err != nil || len(found) != 2 || !sameSet([]string{found[0].ID, found[1].ID}, []string{website, mobile}) {
		t.Fatalf("Lookup: %+v, %v", found, err)
	}

	// A link to a Contact goes through the object's one lookup to Contact.
	clk.Set(t0.Add(6 * time.Second))
	if err := c.Associate(bg, obj, mobile, "Contact", contact.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.sim.Get(obj, mobile); got.Fields["Contact__c"] != contact.ID {
		t.Fatalf("after Associate: %v", got.Fields)
	}
	// To a User: OwnerId, the one of its three User lookups that can be written.
	if err := c.Associate(bg, obj, mobile, "User", "005000000000002"); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.sim.Get(obj, mobile); !strings.HasPrefix(got.Fields["OwnerId"], "005000000000002") {
		t.Fatalf("after Associate to a User: %v", got.Fields)
	}
	if err := c.Associate(bg, obj, mobile, "Account", "001000000000001AAA"); connector.CategoryOf(err) != connector.CatValidation {
		t.Fatalf("Associate to an object it has no lookup to: %v", err)
	}

	// A delete comes back from the next read, flagged.
	clk.Set(t0.Add(8 * time.Second))
	res, err = c.Delete(bg, obj, []string{intranet})
	if err != nil || res[0].Err != nil {
		t.Fatalf("Delete: %+v, %v", res, err)
	}
	after, _ := readObject(t, c, obj, cur)
	ids := map[string]bool{}
	for _, r := range after {
		ids[r.ID] = r.Deleted
	}
	if len(after) != 2 || !ids[intranet] || ids[mobile] {
		t.Fatalf("read after the link and the delete: %+v", after)
	}
}

// TestCustomObjectDescribeCached: a custom object's describe is cached per
// connection like a standard one's, so the next run makes no describe
// call. One cached before the connector kept lookups' referenceTo is
// described again when a link needs it, and the link is made.
func TestCustomObjectDescribeCached(t *testing.T) {
	o := newOrg(t)
	_, meta := metaStore(t)
	ctx := t.Context()
	if _, err := o.connectCached(t, meta).Schema(ctx, "Project__c"); err != nil {
		t.Fatal(err)
	}
	_, d0 := o.metaCalls()
	c := o.connectCached(t, meta)
	if _, err := c.Schema(ctx, "Project__c"); err != nil {
		t.Fatal(err)
	}
	if _, d1 := o.metaCalls(); d1 != d0 {
		t.Fatalf("%d describe calls with a warm cache, want 0", d1-d0)
	}

	key := describeKey("v"+MaxVersion, "Project__c")
	b, _, ok, err := meta.Get(ctx, key)
	if err != nil || !ok {
		t.Fatalf("Project__c describe not cached under %s: %v", key, err)
	}
	var d describeResult
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	for i := range d.Fields {
		d.Fields[i].ReferenceTo = nil // as an older build cached it
	}
	b, _ = json.Marshal(&d)
	if err := meta.Put(ctx, key, b); err != nil {
		t.Fatal(err)
	}
	contact, _ := o.sim.Create("Contact", map[string]string{"LastName": "Client"})
	project, err := o.sim.Create("Project__c", map[string]string{"Name": "Website"})
	if err != nil {
		t.Fatal(err)
	}
	c = o.connectCached(t, meta)
	if err := c.Associate(ctx, "Project__c", project.ID, "Contact", contact.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.sim.Get("Project__c", project.ID); got.Fields["Contact__c"] != contact.ID {
		t.Fatalf("after Associate: %v", got.Fields)
	}
	if _, d2 := o.metaCalls(); d2 != d0+1 {
		t.Fatalf("%d describe calls for the link, want 1", d2-d0)
	}
}
