package zoho

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The simulated modules (their API names, as in the URL path).
const (
	ModuleContacts = "Contacts"
	ModuleAccounts = "Accounts"
	ModuleDeals    = "Deals"
	ModuleTasks    = "Tasks"
	ModuleCalls    = "Calls"
	ModuleEvents   = "Events" // "Meetings" in the web client; the API name stays Events
	ModuleNotes    = "Notes"
)

// moduleOrder is the order of GET /settings/modules and of metadata id allocation (the
// modules added later come last so the older modules' ids do not move).
var moduleOrder = []string{ModuleAccounts, ModuleContacts, ModuleDeals, ModuleTasks, ModuleEvents, ModuleCalls, ModuleNotes}

// The field data types (data_type in GET /settings/fields) the sandbox knows.
const (
	TypeText        = "text"
	TypeTextarea    = "textarea"
	TypeEmail       = "email"
	TypePhone       = "phone"
	TypeWebsite     = "website"
	TypePicklist    = "picklist"
	TypeDate        = "date"
	TypeDatetime    = "datetime"
	TypeBoolean     = "boolean"
	TypeInteger     = "integer"
	TypeDouble      = "double"
	TypeCurrency    = "currency"
	TypeLookup      = "lookup"
	TypeOwnerLookup = "ownerlookup"
)

// CustomField declares a custom field added to a module (Options.CustomFields).
type CustomField struct {
	APIName   string   // e.g. "Customer_Tier"
	Label     string   // field_label; default APIName with underscores as spaces
	Type      string   // one of the Type* constants except ownerlookup
	Length    int      // default by type (text 255, integer 9, double 16...)
	Values    []string // picklist values
	Lookup    string   // lookup target module (Contacts, Accounts or Deals)
	Unique    bool     // "Do not allow duplicate values"
	Mandatory bool
}

// fieldDef is one field of a module's metadata.
type fieldDef struct {
	apiName, label string
	dataType       string
	length         int
	decimals       int // decimal_place; -1 = null
	readOnly       bool
	mandatory      bool
	custom         bool
	unique         bool
	picklist       []string
	open           bool     // an unrestricted picklist: values outside the list are accepted
	lookup         string   // target module of a lookup
	multi          []string // target modules of a multi-module lookup (Tasks.What_Id, with $se_module)
	parent         bool     // Notes.Parent_Id: a multi-module lookup whose module comes inside the value
	id             int64
}

func (f *fieldDef) jsonType() string {
	switch f.dataType {
	case TypeBoolean:
		return "boolean"
	case TypeInteger:
		return "integer"
	case TypeDouble, TypeCurrency:
		return "double"
	case TypeLookup, TypeOwnerLookup:
		return "jsonobject"
	}
	return "string"
}

// uiType is the ui_type number the web client uses for the type (cosmetic) [unverified].
func (f *fieldDef) uiType() int {
	return map[string]int{TypeText: 1, TypeTextarea: 3, TypeEmail: 25, TypePhone: 33, TypeWebsite: 21,
		TypePicklist: 2, TypeDate: 24, TypeDatetime: 333, TypeBoolean: 301, TypeInteger: 32, TypeDouble: 38,
		TypeCurrency: 36, TypeLookup: 133, TypeOwnerLookup: 8}[f.dataType]
}

// textual reports whether values of the type are stored as strings.
func (f *fieldDef) textual() bool {
	switch f.dataType {
	case TypeText, TypeTextarea, TypeEmail, TypePhone, TypeWebsite, TypePicklist:
		return true
	}
	return false
}

// moduleDef is one module: its fields and records.
type moduleDef struct {
	name, singular string
	plural         string // plural_label; "" = name
	id             int64
	fields         []*fieldDef
	byName         map[string]*fieldDef
	nameField      string // the field that names a record in lookups ("" for Contacts: first and last name)
	dupField       string // the system-defined duplicate check field (upsert doc); "" = none
	noUpsert       bool   // not among the upsert doc's supported modules (Tasks, Calls, Events, Notes)
	noSearch       bool   // no /search (Notes: the Notes API lists none)
	noDeleted      bool   // no /deleted (Notes: the Notes API lists none)
	st             *store
}

