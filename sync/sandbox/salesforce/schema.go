package salesforce

import "strings"

// PicklistValue is one describe picklist entry.
type PicklistValue struct {
	Value        string `json:"value"`
	Label        string `json:"label"`
	Active       bool   `json:"active"`
	DefaultValue bool   `json:"defaultValue"`
	// ValidFor, on a dependent picklist's value, is describe's base64
	// bitmap over the controlling field's values: bit i (most significant
	// bit first) set means the value is valid when the controller holds
	// its i-th value (statecountry.go).
	ValidFor string `json:"validFor,omitempty"`
}

// Field is one describe field.
type Field struct {
	Name              string
	Label             string
	Type              string // string|email|phone|url|picklist|date|datetime|double|currency|percent|boolean|id|reference|textarea
	Length            int
	Nillable          bool
	Createable        bool
	Updateable        bool
	Unique            bool
	ExternalID        bool
	DefaultedOnCreate bool
	Calculated        bool
	Picklist          []PicklistValue
	// Restricted is a picklist that refuses values outside its list
	// (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST). Salesforce leaves it false
	// unless an admin restricts the picklist (Metadata API, Picklist/ValueSet
	// restrictedPicklist: "By default this value is false"); an
	// unrestricted picklist stores any value written through the API.
	Restricted  bool
	ReferenceTo []string
	Default     string // applied on create when absent
	// Precision and Scale are a number's digits in all and after the
	// point (describe's precision and scale): the API refuses more than
	// Precision − Scale whole digits and stores more places than Scale
	// as sent (numbers.go).
	Precision, Scale int
	// Controller names the controlling field of a dependent picklist
	// (describe's controllerName); its values carry ValidFor.
	Controller string
	// address marks a State and Country/Territory Picklists code field
	// ("country" or "state"): the org's address rule checks it, not the
	// plain restricted-picklist check (statecountry.go).
	address string
	// hidden: field-level security hides the field from the connected
	// user (HideField); the API answers as if it did not exist.
	hidden bool
}

func (f Field) required() bool { return !f.Nillable && f.Createable && !f.DefaultedOnCreate }

// Object describes one sObject type; records store values by field index.
type Object struct {
	Name   string
	Label  string
	Plural string
	Prefix string
	Fields []Field
	// Custom is a custom object (API name ending in __c); CustomSetting
	// a custom setting, which is a custom object too.
	Custom        bool
	CustomSetting bool
	index         map[string]int // lower-cased name -> index (SOQL and REST field names are case-insensitive)
	// noOwner: the object has no OwnerId (a custom setting), so the
	// field at fOwnerID is another one.
	noOwner bool
	// readOnly: the API cannot create, update or delete its records
	// (User, which an admin manages in Setup); describe says so.
	readOnly bool
	// nameIsID: a record created without a Name is named by its own
	// 15-character id, as a custom object's text Name is.
	nameIsID bool
	// rule, when set, checks a record across its fields once vals are
	// applied to base (nil on create), and may complete vals with the
	// fields Salesforce derives.
	rule func(o *Object, base []string, vals map[int]string) *recError
	// frozen, when set, reports why a stored record (its vals) can no
	// longer be updated at all, as a converted Lead cannot.
	frozen func(o *Object, vals []string) *recError
	// dupRules are the object's duplicate rules, active unless Inactive
	// (duplicaterules.go).
	dupRules []DuplicateRule
}

func (o *Object) field(name string) (int, bool) {
	i, ok := o.index[strings.ToLower(name)]
	return i, ok
}

// visible is field for a name the API caller sent: a field hidden from
// the connected user by field-level security is not found.
func (o *Object) visible(name string) (int, bool) {
	i, ok := o.field(name)
	return i, ok && !o.Fields[i].hidden
}

// Fixed indexes of the system fields every object starts with.
const (
	fID = iota
	fIsDeleted
	fCreatedDate
	fCreatedByID
	fLastModifiedDate
	fLastModifiedByID
	fSystemModstamp
	fOwnerID
	numSystem
)

func picklist(values ...string) []PicklistValue {
	out := make([]PicklistValue, len(values))
	for i, v := range values {
		out[i] = PicklistValue{Value: v, Label: v, Active: true}
	}
	return out
}

func str(name, label string, length int) Field {
	return Field{Name: name, Label: label, Type: "string", Length: length, Nillable: true, Createable: true, Updateable: true}
}

func typed(name, label, typ string) Field {
	f := Field{Name: name, Label: label, Type: typ, Nillable: true, Createable: true, Updateable: true}
	switch typ {
	case "email":
		f.Length = 80
	case "phone":
		f.Length = 40
	case "url":
		f.Length = 255
	case "textarea":
		f.Length = 32000
	case "picklist":
		f.Length = 255
	case "multipicklist":
		f.Length = 4099
	}
	f.Precision, f.Scale = numberShape(typ)
	return f
}

