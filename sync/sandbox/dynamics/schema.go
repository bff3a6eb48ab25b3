package dynamics

import (
	"fmt"
	"strings"
)

// Attribute kinds of the simulated columns (AttributeMetadata.AttributeType values of the
// Web API reference, https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/attributetypecode).
const (
	kindString = "String"
	kindMemo   = "Memo"
	kindDate   = "DateTime" // DateOnly behaviour: Edm.Date on the wire
	kindTime   = "DateTime" // UserLocal/TimeZoneIndependent: Edm.DateTimeOffset
	kindInt    = "Integer"
	kindID     = "Uniqueidentifier"
	kindLookup = "Lookup"
	kindCust   = "Customer"
	kindState  = "State"
	kindStatus = "Status"
)

// edm* are the OData types of the properties, used in type errors and literals.
const (
	edmString = "Edm.String"
	edmDate   = "Edm.Date"
	edmTime   = "Edm.DateTimeOffset"
	edmInt    = "Edm.Int32"
	edmGUID   = "Edm.Guid"
)

// attrDef is one column. Lengths and ranges are those of the contact and account
// EntityType/table references
// (https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/contact and .../account).
type attrDef struct {
	name        string // logical name
	schema      string // SchemaName
	display     string
	kind        string // AttributeType
	edm         string
	format      string // String format: Text, Email, Phone, Url, TextArea
	maxLen      int
	minInt      int64
	maxInt      int64
	required    string // None, SystemRequired, ApplicationRequired, Recommended
	create      bool   // IsValidForCreate
	update      bool   // IsValidForUpdate
	dateOnly    bool
	targets     []string // lookup targets (entity logical names)
	navs        []string // single-valued navigation properties, parallel to targets
	attributeOf string
	virtual     bool // not a Web API property (e.g. parentcustomeridname)
}

// prop is the Web API property name: lookups surface as _<name>_value
// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-properties#lookup-properties).
func (a *attrDef) prop() string {
	if a.kind == kindLookup || a.kind == kindCust {
		return "_" + a.name + "_value"
	}
	return a.name
}

func (a *attrDef) typeName() string {
	switch a.kind {
	case kindString:
		return "StringType"
	case kindMemo:
		return "MemoType"
	case kindInt:
		return "IntegerType"
	case kindID:
		return "UniqueidentifierType"
	case kindLookup:
		return "LookupType"
	case kindCust:
		return "CustomerType"
	case kindState:
		return "StateType"
	case kindStatus:
		return "StatusType"
	}
	return "DateTimeType"
}

func (a *attrDef) metadataType() string {
	switch a.kind {
	case kindString:
		return "StringAttributeMetadata"
	case kindMemo:
		return "MemoAttributeMetadata"
	case kindInt:
		return "IntegerAttributeMetadata"
	case kindLookup, kindCust:
		return "LookupAttributeMetadata"
	case kindState:
		return "StateAttributeMetadata"
	case kindStatus:
		return "StatusAttributeMetadata"
	case kindID:
		return "AttributeMetadata"
	}
	return "DateTimeAttributeMetadata"
}

// entityDef is one table.
type entityDef struct {
	logical, set, schema, display, displayPlural string
	primaryID, primaryName                       string
	objectTypeCode                               int
	metadataID                                   string
	attrs                                        []*attrDef
	byProp                                       map[string]*attrDef // Web API property name -> attr
	byName                                       map[string]*attrDef // logical name -> attr
	navs                                         map[string]navRef   // navigation property -> lookup
}

type navRef struct {
	attr   *attrDef
	target string // entity logical name
}

func (e *entityDef) typeName() string { return "Microsoft.Dynamics.CRM." + e.logical }

func str(name, schema, display string, maxLen int, format, req string) *attrDef {
	return &attrDef{name: name, schema: schema, display: display, kind: kindString, edm: edmString, format: format,
		maxLen: maxLen, required: req, create: true, update: true}
}

func memo(name, schema, display string, maxLen int) *attrDef {
	return &attrDef{name: name, schema: schema, display: display, kind: kindMemo, edm: edmString, format: "TextArea",
		maxLen: maxLen, required: "None", create: true, update: true}
}

func systemAttrs(prefix string) []*attrDef {
	return []*attrDef{
		{name: "createdon", schema: "CreatedOn", display: "Created On", kind: kindTime, edm: edmTime, required: "None"},
		{name: "modifiedon", schema: "ModifiedOn", display: "Modified On", kind: kindTime, edm: edmTime, required: "None"},
		// statecode 0 = Active; statuscode 1 = Active (table reference choices).
		{name: "statecode", schema: "StateCode", display: "Status", kind: kindState, edm: edmInt, required: "SystemRequired", update: true, minInt: 0, maxInt: 1},
		{name: "statuscode", schema: "StatusCode", display: "Status Reason", kind: kindStatus, edm: edmInt, required: "None", create: true, update: true, minInt: 1, maxInt: 2},
	}
}