func (m *moduleDef) field(api string) *fieldDef { return m.byName[api] }

// uniqueFields are the user-defined unique fields, in metadata order.
func (m *moduleDef) uniqueFields() []*fieldDef {
	var out []*fieldDef
	for _, f := range m.fields {
		if f.unique {
			out = append(out, f)
		}
	}
	return out
}

// Picklist values of the standard fields, from a fresh Zoho CRM org [unverified: the
// exact default lists vary by edition and release].
var (
	leadSources = []string{"-None-", "Advertisement", "Cold Call", "Employee Referral", "External Referral",
		"Online Store", "X (Twitter)", "Facebook", "Partner", "Public Relations", "Sales Email Alias",
		"Seminar Partner", "Internal Seminar", "Trade Show", "Web Download", "Web Research", "Chat"}
	salutations  = []string{"-None-", "Mr.", "Mrs.", "Ms.", "Dr.", "Prof."}
	accountTypes = []string{"-None-", "Analyst", "Competitor", "Customer", "Distributor", "Integrator",
		"Investor", "Other", "Partner", "Press", "Prospect", "Reseller", "Supplier", "Vendor"}
	industries = []string{"-None-", "ASP (Application Service Provider)", "Data/Telecom OEM",
		"ERP (Enterprise Resource Planning)", "Government/Military", "Large Enterprise", "ManagementISV",
		"MSP (Management Service Provider)", "Network Equipment Enterprise", "Non-management ISV",
		"Optical Networking", "Service Provider", "Small/Medium Enterprise", "Storage Equipment",
		"Storage Service Provider", "Systems Integrator", "Wireless Industry", "Communications",
		"Consulting", "Education", "Financial Services", "Healthcare", "Manufacturing", "Technology"}
	ratings    = []string{"-None-", "Acquired", "Active", "Market Failed", "Project Cancelled", "Shut Down"}
	ownerships = []string{"-None-", "Other", "Private", "Public", "Subsidiary", "Partnership",
		"Government", "Privately Held", "Public Company"}
)

// Deal stages and their default probabilities (stage-probability mapping). Zoho's help
// names the standard stages only in passing ("qualification, needs analysis,
// negotiation, closed won, closed lost etc."); this list and its percentages are the one
// Zoho integrations write against [unverified: spellings, notably "Identify Decision
// Makers" and "Closed-Lost to Competition", and whether newer orgs add "Perception
// Analysis"].
var (
	dealStages = []string{"Qualification", "Needs Analysis", "Value Proposition", "Identify Decision Makers",
		"Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost", "Closed-Lost to Competition"}
	stageProbability = map[string]int64{"Qualification": 10, "Needs Analysis": 20, "Value Proposition": 40,
		"Identify Decision Makers": 60, "Proposal/Price Quote": 75, "Negotiation/Review": 90, "Closed Won": 100,
		"Closed Lost": 0, "Closed-Lost to Competition": 0}
	// dealTypes: "New Business or Existing Business" (help: Standard Fields in Deals).
	dealTypes = []string{"-None-", "Existing Business", "New Business"}
	// Task Status and Priority [unverified: Zoho's SDK sample writes "Waiting for Input";
	// whether either picklist has a -None- entry].
	taskStatuses   = []string{"Not Started", "Deferred", "In Progress", "Completed", "Waiting for input"}
	taskPriorities = []string{"High", "Highest", "Low", "Lowest", "Normal"}
	// Call_Type: "The possible values are "Inbound", "Outbound", and "Missed"" (Zoho's
	// Kaizen #38, Calls API) [unverified: list order, no -None- entry].
	callTypes = []string{"Outbound", "Inbound", "Missed"}
	// Outbound_Call_Status: "Scheduled" or "Completed" (the v8 insert doc's Calls
	// samples); the web client also shows Overdue and Cancelled [unverified; not
	// simulated].
	outboundCallStatuses = []string{"Scheduled", "Completed"}
	// Call_Purpose is an unrestricted picklist: "when you specify a new value, the new
	// value gets added to list of options" (Kaizen #38). Default values [unverified].
	callPurposes = []string{"-None-", "Prospecting", "Administrative", "Negotiation", "Demo", "Project", "Desk"}
)