func pick(name, label string, values ...string) Field {
	f := typed(name, label, "picklist")
	f.Picklist = picklist(values...)
	return f
}

// buyingRole is a custom multi-select picklist an org that sells with
// HubSpot might add to Contact, as HubSpot's own "Buying Role".
// Its admin restricted it to its values.
func buyingRole() Field {
	f := typed("Buying_Role__c", "Buying Role", "multipicklist")
	f.Picklist = picklist("Blocker", "Budget Holder", "Champion", "Decision Maker", "End User", "Executive Sponsor", "Influencer", "Other")
	f.Restricted = true
	return f
}

// restricted marks a picklist restricted to its values.
func restricted(f Field) Field { f.Restricted = true; return f }

func ref(name, label, to string) Field {
	f := typed(name, label, "reference")
	f.Length = 18
	f.ReferenceTo = []string{to}
	return f
}

// whoID is a Task's or Event's WhoId: the Contact or Lead it is about
// (Object Reference: Task, Event, "WhoId ... Refers to: Contact, Lead").
func whoID() Field {
	f := ref("WhoId", "Name ID", "Contact")
	f.ReferenceTo = []string{"Contact", "Lead"}
	return f
}

func required(f Field) Field { f.Nillable = false; return f }

// master is MasterRecordId: set by Salesforce on the records a merge
// deleted, naming the one they were merged into. Nobody writes it.
func master(object string) Field {
	return Field{Name: "MasterRecordId", Label: "Master Record ID", Type: "reference", Length: 18, Nillable: true, ReferenceTo: []string{object}}
}

func extKey() Field {
	f := str("Crmsync_Key__c", "crmsync Key", 255)
	f.Unique, f.ExternalID = true, true
	return f
}

func newObject(name, label, plural, prefix string, fields ...Field) *Object {
	sys := []Field{
		{Name: "Id", Label: label + " ID", Type: "id", Length: 18, DefaultedOnCreate: true},
		{Name: "IsDeleted", Label: "Deleted", Type: "boolean", DefaultedOnCreate: true},
		{Name: "CreatedDate", Label: "Created Date", Type: "datetime", DefaultedOnCreate: true},
		{Name: "CreatedById", Label: "Created By ID", Type: "reference", Length: 18, DefaultedOnCreate: true, ReferenceTo: []string{"User"}},
		{Name: "LastModifiedDate", Label: "Last Modified Date", Type: "datetime", DefaultedOnCreate: true},
		{Name: "LastModifiedById", Label: "Last Modified By ID", Type: "reference", Length: 18, DefaultedOnCreate: true, ReferenceTo: []string{"User"}},
		{Name: "SystemModstamp", Label: "System Modstamp", Type: "datetime", DefaultedOnCreate: true},
		{Name: "OwnerId", Label: "Owner ID", Type: "reference", Length: 18, Createable: true, Updateable: true, DefaultedOnCreate: true, ReferenceTo: []string{"User"}},
	}
	o := &Object{Name: name, Label: label, Plural: plural, Prefix: prefix, Fields: append(sys, fields...)}
	reindex(o)
	return o
}

// reindex rebuilds o's name index after its Fields change.
func reindex(o *Object) {
	o.index = make(map[string]int, len(o.Fields))
	for i, f := range o.Fields {
		o.index[strings.ToLower(f.Name)] = i
	}
}

