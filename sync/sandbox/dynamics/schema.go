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
	kindPick   = "Picklist"
	kindMoney  = "Money"
	// kindDecimal and kindDouble are Decimal number and Float columns
	// (DecimalAttributeMetadata, DoubleAttributeMetadata; AddNumberColumn).
	kindDecimal = "Decimal"
	kindDouble  = "Double"
	kindBool    = "Boolean"    // Two options: Edm.Boolean on the wire
	kindOwner   = "Owner"      // ownerid: a lookup to systemuser or team
	kindEntity  = "EntityName" // a table's logical name, e.g. annotation.objecttypecode
	// kindMulti is a multi-select choice ("Choices") column: AttributeType Virtual with
	// AttributeTypeName MultiSelectPicklistType, a MultiSelectPicklistAttributeMetadata
	// whose value is a string of option values separated by commas on the wire
	// (https://learn.microsoft.com/power-apps/developer/data-platform/multi-select-picklist;
	// the Web API metadata operations sample creates one with "AttributeType": "Virtual",
	// "AttributeTypeName": {"Value": "MultiSelectPicklistType"}).
	kindMulti = "Virtual"
)

// edm* are the OData types of the properties, used in type errors and literals.
const (
	edmString = "Edm.String"
	edmDate   = "Edm.Date"
	edmTime   = "Edm.DateTimeOffset"
	edmInt    = "Edm.Int32"
	edmGUID   = "Edm.Guid"
	edmDec    = "Edm.Decimal"
	edmDouble = "Edm.Double"
	edmBool   = "Edm.Boolean"
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
	// rels are the relationship SchemaNames, parallel to targets ("" = made up);
	// cascade is each relationship's CascadeConfiguration Delete ("Cascade" or
	// "RemoveLink"; "" = RemoveLink).
	rels    []string
	cascade []string
	// options are the choices of Picklist, State and Status columns; global names
	// a global choice (GlobalChoiceName of the table reference), "" = local.
	options []option
	global  string
	// minMoney/maxMoney/precision are a Money column's range and precision.
	minMoney, maxMoney float64
	precision          int
	// ownPrecision marks a money column stored at its precision whatever
	// its row's currency (PrecisionSource 0; SetMoneyPrecision).
	ownPrecision bool
	// orgPrecision marks a money column stored at the organization's
	// pricing decimal precision (PrecisionSource 1; UsePricingPrecision).
	orgPrecision bool
	// defBool, trueLabel and falseLabel are a Boolean column's DefaultValue and labels.
	defBool               bool
	trueLabel, falseLabel string
	// typeOf names the lookup whose row's table an EntityName column reports.
	typeOf string
	// custom marks a column an organization added (IsCustomAttribute), with a
	// publisher prefix such as crmsync_.
	custom bool
}

// option is one choice (OptionMetadata): its Value and its 1033 label; state is the
// statecode a statuscode option belongs to, defStatus a statecode option's DefaultStatus.
type option struct {
	value     int64
	label     string
	state     int64
	defStatus int64
}

func (a *attrDef) hasOption(v int64) bool {
	for _, o := range a.options {
		if o.value == v {
			return true
		}
	}
	return false
}

// prop is the Web API property name: lookups surface as _<name>_value
// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-properties#lookup-properties).
func (a *attrDef) prop() string {
	if a.isLookup() {
		return "_" + a.name + "_value"
	}
	return a.name
}