// f builds a standard field; lengths follow Zoho's defaults as far as known [unverified].
func f(api, label, typ string, length int) *fieldDef {
	d := &fieldDef{apiName: api, label: label, dataType: typ, length: length, decimals: -1}
	if typ == TypeDouble || typ == TypeCurrency {
		d.decimals = 2
	}
	return d
}

func pick(api, label string, values []string) *fieldDef {
	d := f(api, label, TypePicklist, 120)
	d.picklist = values
	return d
}

func lookupTo(api, label, module string) *fieldDef {
	d := f(api, label, TypeLookup, 120)
	d.lookup = module
	return d
}

// multiLookup builds a lookup whose target module each record names in $se_module.
func multiLookup(api, label string, modules ...string) *fieldDef {
	d := f(api, label, TypeLookup, 120)
	d.multi = modules
	return d
}

// parentLookup builds Notes.Parent_Id: a lookup into any of modules, whose module the
// value itself names ({"module": {"api_name": "Contacts"}, "id": "..."}).
func parentLookup(api, label string, modules ...string) *fieldDef {
	d := multiLookup(api, label, modules...)
	d.parent = true
	return d
}

func ro(d *fieldDef) *fieldDef        { d.readOnly = true; return d }
func mandatory(d *fieldDef) *fieldDef { d.mandatory = true; return d }
func open(d *fieldDef) *fieldDef      { d.open = true; return d }

// systemFields close every module's list. Tasks, Calls, Events and Notes have no
// Last_Activity_Time (Zoho's SDK field lists for them have none; Deals, Contacts and
// Accounts do).
func systemFields() []*fieldDef {
	return []*fieldDef{ro(f("Created_By", "Created By", TypeOwnerLookup, 120)),
		ro(f("Modified_By", "Modified By", TypeOwnerLookup, 120)),
		ro(f("Created_Time", "Created Time", TypeDatetime, 120)),
		ro(f("Modified_Time", "Modified Time", TypeDatetime, 120)),
		ro(f("Last_Activity_Time", "Last Activity Time", TypeDatetime, 120))}
}

// numSystemFields counts the trailing system fields of a module's standard list.
func numSystemFields(module string) int {
	switch module {
	case ModuleTasks, ModuleCalls, ModuleEvents, ModuleNotes:
		return len(systemFields()) - 1
	}
	return len(systemFields())
}

func contactFields() []*fieldDef {
	fs := []*fieldDef{f("Owner", "Contact Owner", TypeOwnerLookup, 120),
		pick("Lead_Source", "Lead Source", leadSources), pick("Salutation", "Salutation", salutations),
		f("First_Name", "First Name", TypeText, 40), mandatory(f("Last_Name", "Last Name", TypeText, 80)),
		ro(f("Full_Name", "Full Name", TypeText, 120)), lookupTo("Account_Name", "Account Name", ModuleAccounts),
		f("Email", "Email", TypeEmail, 100), f("Secondary_Email", "Secondary Email", TypeEmail, 100),
		f("Title", "Title", TypeText, 100), f("Department", "Department", TypeText, 100),
		f("Phone", "Phone", TypePhone, 30), f("Home_Phone", "Home Phone", TypePhone, 30),
		f("Other_Phone", "Other Phone", TypePhone, 30), f("Fax", "Fax", TypePhone, 30),
		f("Mobile", "Mobile", TypePhone, 30), f("Date_of_Birth", "Date of Birth", TypeDate, 20),
		f("Assistant", "Assistant", TypeText, 100), f("Asst_Phone", "Asst Phone", TypePhone, 30),
		lookupTo("Reports_To", "Reports To", ModuleContacts), f("Email_Opt_Out", "Email Opt Out", TypeBoolean, 5),
		f("Skype_ID", "Skype ID", TypeText, 50), f("Twitter", "Twitter", TypeText, 50)}
	for _, p := range []string{"Street", "City", "State", "Zip", "Country"} {
		length := map[string]int{"Street": 250, "Zip": 30}[p]
		if length == 0 {
			length = 100
		}
		fs = append(fs, f("Mailing_"+p, "Mailing "+p, TypeText, length), f("Other_"+p, "Other "+p, TypeText, length))
	}
	fs = append(fs, f("Description", "Description", TypeTextarea, 32000))
	return append(fs, systemFields()...)
}