func objects() map[string]*Object {
	leadSource := []string{"Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"}
	industry := []string{"Agriculture", "Banking", "Consulting", "Education", "Healthcare", "Manufacturing", "Retail", "Technology", "Other"}
	name := Field{Name: "Name", Label: "Full Name", Type: "string", Length: 121, Calculated: true}
	contact := newObject("Contact", "Contact", "Contacts", "003",
		str("FirstName", "First Name", 40), required(str("LastName", "Last Name", 80)), name,
		typed("Email", "Email", "email"), typed("Phone", "Business Phone", "phone"), typed("MobilePhone", "Mobile Phone", "phone"),
		str("Title", "Title", 128), str("Department", "Department", 80), ref("AccountId", "Account ID", "Account"),
		pick("LeadSource", "Lead Source", leadSource...), str("MailingCity", "Mailing City", 40), str("MailingState", "Mailing State/Province", 80),
		str("MailingCountry", "Mailing Country", 80),
		typed("Birthdate", "Birthdate", "date"), typed("Description", "Contact Description", "textarea"),
		Field{Name: "HasOptedOutOfEmail", Label: "Email Opt Out", Type: "boolean", Createable: true, Updateable: true, DefaultedOnCreate: true, Default: "false"},
		buyingRole(), master("Contact"), extKey())
	account := newObject("Account", "Account", "Accounts", "001",
		required(str("Name", "Account Name", 255)), typed("Website", "Website", "url"), typed("Phone", "Account Phone", "phone"),
		pick("Industry", "Industry", industry...), pick("Type", "Account Type", "Prospect", "Customer - Direct", "Customer - Channel", "Partner", "Other"),
		wholeCurrency("AnnualRevenue", "Annual Revenue"), str("BillingCity", "Billing City", 40), str("BillingState", "Billing State/Province", 80),
		str("BillingCountry", "Billing Country", 80),
		typed("Description", "Account Description", "textarea"), master("Account"), extKey())
	stage := required(pick("StageName", "Stage", "Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
		"Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"))
	opp := newObject("Opportunity", "Opportunity", "Opportunities", "006",
		required(str("Name", "Name", 120)), stage, required(typed("CloseDate", "Close Date", "date")),
		typed("Amount", "Amount", "currency"), typed("Probability", "Probability (%)", "percent"), ref("AccountId", "Account ID", "Account"),
		pick("LeadSource", "Lead Source", leadSource...), typed("Description", "Description", "textarea"), extKey())
	status := pick("Status", "Status", "Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted")
	status.Nillable, status.DefaultedOnCreate, status.Default = false, true, "Open - Not Contacted"
	status.Picklist[0].DefaultValue = true
	lead := newObject("Lead", "Lead", "Leads", "00Q",
		str("FirstName", "First Name", 40), required(str("LastName", "Last Name", 80)), name, required(str("Company", "Company", 255)),
		typed("Email", "Email", "email"), typed("Phone", "Phone", "phone"), str("Title", "Title", 128), status,
		pick("LeadSource", "Lead Source", leadSource...), pick("Industry", "Industry", industry...), str("City", "City", 40),
		typed("Description", "Description", "textarea"), master("Lead"), extKey(),
		// Lead has the Contact's Email Opt Out (Object Reference: Lead).
		Field{Name: "HasOptedOutOfEmail", Label: "Email Opt Out", Type: "boolean", Createable: true, Updateable: true, DefaultedOnCreate: true, Default: "false"})
	lead.Fields = append(lead.Fields, leadConversionFields()...)
	reindex(lead)
	lead.frozen = convertedLead
	// Task: an activity, linked to its Contact (or Lead) through WhoId.
	taskStatus := pick("Status", "Status", "Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
	taskStatus.Nillable, taskStatus.DefaultedOnCreate, taskStatus.Default = false, true, "Not Started"
	taskStatus.Picklist[0].DefaultValue = true
	priority := pick("Priority", "Priority", "High", "Normal", "Low")
	priority.Nillable, priority.DefaultedOnCreate, priority.Default = false, true, "Normal"
	priority.Picklist[1].DefaultValue = true
	// A logged call is a Task of subtype Call, which is set on create only.
	// TaskSubtype and CallType hold values Salesforce itself defines (no
	// admin edits them): restricted, unlike the org's own picklists.
	subtype := restricted(pick("TaskSubtype", "Task Subtype", "Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"))
	subtype.Updateable, subtype.DefaultedOnCreate, subtype.Default = false, true, "Task"
	task := newObject("Task", "Task", "Tasks", "00T",
		str("Subject", "Subject", 255), taskStatus, priority, typed("ActivityDate", "Due Date Only", "date"),
		typed("Description", "Comments", "textarea"), whoID(), subtype,
		restricted(pick("CallType", "Call Type", "Internal", "Inbound", "Outbound")), typed("CallDurationInSeconds", "Call Duration", "int"),
		str("CallDisposition", "Call Result", 255), extKey())
	return map[string]*Object{"contact": contact, "account": account, "opportunity": opp, "lead": lead, "task": task, "event": eventObject(), "note": noteObject(),
		"project__c": projectObject(), "integration_settings__c": settingsObject(), "user": userObject()}
}

// noteObject is the classic Note (Object Reference, "Note"): a title of at
// most 80 characters, which it needs, a plain-text body of at most 32 KB,
// and the record it is attached to, ParentId, which can be set on create
// only and names any of several objects. A Note takes no custom fields, so
// it has no External ID to upsert by.
func noteObject() *Object {
	parent := required(ref("ParentId", "Parent ID", "Contact"))
	parent.ReferenceTo = []string{"Contact", "Account", "Opportunity", "Lead"}
	parent.Updateable = false
	private := typed("IsPrivate", "Private", "boolean")
	private.Nillable, private.DefaultedOnCreate, private.Default = false, true, "false"
	return newObject("Note", "Note", "Notes", "002",
		required(str("Title", "Title", 80)), typed("Body", "Body", "textarea"), parent, private)
}
