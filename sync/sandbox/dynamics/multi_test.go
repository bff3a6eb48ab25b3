package dynamics

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// The custom multi-select choice column contact.crmsync_interests is
// described as the metadata operations sample creates one: AttributeType
// Virtual, AttributeTypeName MultiSelectPicklistType, its choices in the
// OptionSet of the MultiSelectPicklistAttributeMetadata cast.
func TestMultiSelectMetadata(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes?$select=LogicalName,AttributeType,AttributeTypeName,IsCustomAttribute", nil), 200)
	var col map[string]any
	for _, v := range r.values() {
		if v["LogicalName"] == "crmsync_interests" {
			col = v
		}
	}
	if col == nil || col["AttributeType"] != "Virtual" || col["AttributeTypeName"].(map[string]any)["Value"] != "MultiSelectPicklistType" ||
		col["IsCustomAttribute"] != true || col["@odata.type"] != "#Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata" {
		t.Fatalf("crmsync_interests in the attribute list: %v", col)
	}

	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes/Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)", nil), 200)
	v := r.values()
	if len(v) != 1 || v[0]["LogicalName"] != "crmsync_interests" {
		t.Fatalf("multi-select columns: %s", r.raw)
	}
	if ctx, _ := r.body["@odata.context"].(string); !strings.HasSuffix(ctx, "/Attributes/Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata(LogicalName,OptionSet(Options))") {
		t.Fatalf("context %q", ctx)
	}
	var got []string
	for _, o := range v[0]["OptionSet"].(map[string]any)["Options"].([]any) {
		m := o.(map[string]any)
		got = append(got, fmt.Sprintf("%.0f=%v", m["Value"], m["Label"].(map[string]any)["UserLocalizedLabel"].(map[string]any)["Label"]))
	}
	want := "100000000=Product updates,100000001=Webinars,100000002=Events,100000003=Partnerships,100000004=Pricing"
	if strings.Join(got, ",") != want {
		t.Fatalf("options %v, want %s", got, want)
	}

	// One column by name, with the whole option set.
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='crmsync_interests')/Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata?$select=SchemaName&$expand=OptionSet", nil), 200)
	os, _ := r.body["OptionSet"].(map[string]any)
	if r.body["SchemaName"] != "crmsync_Interests" || os == nil || os["OptionSetType"] != "Picklist" || os["IsCustomOptionSet"] != true || len(os["Options"].([]any)) != 5 {
		t.Fatalf("one column: %s", r.raw)
	}
	// It is an EnumAttributeMetadata, not a PicklistAttributeMetadata.
	if r := e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes/Microsoft.Dynamics.CRM.EnumAttributeMetadata?$select=LogicalName", nil), 200); !strings.Contains(r.raw, `"crmsync_interests"`) {
		t.Fatalf("enum columns: %s", r.raw)
	}
	if r := e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName", nil), 200); len(r.values()) != 0 {
		t.Fatalf("picklist columns: %s", r.raw)
	}
	// Other casts have no OptionSet.
	if r := e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes/Microsoft.Dynamics.CRM.StringAttributeMetadata?$expand=OptionSet", nil); r.status != 400 {
		t.Fatalf("OptionSet on strings: %d %s", r.status, r.raw)
	}
}

// Values are set as "a string containing comma separated number values"
// ("1, 9" in the docs) and read back without spaces; an option the column
// lacks is PicklistValueOutOfRange naming the column; null and "" clear.
func TestMultiSelectValues(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.must(e.do("POST", "contacts", map[string]any{"lastname": "Yarborough", "crmsync_interests": "100000000, 100000002"}), 204)
	id := idFromEntityID(t, r.header)
	got := e.must(e.do("GET", "contacts("+id+")?$select=crmsync_interests", nil), 200)
	if got.body["crmsync_interests"] != "100000000,100000002" {
		t.Fatalf("read back %v", got.body["crmsync_interests"])
	}
	if ctx, _ := got.body["@odata.context"].(string); !strings.HasSuffix(ctx, "$metadata#contacts(crmsync_interests)/$entity") {
		t.Fatalf("context %q", ctx)
	}
	if rec, _ := e.sim.Get("contacts", id); rec.Fields["crmsync_interests"] != "100000000,100000002" {
		t.Fatalf("stored %v", rec.Fields["crmsync_interests"])
	}

	bad := e.do("PATCH", "contacts("+id+")", map[string]any{"crmsync_interests": "100000001,42"})
	if bad.status != 400 || bad.errCode() != codeBadOption || !strings.Contains(bad.errMessage(), "'crmsync_interests'") || !strings.Contains(bad.errMessage(), "42") {
		t.Fatalf("an unknown option: %d %s", bad.status, bad.raw)
	}
	if bad := e.do("PATCH", "contacts("+id+")", map[string]any{"crmsync_interests": "webinars"}); bad.status != 400 {
		t.Fatalf("a word for an option: %d %s", bad.status, bad.raw)
	}
	if bad := e.do("PATCH", "contacts("+id+")", map[string]any{"crmsync_interests": []int{100000001}}); bad.status != 400 {
		t.Fatalf("an array: %d %s", bad.status, bad.raw)
	}
	if rec, _ := e.sim.Get("contacts", id); rec.Fields["crmsync_interests"] != "100000000,100000002" {
		t.Fatalf("a refused update changed the row: %v", rec.Fields["crmsync_interests"])
	}

	e.must(e.do("PATCH", "contacts("+id+")", map[string]any{"crmsync_interests": "100000004,100000001,100000004"}), 204)
	if got := e.must(e.do("GET", "contacts("+id+")?$select=crmsync_interests", nil), 200); got.body["crmsync_interests"] != "100000004,100000001" {
		t.Fatalf("after an update %v", got.body["crmsync_interests"])
	}
	for _, clear := range []any{nil, ""} {
		e.must(e.do("PATCH", "contacts("+id+")", map[string]any{"crmsync_interests": "100000003"}), 204)
		e.must(e.do("PATCH", "contacts("+id+")", map[string]any{"crmsync_interests": clear}), 204)
		got := e.must(e.do("GET", "contacts("+id+")?$select=crmsync_interests", nil), 200)
		if v, ok := got.body["crmsync_interests"]; !ok || v != nil {
			t.Fatalf("cleared with %#v: %s", clear, got.raw)
		}
	}
}