func accountFields() []*fieldDef {
	fs := []*fieldDef{f("Owner", "Account Owner", TypeOwnerLookup, 120), pick("Rating", "Rating", ratings),
		mandatory(f("Account_Name", "Account Name", TypeText, 200)), f("Phone", "Phone", TypePhone, 30),
		f("Account_Site", "Account Site", TypeText, 30), f("Fax", "Fax", TypePhone, 30),
		lookupTo("Parent_Account", "Parent Account", ModuleAccounts), f("Website", "Website", TypeWebsite, 255),
		f("Account_Number", "Account Number", TypeText, 40), f("Ticker_Symbol", "Ticker Symbol", TypeText, 30),
		pick("Account_Type", "Account Type", accountTypes), pick("Ownership", "Ownership", ownerships),
		pick("Industry", "Industry", industries), f("Employees", "Employees", TypeInteger, 9),
		f("Annual_Revenue", "Annual Revenue", TypeCurrency, 16), f("SIC_Code", "SIC Code", TypeInteger, 9)}
	for _, p := range []string{"Street", "City", "State", "Code", "Country"} {
		length := map[string]int{"Street": 250, "Code": 30}[p]
		if length == 0 {
			length = 100
		}
		fs = append(fs, f("Billing_"+p, "Billing "+p, TypeText, length), f("Shipping_"+p, "Shipping "+p, TypeText, length))
	}
	fs = append(fs, f("Description", "Description", TypeTextarea, 32000))
	return append(fs, systemFields()...)
}

// dealFields follow help "Standard Fields in Deals" (labels, types, Deal Name 120 and Next
// Step 100 characters, Description 32000) and the API names of Zoho's SDK field list.
// Deal_Name, Stage and Closing_Date are mandatory. The help page also stars Account
// Name; it is optional here [unverified: current orgs let a deal have only a contact].
// Left out: Pipeline (orgs with pipelines), Campaign_Source (Campaigns are not
// simulated) and the analytics fields (Sales_Cycle_Duration, Overall_Sales_Duration,
// Lead_Conversion_Time, Reason_For_Loss__s). Probability is an integer percentage
// (length 3) and Expected_Revenue a read-only currency [unverified lengths].
func dealFields() []*fieldDef {
	fs := []*fieldDef{f("Owner", "Deal Owner", TypeOwnerLookup, 120), f("Amount", "Amount", TypeCurrency, 16),
		mandatory(f("Deal_Name", "Deal Name", TypeText, 120)), mandatory(f("Closing_Date", "Closing Date", TypeDate, 20)),
		lookupTo("Account_Name", "Account Name", ModuleAccounts), mandatory(pick("Stage", "Stage", dealStages)),
		pick("Type", "Type", dealTypes), f("Probability", "Probability (%)", TypeInteger, 3),
		f("Next_Step", "Next Step", TypeText, 100), ro(f("Expected_Revenue", "Expected Revenue", TypeCurrency, 16)),
		pick("Lead_Source", "Lead Source", leadSources), lookupTo("Contact_Name", "Contact Name", ModuleContacts),
		f("Description", "Description", TypeTextarea, 32000)}
	return append(fs, systemFields()...)
}