// isLookup is true for the columns read as _x_value and written with @odata.bind.
func (a *attrDef) isLookup() bool {
	return a.kind == kindLookup || a.kind == kindCust || a.kind == kindOwner
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
	case kindPick:
		return "PicklistType"
	case kindMoney:
		return "MoneyType"
	case kindDecimal:
		return "DecimalType"
	case kindDouble:
		return "DoubleType"
	case kindBool:
		return "BooleanType"
	case kindOwner:
		return "OwnerType"
	case kindEntity:
		return "EntityNameType"
	case kindMulti:
		return "MultiSelectPicklistType"
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
	case kindLookup, kindCust, kindOwner:
		return "LookupAttributeMetadata"
	case kindState:
		return "StateAttributeMetadata"
	case kindStatus:
		return "StatusAttributeMetadata"
	case kindPick:
		return "PicklistAttributeMetadata"
	case kindMoney:
		return "MoneyAttributeMetadata"
	case kindDecimal:
		return "DecimalAttributeMetadata"
	case kindDouble:
		return "DoubleAttributeMetadata"
	case kindBool:
		return "BooleanAttributeMetadata"
	case kindEntity:
		return "EntityNameAttributeMetadata"
	case kindMulti:
		return "MultiSelectPicklistAttributeMetadata"
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
	isActivity                                   bool
	// custom marks a table an organization added (IsCustomEntity), named with its
	// solution publisher's prefix such as crmsync_.
	custom bool
	// ownership is OwnershipType: "" means UserOwned.
	ownership string
	// readOnlyAPI refuses writes through the Web API (systemuser: users come from
	// Microsoft Entra ID; SeedUsers adds them).
	readOnlyAPI   bool
	defaultStatus int64 // statuscode of a new row (DefaultStatus of statecode 0)
	metadataID    string
	attrs         []*attrDef
	byProp        map[string]*attrDef // Web API property name -> attr
	byName        map[string]*attrDef // logical name -> attr
	navs          map[string]navRef   // navigation property -> lookup
	// unsupported are real properties of the table that the simulator does not keep
	// (annotation attachments); writing, selecting or filtering them is refused.
	unsupported map[string]bool
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
	// statecode 0 = Active / 1 = Inactive; statuscode 1 = Active / 2 = Inactive (the
	// contact and account table references' choices).
	return stateStatus(
		[]option{{value: 0, label: "Active", defStatus: 1}, {value: 1, label: "Inactive", defStatus: 2}},
		[]option{{value: 1, label: "Active", state: 0}, {value: 2, label: "Inactive", state: 1}}, prefix)
}

// systemTimes returns createdon and modifiedon (read-only, DateAndTime, UserLocal).
func systemTimes() []*attrDef {
	return []*attrDef{
		{name: "createdon", schema: "CreatedOn", display: "Created On", kind: kindTime, edm: edmTime, required: "None"},
		{name: "modifiedon", schema: "ModifiedOn", display: "Modified On", kind: kindTime, edm: edmTime, required: "None"},
	}
}

// stateStatus returns createdon, modifiedon, statecode and statuscode with the table's choices.
func stateStatus(states, statuses []option, _ string) []*attrDef {
	minMax := func(o []option) (int64, int64) {
		lo, hi := o[0].value, o[0].value
		for _, x := range o {
			lo, hi = min(lo, x.value), max(hi, x.value)
		}
		return lo, hi
	}
	sMin, sMax := minMax(states)
	uMin, uMax := minMax(statuses)
	return append(systemTimes(), []*attrDef{
		{name: "statecode", schema: "StateCode", display: "Status", kind: kindState, edm: edmInt, required: "SystemRequired", update: true,
			minInt: sMin, maxInt: sMax, options: states},
		{name: "statuscode", schema: "StatusCode", display: "Status Reason", kind: kindStatus, edm: edmInt, required: "None", create: true, update: true,
			minInt: uMin, maxInt: uMax, options: statuses},
	}...)
}

func picklist(name, schema, display, global string, opts ...option) *attrDef {
	lo, hi := opts[0].value, opts[0].value
	for _, o := range opts {
		lo, hi = min(lo, o.value), max(hi, o.value)
	}
	return &attrDef{name: name, schema: schema, display: display, kind: kindPick, edm: edmInt, required: "None",
		create: true, update: true, options: opts, global: global, minInt: lo, maxInt: hi}
}

// multiPicklist is a multi-select choice column: "only 150 options can be selected for
// a single column. Also, a default value can't be set" (multi-select-picklist). On the
// wire its value is an Edm.String.
func multiPicklist(name, schema, display string, opts ...option) *attrDef {
	return &attrDef{name: name, schema: schema, display: display, kind: kindMulti, edm: edmString, required: "None",
		create: true, update: true, options: opts}
}

