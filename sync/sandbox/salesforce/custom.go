package salesforce

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// A custom object (Object Reference, "Custom Objects"; REST API
// Developer Guide, "Get a List of Objects") is an sObject whose API name
// ends in __c. It has the standard system fields every object has here
// (Id, IsDeleted, CreatedDate, CreatedById, LastModifiedDate,
// LastModifiedById, SystemModstamp, OwnerId), a standard Name field, and
// the custom fields an admin added, each ending in __c too. The REST API
// treats it like any other sObject: describe, SOQL, sObject Collections,
// upsert by an External ID field.
//
// A custom object's text Name is required in the UI, but a record the API
// creates without one is named by its own 15-character id
// (salesforce.stackexchange.com/questions/139392, [2nd]); so describe
// calls it not nillable and defaulted on create. Clearing it on update
// fails with REQUIRED_FIELD_MISSING [unverified].
func newCustomObject(name, label, plural, prefix, nameLabel string, fields ...Field) *Object {
	nameField := Field{Name: "Name", Label: nameLabel, Type: "string", Length: 80, Createable: true, Updateable: true, DefaultedOnCreate: true}
	o := newObject(name, label, plural, prefix, append([]Field{nameField}, fields...)...)
	o.Custom, o.nameIsID = true, true
	o.rule = keepName
	return o
}

// keepName refuses an update that clears a custom object's Name.
func keepName(o *Object, base []string, vals map[int]string) *recError {
	i, _ := o.field("Name")
	if v, set := vals[i]; base != nil && set && v == "" {
		return &recError{StatusCode: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [Name]", Fields: []string{"Name"}}
	}
	return nil
}

// projectObject is Project__c, the custom object a default sandbox org
// has: a project with a restricted status, a budget, a start date and the
// Contact it is for, and crmsync's External ID to upsert by, as Contact
// has. Its Legacy_Id__c is an External ID that is not unique, as orgs
// that imported data often have: upserting by it could match several
// records. A default org holds no Project__c records.
func projectObject() *Object {
	status := restricted(pick("Status__c", "Status", "Planned", "Active", "Done"))
	legacy := str("Legacy_Id__c", "Legacy ID", 40)
	legacy.ExternalID = true
	return newCustomObject("Project__c", "Project", "Projects", "a01", "Project Name",
		legacy, status, typed("Budget__c", "Budget", "currency"), typed("Start_Date__c", "Start Date", "date"),
		ref("Contact__c", "Contact", "Contact"), extKey())
}

// newSetting builds a list custom setting (Salesforce Help, "Custom
// Settings"): a custom object describeGlobal flags with customSetting,
// whose records are configuration rather than data. It has no owner; its
// Name is required.
func newSetting(name, label, plural, prefix string, fields ...Field) *Object {
	nameField := required(str("Name", "Name", 38))
	o := newObject(name, label, plural, prefix, append([]Field{nameField}, fields...)...)
	o.Fields = slices.Delete(o.Fields, fOwnerID, fOwnerID+1)
	o.index = map[string]int{}
	for i, f := range o.Fields {
		o.index[strings.ToLower(f.Name)] = i
	}
	o.Custom, o.CustomSetting, o.noOwner = true, true, true
	return o
}

// settingsObject is a list custom setting a default org has beside its
// data: a client that lists the org's custom objects must tell the two
// apart.
func settingsObject() *Object {
	return newSetting("Integration_Settings__c", "Integration Settings", "Integration Settings", "a02",
		str("Value__c", "Value", 255))
}

// keyPrefixes is every object's key prefix by its API name, for the
// check that a lookup names a record of the object it points to.
var keyPrefixes = func() map[string]string {
	m := map[string]string{}
	for _, o := range objects() {
		m[o.Name] = o.Prefix
	}
	return m
}()

// feedEnabled lists the standard objects whose Chatter feed tracking a
// new org has on [unverified but for Account, which the REST API
// Developer Guide's example shows feedEnabled].
var feedEnabled = map[string]bool{"Account": true, "Contact": true, "Lead": true, "Opportunity": true}

// objectEntry renders an object's DescribeGlobalSObjectResult, with the
// members and in the order of the REST API Developer Guide's "Get a List
// of Objects" example (developer.salesforce.com/docs/platform/api-rest/
// guide/dome-describeglobal.md), followed by extra members (a describe's
// fields). What a custom setting cannot do (layouts, triggers, search,
// replication, undelete, feeds, recent items) is this sandbox's reading
// [unverified].
func objectEntry(o *Object, version string, extra ...kv) orderedRecord {
	_, mergeable := o.field("MasterRecordId")
	data := !o.CustomSetting
	out := orderedRecord{
		{"activateable", false},
		{"custom", o.Custom},
		{"customSetting", o.CustomSetting},
		{"createable", !o.readOnly},
		{"deletable", !o.readOnly},
		{"deprecatedAndHidden", false},
		{"feedEnabled", feedEnabled[o.Name]},
		{"keyPrefix", o.Prefix},
		{"label", o.Label},
		{"labelPlural", o.Plural},
		{"layoutable", data},
		{"mergeable", mergeable},
		{"mruEnabled", data},
		{"name", o.Name},
		{"queryable", true},
		{"replicateable", data},
		{"retrieveable", true},
		{"searchable", data},
		{"triggerable", data},
		{"undeletable", data && !o.readOnly},
		{"updateable", !o.readOnly},
	}
	out = append(out, extra...)
	return append(out, kv{"urls", map[string]string{
		"sobject":     fmt.Sprintf("/services/data/%s/sobjects/%s", version, o.Name),
		"describe":    fmt.Sprintf("/services/data/%s/sobjects/%s/describe", version, o.Name),
		"rowTemplate": fmt.Sprintf("/services/data/%s/sobjects/%s/{ID}", version, o.Name)}})
}

// handleGlobalDescribe serves GET sobjects (Describe Global): every
// object this org serves, standard and custom, by name.
func (s *Sim) handleGlobalDescribe(w http.ResponseWriter, r *http.Request) {
	names := make([]string, 0, len(s.stores))
	for k := range s.stores {
		names = append(names, k)
	}
	slices.Sort(names)
	out := make([]orderedRecord, 0, len(names))
	for _, k := range names {
		out = append(out, objectEntry(s.stores[k].obj, r.PathValue("version")))
	}
	writeJSON(w, http.StatusOK, orderedRecord{{"encoding", "UTF-8"}, {"maxBatchSize", maxCollection}, {"sobjects", out}})
}