// taskFields: Who_Id is the "Contact Name" lookup and What_Id the "Related To" lookup
// whose module comes in $se_module (Zoho's SDK create sample: What_Id with "$se_module":
// "Accounts"). Only Accounts and Deals are simulated targets of What_Id (Zoho also allows
// Leads, Products, Cases, Quotes... [unverified list]). Closed_Time is read-only. Left
// out: Remind_At, Recurring_Activity, Tag. Subject length [unverified].
func taskFields() []*fieldDef {
	fs := []*fieldDef{f("Owner", "Task Owner", TypeOwnerLookup, 120), mandatory(f("Subject", "Subject", TypeText, 255)),
		f("Due_Date", "Due Date", TypeDate, 20), lookupTo("Who_Id", "Contact Name", ModuleContacts),
		multiLookup("What_Id", "Related To", ModuleAccounts, ModuleDeals), pick("Status", "Status", taskStatuses),
		pick("Priority", "Priority", taskPriorities), f("Send_Notification_Email", "Send Notification Email", TypeBoolean, 5),
		ro(f("Closed_Time", "Closed Time", TypeDatetime, 120)), f("Description", "Description", TypeTextarea, 32000)}
	return append(fs, systemFields()[:numSystemFields(ModuleTasks)]...)
}

// callFields follow Zoho's SDK field list for Calls and Kaizen #38 (Calls API): Subject,
// Call_Type and Call_Start_Time are mandatory; Call_Duration ("10:00", "the duration of
// the call in mm:ss format", Bigin's Calls response doc; Kaizen #38 says hh:mm) is
// mandatory for a completed call (see checkRules); Call_Duration_in_seconds is read-only
// and derived from it [unverified: that the API refuses writing it]. Outbound_Call_Status
// tells a scheduled outbound call from a logged one (v8 insert doc samples). Who_Id and
// What_Id are as in Tasks. Left out: Call_Status, Call_Agenda, Caller_ID,
// Dialled_Number, Reminder, CTI_Entry, Billable, Tag. Call_Result is plain text here
// [unverified: newer orgs may make it a picklist]; labels and lengths [unverified].
func callFields() []*fieldDef {
	fs := []*fieldDef{f("Owner", "Call Owner", TypeOwnerLookup, 120), mandatory(f("Subject", "Subject", TypeText, 255)),
		mandatory(pick("Call_Type", "Call Type", callTypes)), open(pick("Call_Purpose", "Call Purpose", callPurposes)),
		lookupTo("Who_Id", "Contact Name", ModuleContacts), multiLookup("What_Id", "Related To", ModuleAccounts, ModuleDeals),
		mandatory(f("Call_Start_Time", "Call Start Time", TypeDatetime, 120)), f("Call_Duration", "Call Duration", TypeText, 10),
		ro(f("Call_Duration_in_seconds", "Call Duration (in seconds)", TypeInteger, 9)),
		pick("Outbound_Call_Status", "Outgoing Call Status", outboundCallStatuses), f("Call_Result", "Call Result", TypeText, 255),
		f("Description", "Description", TypeTextarea, 32000)}
	return append(fs, systemFields()[:numSystemFields(ModuleCalls)]...)
}

// eventFields follow Zoho's SDK field list for Events and Kaizen #8 (Events API):
// Event_Title ("a maximum of 255 characters"), Start_DateTime and End_DateTime are
// mandatory, All_day a boolean. Left out: Participants (an array of {type,
// participant}), Remind_At, Recurring_Activity, the Check_In_* fields, Tag. Labels
// [unverified].
func eventFields() []*fieldDef {
	fs := []*fieldDef{f("Owner", "Host", TypeOwnerLookup, 120), mandatory(f("Event_Title", "Title", TypeText, 255)),
		f("Venue", "Location", TypeText, 255), f("All_day", "All day", TypeBoolean, 5),
		mandatory(f("Start_DateTime", "From", TypeDatetime, 120)), mandatory(f("End_DateTime", "To", TypeDatetime, 120)),
		lookupTo("Who_Id", "Contact Name", ModuleContacts), multiLookup("What_Id", "Related To", ModuleAccounts, ModuleDeals),
		f("Description", "Description", TypeTextarea, 32000)}
	return append(fs, systemFields()[:numSystemFields(ModuleEvents)]...)
}

// noteParents are the simulated modules a note can hang off (the create-notes doc lists
// Leads, Accounts, Contacts, Deals, Tasks, Events, Calls... and custom modules).
var noteParents = []string{ModuleAccounts, ModuleContacts, ModuleDeals, ModuleTasks, ModuleEvents, ModuleCalls}