func integer(name, schema, display string, lo, hi int64) *attrDef {
	return &attrDef{name: name, schema: schema, display: display, kind: kindInt, edm: edmInt, minInt: lo, maxInt: hi,
		required: "None", create: true, update: true}
}

func dateOnly(name, schema, display string) *attrDef {
	return &attrDef{name: name, schema: schema, display: display, kind: kindDate, edm: edmDate, dateOnly: true,
		required: "None", create: true, update: true}
}

func dateTime(name, schema, display string) *attrDef {
	return &attrDef{name: name, schema: schema, display: display, kind: kindTime, edm: edmTime,
		required: "None", create: true, update: true}
}

func newEntity(e *entityDef) *entityDef {
	e.byProp, e.byName, e.navs = map[string]*attrDef{}, map[string]*attrDef{}, map[string]navRef{}
	for _, a := range e.attrs {
		e.byName[a.name] = a
		if !a.virtual {
			e.byProp[a.prop()] = a
		}
		for i, n := range a.navs {
			if n != "" {
				e.navs[n] = navRef{attr: a, target: a.targets[i]}
			}
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
		interestsColumn(),
		// The marketing opt-out ("Do not allow Bulk Emails") of the contact table
		// reference (learn.microsoft.com/power-apps/developer/data-platform/reference/entities/contact).
		boolean("donotbulkemail", "DoNotBulkEMail", "Do not allow Bulk Emails", "contact_donotbulkemail", false, "Do Not Allow", "Allow"),
		ownerAttr(), // OwnerId (Type Owner, Targets systemuser, team) of the contact table reference
		originatingLead("contact"),
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
		ownerAttr(), // OwnerId of the account table reference
		originatingLead("account"),
	}
	contact := newEntity(&entityDef{logical: "contact", set: "contacts", schema: "Contact", display: "Contact", displayPlural: "Contacts",
		primaryID: "contactid", primaryName: "fullname", objectTypeCode: 2, defaultStatus: 1, metadataID: "608861bc-50a4-4c5f-a02c-21fe1943e2cf",
		attrs: append(contactAttrs, systemAttrs("contact")...)})
	account := newEntity(&entityDef{logical: "account", set: "accounts", schema: "Account", display: "Account", displayPlural: "Accounts",
		primaryID: "accountid", primaryName: "name", objectTypeCode: 1, defaultStatus: 1, metadataID: "70816501-edb9-4740-a16c-6a5efbc05d84",
		attrs: append(accountAttrs, systemAttrs("account")...)})
	return map[string]*entityDef{"contacts": contact, "accounts": account,
		"opportunities": opportunityDef(), "tasks": taskDef(),
		"phonecalls": phoneCallDef(), "appointments": appointmentDef(), "annotations": annotationDef(),
		"crmsync_projects": projectDef(), "systemusers": systemUserDef(), "leads": leadDef(),
		"transactioncurrencies": transactionCurrencyDef()}
}

// interestsColumn is a custom multi-select choice column of the contact table, as an
// organization whose solution publisher has the prefix "crmsync" (option value prefix
// 10000, so values from 100000000) would add it: the standard contact table has no
// multi-select column. Interest values (Seed: ContactSeed.Interests).
func interestsColumn() *attrDef {
	a := multiPicklist("crmsync_interests", "crmsync_Interests", "Interests",
		option{value: InterestProductUpdates, label: "Product updates"}, option{value: InterestWebinars, label: "Webinars"},
		option{value: InterestEvents, label: "Events"}, option{value: InterestPartnerships, label: "Partnerships"},
		option{value: InterestPricing, label: "Pricing"})
	a.custom = true
	return a
}

// The options of contact.crmsync_interests.
const (
	InterestProductUpdates = 100000000
	InterestWebinars       = 100000001
	InterestEvents         = 100000002
	InterestPartnerships   = 100000003
	InterestPricing        = 100000004
)

// opportunityDef is the opportunity table of the Dynamics 365 Sales reference
// (https://learn.microsoft.com/dynamics365/sales/developer/entities/opportunity):
// name String 300 ApplicationRequired, description Memo 2000, estimatedvalue Money
// and actualvalue ("Actual Revenue") Money (-1,000,000,000,000..1,000,000,000,000,
// precision 2, PrecisionSource 2), estimatedclosedate and
// actualclosedate DateOnly/DateOnly, closeprobability Integer 0..100, salesstage
// Picklist 0 Qualify / 1 Develop / 2 Propose / 3 Close, stepname String 200,
// parentaccountid Lookup(account) and parentcontactid Lookup(contact) whose navigation
// properties are the column names (relationships opportunity_parent_account and
// opportunity_parent_contact, Delete: RemoveLink), customerid Customer(account, contact)
// with customerid_account / customerid_contact (opportunity_customer_accounts and
// opportunity_customer_contacts, Delete: Cascade), statecode 0 Open / 1 Won / 2 Lost
// (DefaultStatus 1, 3, 4) and statuscode 1 In Progress, 2 On Hold (state 0), 3 Won (1),
// 4 Canceled, 5 Out-Sold (2); Won and Lost are set by the WinOpportunity and
// LoseOpportunity actions, not by an update (opportunityclose.go). ObjectTypeCode 3;
// the MetadataId is made up [unverified].
func opportunityDef() *entityDef {
	attrs := []*attrDef{
		{name: "opportunityid", schema: "OpportunityId", display: "Opportunity", kind: kindID, edm: edmGUID, required: "SystemRequired", create: true},
		str("name", "Name", "Topic", 300, "Text", "ApplicationRequired"),
		memo("description", "Description", "Description", 2000),
		{name: "estimatedvalue", schema: "EstimatedValue", display: "Est. revenue", kind: kindMoney, edm: edmDec, required: "None",
			create: true, update: true, minMoney: -1_000_000_000_000, maxMoney: 1_000_000_000_000, precision: 2},
		dateOnly("estimatedclosedate", "EstimatedCloseDate", "Est. close date"),
		dateOnly("actualclosedate", "ActualCloseDate", "Actual Close Date"),
		{name: "actualvalue", schema: "ActualValue", display: "Actual Revenue", kind: kindMoney, edm: edmDec, required: "None",
			create: true, update: true, minMoney: -1_000_000_000_000, maxMoney: 1_000_000_000_000, precision: 2},
		integer("closeprobability", "CloseProbability", "Probability", 0, 100),
		picklist("salesstage", "SalesStage", "Sales Stage", "",
			option{value: 0, label: "Qualify"}, option{value: 1, label: "Develop"}, option{value: 2, label: "Propose"}, option{value: 3, label: "Close"}),
		str("stepname", "StepName", "Pipeline Phase", 200, "Text", "None"),
		{name: "parentaccountid", schema: "ParentAccountId", display: "Account", kind: kindLookup, edm: edmGUID, required: "None",
			create: true, update: true, targets: []string{"account"}, navs: []string{"parentaccountid"},
			rels: []string{"opportunity_parent_account"}, cascade: []string{"RemoveLink"}},
		{name: "parentcontactid", schema: "ParentContactId", display: "Contact", kind: kindLookup, edm: edmGUID, required: "None",
			create: true, update: true, targets: []string{"contact"}, navs: []string{"parentcontactid"},
			rels: []string{"opportunity_parent_contact"}, cascade: []string{"RemoveLink"}},
		{name: "customerid", schema: "CustomerId", display: "Potential Customer", kind: kindCust, edm: edmGUID, required: "ApplicationRequired",
			create: true, update: true, targets: []string{"account", "contact"}, navs: []string{"customerid_account", "customerid_contact"},
			rels: []string{"opportunity_customer_accounts", "opportunity_customer_contacts"}, cascade: []string{"Cascade", "Cascade"}},
		ownerAttr(), // OwnerId of the Sales opportunity reference
		originatingLead("opportunity"),
		currencyAttr("TransactionCurrency_Opportunity"), // currencies.go
	}
	attrs = append(attrs, stateStatus(
		[]option{{value: 0, label: "Open", defStatus: 1}, {value: 1, label: "Won", defStatus: 3}, {value: 2, label: "Lost", defStatus: 4}},
		[]option{{value: 1, label: "In Progress", state: 0}, {value: 2, label: "On Hold", state: 0}, {value: 3, label: "Won", state: 1},
			{value: 4, label: "Canceled", state: 2}, {value: 5, label: "Out-Sold", state: 2}}, "opportunity")...)
	return newEntity(&entityDef{logical: "opportunity", set: "opportunities", schema: "Opportunity", display: "Opportunity",
		displayPlural: "Opportunities", primaryID: "opportunityid", primaryName: "name", objectTypeCode: 3,
		metadataID: "4d2b0d27-8f2c-4c5e-9b35-0f7b2a6c3e01", defaultStatus: 1, attrs: attrs})
}

// taskDef is the task activity table
// (https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/task):
// primary id activityid, primary name subject (String 200, ApplicationRequired),
// description Memo 2000, scheduledstart/scheduledend DateTime UserLocal DateAndTime,
// actualdurationminutes Integer 0..2147483647, percentcomplete Integer 0..100,
// prioritycode Picklist 0 Low / 1 Normal / 2 High (global task_prioritycode),
// regardingobjectid Lookup whose navigation properties are
// regardingobjectid_<table>_task (relationships Account_Tasks and Contact_Tasks with
// Delete: Cascade; Opportunity_Tasks from the Sales reference, whose cascade is not
// shown there: Cascade like the others [unverified]), statecode 0 Open / 1 Completed /
// 2 Canceled (DefaultStatus 2, 5, 6) and statuscode 2 Not Started, 3 In Progress,
// 4 Waiting on someone else, 7 Deferred (state 0), 5 Completed (1), 6 Canceled (2).
// ObjectTypeCode 4212; the MetadataId is made up [unverified].
func taskDef() *entityDef {
	attrs := []*attrDef{
		{name: "activityid", schema: "ActivityId", display: "Task", kind: kindID, edm: edmGUID, required: "SystemRequired", create: true},
		str("subject", "Subject", "Subject", 200, "Text", "ApplicationRequired"),
		memo("description", "Description", "Description", 2000),
		dateTime("scheduledstart", "ScheduledStart", "Start Date"),
		dateTime("scheduledend", "ScheduledEnd", "Due Date"),
		integer("actualdurationminutes", "ActualDurationMinutes", "Duration", 0, 2147483647),
		integer("percentcomplete", "PercentComplete", "Percent Complete", 0, 100),
		picklist("prioritycode", "PriorityCode", "Priority", "task_prioritycode",
			option{value: 0, label: "Low"}, option{value: 1, label: "Normal"}, option{value: 2, label: "High"}),
		{name: "regardingobjectid", schema: "RegardingObjectId", display: "Regarding", kind: kindLookup, edm: edmGUID, required: "None",
			create: true, update: true, targets: []string{"account", "contact", "opportunity"},
			navs:    []string{"regardingobjectid_account_task", "regardingobjectid_contact_task", "regardingobjectid_opportunity_task"},
			rels:    []string{"Account_Tasks", "Contact_Tasks", "Opportunity_Tasks"},
			cascade: []string{"Cascade", "Cascade", "Cascade"}},
		ownerAttr(), // OwnerId of the task table reference
	}
	attrs = append(attrs, stateStatus(
		[]option{{value: 0, label: "Open", defStatus: 2}, {value: 1, label: "Completed", defStatus: 5}, {value: 2, label: "Canceled", defStatus: 6}},
		[]option{{value: 2, label: "Not Started", state: 0}, {value: 3, label: "In Progress", state: 0}, {value: 4, label: "Waiting on someone else", state: 0},
			{value: 5, label: "Completed", state: 1}, {value: 6, label: "Canceled", state: 2}, {value: 7, label: "Deferred", state: 0}}, "task")...)
	return newEntity(&entityDef{logical: "task", set: "tasks", schema: "Task", display: "Task", displayPlural: "Tasks",
		primaryID: "activityid", primaryName: "subject", objectTypeCode: 4212, isActivity: true,
		metadataID: "9c3f6a51-2b7e-4d0a-8e64-5a1d7c2b9f02", defaultStatus: 2, attrs: attrs})
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
