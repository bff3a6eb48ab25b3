package salesforce

import (
	"strings"
	"testing"
)

// An org with State and Country/Territory Picklists describes the code
// fields as Salesforce does: picklists of ISO codes labelled with names,
// the state's controllerName the country code and each state value's
// validFor a bitmap over the countries. An org without them has none.
func TestStateCountryDescribe(t *testing.T) {
	e := newEnv(t, Options{})
	_, raw := e.do("GET", v+"/sobjects/Contact/describe", nil)
	if strings.Contains(string(raw), "MailingCountryCode") {
		t.Fatal("an org without the picklists describes MailingCountryCode")
	}
	if err := e.sim.EnableStateCountryPicklists(); err != nil {
		t.Fatal(err)
	}
	cc := e.describeField("Contact", "MailingCountryCode")
	if cc["type"] != "picklist" || cc["controllerName"] != nil || cc["dependentPicklist"] != false {
		t.Errorf("MailingCountryCode describe = %v; want a picklist with no controller", cc)
	}
	us := cc["picklistValues"].([]any)[0].(map[string]any)
	if us["value"] != "US" || us["label"] != "United States" {
		t.Errorf("first country value = %v; want US labelled United States", us)
	}
	sc := e.describeField("Contact", "MailingStateCode")
	if sc["controllerName"] != "MailingCountryCode" || sc["dependentPicklist"] != true {
		t.Errorf("MailingStateCode controllerName = %v, dependentPicklist = %v", sc["controllerName"], sc["dependentPicklist"])
	}
	var waValidFor []string
	for _, p := range sc["picklistValues"].([]any) {
		if pv := p.(map[string]any); pv["value"] == "WA" {
			waValidFor = append(waValidFor, pv["validFor"].(string))
		}
	}
	// Washington is valid for the first country (US), Western Australia
	// for the third (AU): bits 0 and 2 of the first byte.
	if len(waValidFor) != 2 || waValidFor[0] != "gA==" || waValidFor[1] != "IA==" {
		t.Errorf("WA validFor = %v; want [gA== IA==]", waValidFor)
	}
	if f := e.describeField("Account", "BillingStateCode"); f["controllerName"] != "BillingCountryCode" {
		t.Errorf("Account BillingStateCode controllerName = %v", f["controllerName"])
	}
}

// Writes through sObject Collections: integration values must be the
// names, codes fill the names and the other way round, and a state must
// belong to its country; each refusal is the record's own
// FIELD_INTEGRITY_EXCEPTION with Salesforce's wording.
func TestStateCountryWrites(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.sim.EnableStateCountryPicklists(); err != nil {
		t.Fatal(err)
	}
	rec := func(fields map[string]any) map[string]any {
		fields["attributes"] = map[string]any{"type": "Contact"}
		return fields
	}
	r, raw := e.do("POST", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
		rec(map[string]any{"LastName": "Name", "MailingCountry": "United States", "MailingState": "California"}),
		rec(map[string]any{"LastName": "Codes", "MailingCountryCode": "au", "MailingStateCode": "WA"}),
		rec(map[string]any{"LastName": "Free text", "MailingCountry": "USA"}),
		rec(map[string]any{"LastName": "Wrong country", "MailingCountry": "Canada", "MailingState": "Texas"}),
		rec(map[string]any{"LastName": "Unknown code", "MailingCountryCode": "XX"}),
		rec(map[string]any{"LastName": "No country", "MailingState": "Texas"}),
	}})
	res := decode[[]map[string]any](t, raw)
	want := []struct{ code, field, msg string }{
		{}, {},
		{"FIELD_INTEGRITY_EXCEPTION", "MailingCountry", "There's a problem with this country, even though it may appear correct."},
		{"FIELD_INTEGRITY_EXCEPTION", "MailingState", "There's a problem with this state, even though it may appear correct."},
		{"FIELD_INTEGRITY_EXCEPTION", "MailingCountryCode", "The MailingCountryCode field contains XX, which isn't an available country/territory."},
		{"FIELD_INTEGRITY_EXCEPTION", "MailingState", "A country/territory must be specified before specifying a state value"},
	}
	if r.StatusCode != 200 || len(res) != len(want) {
		t.Fatalf("create: %d %s", r.StatusCode, raw)
	}
	var ids []string
	for i, w := range want {
		if w.code == "" {
			if res[i]["success"] != true {
				t.Fatalf("record %d: %v", i, res[i])
			}
			ids = append(ids, res[i]["id"].(string))
			continue
		}
		errs, _ := res[i]["errors"].([]any)
		if res[i]["success"] != false || len(errs) == 0 {
			t.Fatalf("record %d: want %s, got %v", i, w.code, res[i])
		}
		got := errs[0].(map[string]any)
		if got["statusCode"] != w.code || !strings.Contains(got["message"].(string), w.msg) || got["fields"].([]any)[0] != w.field {
			t.Errorf("record %d: got %v; want %s on %s: %s", i, got, w.code, w.field, w.msg)
		}
	}
	byName, _ := e.sim.Get("Contact", ids[0])
	if f := byName.Fields; f["MailingCountryCode"] != "US" || f["MailingStateCode"] != "CA" {
		t.Errorf("names wrote codes %q/%q; want US/CA", f["MailingCountryCode"], f["MailingStateCode"])
	}
	byCode, _ := e.sim.Get("Contact", ids[1])
	if f := byCode.Fields; f["MailingCountry"] != "Australia" || f["MailingState"] != "Western Australia" || f["MailingCountryCode"] != "AU" {
		t.Errorf("codes wrote %q/%q (%q); want Australia/Western Australia (AU)", f["MailingCountry"], f["MailingState"], f["MailingCountryCode"])
	}
	// A new country that does not hold the record's state: nothing saved.
	if _, err := e.sim.Update("Contact", ids[0], map[string]string{"MailingCountry": "Canada"}); err == nil || !strings.Contains(err.Error(), "problem with this state") {
		t.Errorf("moving a Californian to Canada: %v; want the state refused", err)
	}
	// Removing the country removes the state.
	cleared, err := e.sim.Update("Contact", ids[0], map[string]string{"MailingCountryCode": ""})
	if err != nil {
		t.Fatal(err)
	}
	if f := cleared.Fields; f["MailingCountry"]+f["MailingState"]+f["MailingStateCode"] != "" {
		t.Errorf("after removing the country: %v; want the whole address gone", f)
	}
}