// noteFields follow Zoho's SDK field list for Notes and the v8 notes spec (crm-oas
// notes.yaml): Note_Title up to 120 characters, Note_Content up to 65535, at least one
// of them (EXPECTED_FIELD_MISSING, see checkRules), and Parent_Id ("Parent_Id JSON
// object, mandatory", v7 create-notes doc; the v8 spec leaves it optional in the schema
// [unverified which holds]).
func noteFields() []*fieldDef {
	fs := []*fieldDef{f("Owner", "Note Owner", TypeOwnerLookup, 120), f("Note_Title", "Note Title", TypeText, 120),
		f("Note_Content", "Note Content", TypeTextarea, 65535), mandatory(parentLookup("Parent_Id", "Parent ID", noteParents...))}
	return append(fs, systemFields()[:numSystemFields(ModuleNotes)]...)
}

var customDefaultLength = map[string]int{TypeText: 255, TypeTextarea: 2000, TypeEmail: 100, TypePhone: 30,
	TypeWebsite: 255, TypePicklist: 120, TypeDate: 20, TypeDatetime: 120, TypeBoolean: 5, TypeInteger: 9,
	TypeDouble: 16, TypeCurrency: 16, TypeLookup: 120}

func customDef(c CustomField) (*fieldDef, error) {
	if c.APIName == "" || strings.ContainsAny(c.APIName, " ,:()") {
		return nil, fmt.Errorf("custom field api name %q is invalid", c.APIName)
	}
	length, ok := customDefaultLength[c.Type]
	if !ok {
		return nil, fmt.Errorf("custom field %s: unsupported type %q", c.APIName, c.Type)
	}
	if c.Length > 0 {
		length = c.Length
	}
	d := f(c.APIName, c.Label, c.Type, length)
	if d.label == "" {
		d.label = strings.ReplaceAll(c.APIName, "_", " ")
	}
	d.custom, d.unique, d.mandatory = true, c.Unique, c.Mandatory
	if c.Type == TypePicklist {
		if len(c.Values) == 0 {
			return nil, fmt.Errorf("custom picklist %s has no values", c.APIName)
		}
		d.picklist = append([]string{"-None-"}, c.Values...)
	}
	if c.Type == TypeLookup {
		if c.Lookup != ModuleContacts && c.Lookup != ModuleAccounts && c.Lookup != ModuleDeals {
			return nil, fmt.Errorf("custom lookup %s: target module %q is not simulated", c.APIName, c.Lookup)
		}
		d.lookup = c.Lookup
	}
	return d, nil
}