// A query selects the column, filters on modifiedon beside it, and
// ContainValues / DoesNotContainValues find rows by their choices; change
// tracking returns the column too.
func TestMultiSelectQueries(t *testing.T) {
	e := newEnv(t, Options{})
	for name, set := range map[string]string{"Hiker": "100000001", "Both": "100000001,100000003", "Neither": "100000000", "None": ""} {
		body := map[string]any{"lastname": name}
		if set != "" {
			body["crmsync_interests"] = set
		}
		e.must(e.do("POST", "contacts", body), 204)
	}
	names := func(r reply) string {
		var out []string
		for _, v := range r.values() {
			out = append(out, fmt.Sprintf("%v=%v", v["lastname"], v["crmsync_interests"]))
		}
		return strings.Join(out, " ")
	}
	r := e.must(e.do("GET", "contacts?$select=lastname,crmsync_interests&$filter=modifiedon ge 2026-11-01T00:00:00Z&$orderby=lastname", nil), 200)
	if got := names(r); got != "Both=100000001,100000003 Hiker=100000001 Neither=100000000 None=<nil>" {
		t.Fatalf("query: %s", got)
	}
	q := "contacts?$select=lastname,crmsync_interests&$orderby=lastname&$filter=" +
		url.QueryEscape("Microsoft.Dynamics.CRM.ContainValues(PropertyName='crmsync_interests',PropertyValues=['100000001'])")
	if got := names(e.must(e.do("GET", q, nil), 200)); got != "Both=100000001,100000003 Hiker=100000001" {
		t.Fatalf("ContainValues: %s", got)
	}
	q = "contacts?$select=lastname&$orderby=lastname&$filter=" +
		url.QueryEscape("Microsoft.Dynamics.CRM.DoesNotContainValues(PropertyName='crmsync_interests',PropertyValues=['100000001'])")
	if got := names(e.must(e.do("GET", q, nil), 200)); got != "Neither=<nil> None=<nil>" {
		t.Fatalf("DoesNotContainValues: %s", got)
	}
	if r := e.do("GET", "contacts?$filter="+url.QueryEscape("Microsoft.Dynamics.CRM.ContainValues(PropertyName='lastname',PropertyValues=['1'])"), nil); r.status != 400 {
		t.Fatalf("ContainValues on a text column: %d %s", r.status, r.raw)
	}
	track := e.must(e.do("GET", "contacts?$select=lastname,crmsync_interests", nil, "Prefer", "odata.track-changes"), 200)
	if got := names(track); !strings.Contains(got, "Both=100000001,100000003") {
		t.Fatalf("change tracking: %s", got)
	}
}

// SeedContacts stores the interests as Dataverse returns them and refuses
// an option the column lacks.
func TestSeedContactsInterests(t *testing.T) {
	e := newEnv(t, Options{})
	ids, err := e.sim.SeedContacts([]ContactSeed{{LastName: "Seeded", Interests: []int{InterestEvents, InterestProductUpdates}}, {LastName: "Plain"}})
	if err != nil {
		t.Fatal(err)
	}
	if rec, _ := e.sim.Get("contacts", ids[0]); rec.Fields["crmsync_interests"] != "100000002,100000000" {
		t.Fatalf("seeded %v", rec.Fields["crmsync_interests"])
	}
	if rec, _ := e.sim.Get("contacts", ids[1]); rec.Fields["crmsync_interests"] != nil {
		t.Fatalf("unseeded %v", rec.Fields["crmsync_interests"])
	}
	if _, err := e.sim.SeedContacts([]ContactSeed{{LastName: "Bad", Interests: []int{7}}}); err == nil || !strings.Contains(err.Error(), "crmsync_interests") {
		t.Fatalf("a bad option: %v", err)
	}
}