func newEntity(e *entityDef) *entityDef {
	e.byProp, e.byName, e.navs = map[string]*attrDef{}, map[string]*attrDef{}, map[string]navRef{}
	for _, a := range e.attrs {
		e.byName[a.name] = a
		if !a.virtual {
			e.byProp[a.prop()] = a
		}
		for i, n := range a.navs {
			e.navs[n] = navRef{attr: a, target: a.targets[i]}
		}
	}
	return e
}

// buildSchema returns the contact and account tables with the columns of their table
// references. ApplicationRequired columns (lastname, name) are metadata only: "Dataverse
// doesn't return an error when a column with ApplicationRequired applied doesn't have a
// value" (https://learn.microsoft.com/power-apps/developer/data-platform/entity-attribute-metadata#column-requirement-level).
func buildSchema() map[string]*entityDef {
	contactAttrs := []*attrDef{
		{name: "contactid", schema: "ContactId", display: "Contact", kind: kindID, edm: edmGUID, required: "SystemRequired", create: true},
		str("firstname", "FirstName", "First Name", 50, "Text", "Recommended"),
		str("lastname", "LastName", "Last Name", 50, "Text", "ApplicationRequired"),
		{name: "fullname", schema: "FullName", display: "Full Name", kind: kindString, edm: edmString, format: "Text", maxLen: 160, required: "None"},
		str("emailaddress1", "EMailAddress1", "Email", 100, "Email", "None"),
		str("emailaddress2", "EMailAddress2", "Email Address 2", 100, "Email", "None"),
		str("telephone1", "Telephone1", "Business Phone", 50, "Phone", "None"),
		str("mobilephone", "MobilePhone", "Mobile Phone", 50, "Phone", "None"),
		str("jobtitle", "JobTitle", "Job Title", 100, "Text", "None"),
		str("address1_city", "Address1_City", "Address 1: City", 80, "Text", "None"),
		str("address1_country", "Address1_Country", "Address 1: Country/Region", 80, "Text", "None"),
		memo("description", "Description", "Description", 2000),
		{name: "birthdate", schema: "BirthDate", display: "Birthday", kind: kindDate, edm: edmDate, dateOnly: true, required: "None", create: true, update: true},
		{name: "parentcustomerid", schema: "ParentCustomerId", display: "Company Name", kind: kindCust, edm: edmGUID, required: "None",
			create: true, update: true, targets: []string{"account", "contact"}, navs: []string{"parentcustomerid_account", "parentcustomerid_contact"}},
		{name: "parentcustomeridname", schema: "ParentCustomerIdName", display: "", kind: kindString, edm: edmString, maxLen: 160,
			required: "None", attributeOf: "parentcustomerid", virtual: true},
	}
	accountAttrs := []*attrDef{
		{name: "accountid", schema: "AccountId", display: "Account", kind: kindID, edm: edmGUID, required: "SystemRequired", create: true},
		str("name", "Name", "Account Name", 160, "Text", "ApplicationRequired"),
		str("websiteurl", "WebSiteURL", "Website", 200, "Url", "None"),
		str("telephone1", "Telephone1", "Main Phone", 50, "Phone", "None"),
		str("address1_city", "Address1_City", "Address 1: City", 80, "Text", "None"),
		{name: "numberofemployees", schema: "NumberOfEmployees", display: "Number of Employees", kind: kindInt, edm: edmInt,
			minInt: 0, maxInt: 1_000_000_000, required: "None", create: true, update: true},
		memo("description", "Description", "Description", 2000),
		{name: "primarycontactid", schema: "PrimaryContactId", display: "Primary Contact", kind: kindLookup, edm: edmGUID, required: "None",
			create: true, update: true, targets: []string{"contact"}, navs: []string{"primarycontactid"}},
	}
	contact := newEntity(&entityDef{logical: "contact", set: "contacts", schema: "Contact", display: "Contact", displayPlural: "Contacts",
		primaryID: "contactid", primaryName: "fullname", objectTypeCode: 2, metadataID: "608861bc-50a4-4c5f-a02c-21fe1943e2cf",
		attrs: append(contactAttrs, systemAttrs("contact")...)})
	account := newEntity(&entityDef{logical: "account", set: "accounts", schema: "Account", display: "Account", displayPlural: "Accounts",
		primaryID: "accountid", primaryName: "name", objectTypeCode: 1, metadataID: "70816501-edb9-4740-a16c-6a5efbc05d84",
		attrs: append(accountAttrs, systemAttrs("account")...)})
	return map[string]*entityDef{"contacts": contact, "accounts": account}
}

// attrMetadataID derives a stable MetadataId for an attribute.
func attrMetadataID(e *entityDef, a *attrDef) string {
	h := uint64(14695981039346656037)
	for _, c := range e.logical + "." + a.name {
		h = (h ^ uint64(c)) * 1099511628211
	}
	s := fmt.Sprintf("%016x%016x", h, h*31+7)
	return strings.Join([]string{s[0:8], s[8:12], "4" + s[13:16], "8" + s[17:20], s[20:32]}, "-")
}