// buildModules assembles the modules with custom fields (before the system fields) and
// the unique marks of Options.UniqueFields; field ids come from nextID.
func buildModules(o Options, nextID func() int64) (map[string]*moduleDef, error) {
	mods := map[string]*moduleDef{
		ModuleContacts: {name: ModuleContacts, singular: "Contact", fields: contactFields(), dupField: "Email"},
		ModuleAccounts: {name: ModuleAccounts, singular: "Account", fields: accountFields(), nameField: "Account_Name",
			dupField: "Account_Name"},
		// Upsert doc: the system-defined duplicate check field of Deals is Deal_Name; Tasks
		// are not among the upsert's supported modules.
		ModuleDeals: {name: ModuleDeals, singular: "Deal", fields: dealFields(), nameField: "Deal_Name", dupField: "Deal_Name"},
		ModuleTasks: {name: ModuleTasks, singular: "Task", fields: taskFields(), nameField: "Subject", noUpsert: true},
		// Calls and Events (Meetings) are not among the upsert doc's modules either; the
		// insert doc lists them as "Calls" and "Meetings".
		ModuleCalls: {name: ModuleCalls, singular: "Call", fields: callFields(), nameField: "Subject", noUpsert: true},
		ModuleEvents: {name: ModuleEvents, singular: "Meeting", plural: "Meetings", fields: eventFields(),
			nameField: "Event_Title", noUpsert: true},
		// The Notes API (crm-oas notes.yaml) has list, get, create, update and delete only.
		ModuleNotes: {name: ModuleNotes, singular: "Note", fields: noteFields(), nameField: "Note_Title", noUpsert: true,
			noSearch: true, noDeleted: true},
	}
	if len(o.CustomFields[ModuleNotes]) > 0 {
		return nil, fmt.Errorf("module %s takes no custom fields", ModuleNotes) // as in Zoho's Notes layout [unverified]
	}
	for _, name := range moduleOrder {
		m := mods[name]
		m.id = nextID()
		var custom []*fieldDef
		for _, c := range o.CustomFields[name] {
			d, err := customDef(c)
			if err != nil {
				return nil, err
			}
			custom = append(custom, d)
		}
		n := len(m.fields) - numSystemFields(name)
		m.fields = slices.Concat(m.fields[:n], custom, m.fields[n:])
		m.byName = map[string]*fieldDef{}
		for _, fd := range m.fields {
			if m.byName[fd.apiName] != nil {
				return nil, fmt.Errorf("module %s: duplicate field %s", name, fd.apiName)
			}
			fd.id = nextID()
			m.byName[fd.apiName] = fd
		}
		for _, api := range o.UniqueFields[name] {
			fd := m.byName[api]
			if fd == nil || fd.readOnly || !fd.textual() && fd.dataType != TypeInteger {
				return nil, fmt.Errorf("module %s: field %q cannot be unique", name, api)
			}
			fd.unique = true
		}
		m.st = newStore()
	}
	for name, cs := range o.CustomFields {
		if mods[name] == nil && len(cs) > 0 {
			return nil, fmt.Errorf("custom fields for unknown module %q", name)
		}
	}
	return mods, nil
}

// module resolves a path's module name; Zoho matches API names case-insensitively
// [unverified].
func (s *Sim) module(name string) *moduleDef {
	for _, m := range s.modules {
		if strings.EqualFold(m.name, name) {
			return m
		}
	}
	return nil
}

func (s *Sim) renderField(fd *fieldDef, seq int) map[string]any {
	out := map[string]any{"api_name": fd.apiName, "field_label": fd.label, "display_label": fd.label,
		"data_type": fd.dataType, "json_type": fd.jsonType(), "length": fd.length, "decimal_place": nil,
		"read_only": fd.readOnly, "field_read_only": fd.readOnly, "system_mandatory": fd.mandatory,
		"custom_field": fd.custom, "visible": true, "id": idString(fd.id), "ui_type": fd.uiType(),
		"type": "used", "created_source": "default", "searchable": true, "sortable": true, "filterable": true,
		"mass_update": !fd.readOnly, "sequence_number": seq, "unique": map[string]any{}, "lookup": map[string]any{},
		"pick_list_values": []any{}, "currency": map[string]any{},
		"operation_type": map[string]any{"web_update": !fd.readOnly, "api_create": !fd.readOnly,
			"web_create": !fd.readOnly, "api_update": !fd.readOnly},
		"view_type": map[string]any{"view": true, "edit": !fd.readOnly, "quick_create": fd.mandatory, "create": !fd.readOnly}}
	if fd.custom {
		out["created_source"] = "user"
	}
	if fd.decimals >= 0 {
		out["decimal_place"] = fd.decimals
	}
	if fd.unique {
		out["unique"] = map[string]any{"casesensitive": "false"}
	}
	if fd.dataType == TypeCurrency {
		out["currency"] = map[string]any{"rounding_option": "normal", "precision": 2}
	}
	if fd.lookup != "" {
		t := s.modules[fd.lookup]
		out["lookup"] = map[string]any{"display_label": t.singular, "api_name": nil, "id": nil,
			"module": map[string]any{"api_name": t.name, "id": idString(t.id)}}
	}
	// {} as in the getFields example; a multi-module lookup (What_Id) lists its modules
	// per fields.json's multi_module_lookup schema [unverified values].
	out["multi_module_lookup"] = map[string]any{}
	if len(fd.multi) > 0 {
		mods := make([]any, len(fd.multi))
		for i, name := range fd.multi {
			mods[i] = map[string]any{"api_name": name, "id": idString(s.modules[name].id)}
		}
		out["multi_module_lookup"] = map[string]any{"display_label": fd.label, "api_name": fd.apiName, "modules": mods}
	}
	if len(fd.picklist) > 0 {
		vals := make([]any, len(fd.picklist))
		for i, v := range fd.picklist {
			vals[i] = map[string]any{"display_value": v, "actual_value": v, "sequence_number": i + 1,
				"id": idString(fd.id + int64(i+1)*1000), "type": "used", "colour_code": nil}
		}
		out["pick_list_values"] = vals
	}
	return out
}

// settingsModule reads the required ?module= of the settings endpoints.
func (s *Sim) settingsModule(r *http.Request) (*moduleDef, *zerr) {
	name := r.URL.Query().Get("module")
	if name == "" {
		return nil, errRequiredParam("module")
	}
	m := s.module(name)
	if m == nil {
		return nil, badRequest("INVALID_MODULE", "the module name given seems to be invalid", map[string]any{"param_name": "module"})
	}
	return m, nil
}

// handleFields serves GET /crm/v8/settings/fields?module=Contacts[&type=all|used|unused].
func (s *Sim) handleFields(w http.ResponseWriter, r *http.Request) {
	m, e := s.settingsModule(r)
	if e != nil {
		writeErr(w, e)
		return
	}
	switch r.URL.Query().Get("type") {
	case "", "all", "used":
	case "unused": // every simulated field is in use
		writeNoContent(w)
		return
	default:
		writeErr(w, badRequest("INVALID_DATA", "invalid data", map[string]any{"param_name": "type",
			"supported_values": []string{"all", "used", "unused"}}))
		return
	}
	out := make([]any, len(m.fields))
	for i, fd := range m.fields {
		out[i] = s.renderField(fd, i+1)
	}
	writeJSON(w, http.StatusOK, map[string]any{"fields": out})
}

// handleField serves GET /crm/v8/settings/fields/{field}?module=Contacts (field id or API name).
func (s *Sim) handleField(w http.ResponseWriter, r *http.Request) {
	m, e := s.settingsModule(r)
	if e != nil {
		writeErr(w, e)
		return
	}
	key := r.PathValue("field")
	for i, fd := range m.fields {
		if fd.apiName == key || idString(fd.id) == key {
			writeJSON(w, http.StatusOK, map[string]any{"fields": []any{s.renderField(fd, i+1)}})
			return
		}
	}
	writeErr(w, badRequest("INVALID_DATA", "the id given seems to be invalid", map[string]any{"param_name": "field"}))
}

func (s *Sim) renderModule(m *moduleDef, seq int) map[string]any {
	return map[string]any{"api_name": m.name, "module_name": m.name, "singular_label": m.singular,
		"plural_label": cmp.Or(m.plural, m.name), "id": idString(m.id), "api_supported": true, "creatable": true, "editable": true,
		"deletable": true, "viewable": true, "visible": true, "convertable": false, "generated_type": "default",
		"sequence_number": seq, "status": "visible", "recycle_bin_on_delete": true, "per_page": 10,
		"modified_time": nil, "modified_by": nil}
}

// handleModules serves GET /crm/v8/settings/modules: the simulated modules only (a real
// org lists every module) [unverified: trimmed property set].
func (s *Sim) handleModules(w http.ResponseWriter, r *http.Request) {
	out := make([]any, len(moduleOrder))
	for i, name := range moduleOrder {
		out[i] = s.renderModule(s.modules[name], i+1)
	}
	writeJSON(w, http.StatusOK, map[string]any{"modules": out})
}

// handleModule serves GET /crm/v8/settings/modules/{module} (API name or id).
func (s *Sim) handleModule(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("module")
	for i, name := range moduleOrder {
		if m := s.modules[name]; strings.EqualFold(m.name, key) || idString(m.id) == key {
			writeJSON(w, http.StatusOK, map[string]any{"modules": []any{s.renderModule(m, i+1)}})
			return
		}
	}
	writeErr(w, errInvalidModule())
}
