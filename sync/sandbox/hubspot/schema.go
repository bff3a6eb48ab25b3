package hubspot

// Property types and field types follow GET /crm/properties/2026-03/{object}.
const (
	typeString   = "string"
	typeNumber   = "number"
	typeDateTime = "datetime"
	typeDate     = "date"
	typeEnum     = "enumeration"
	typeBool     = "bool"
)

// Option is one enumeration choice.
type Option struct {
	Label        string `json:"label"`
	Value        string `json:"value"`
	DisplayOrder int    `json:"displayOrder"`
	Hidden       bool   `json:"hidden"`
}

// Property describes one CRM property.
type Property struct {
	Name           string
	Label          string
	Type           string
	FieldType      string
	GroupName      string
	Options        []Option
	Unique         bool
	ReadOnly       bool
	Calculated     bool
	HubSpotDefined bool
	// ReferencedObjectType is "OWNER" on hubspot_owner_id, whose values
	// are owner ids rather than listed options (owners.go).
	ReferencedObjectType string
	// ExternalOptions: the allowed values come from elsewhere (the
	// owners), so Options stays empty.
	ExternalOptions bool
}

// Schema is an object's closed property set; records store values by property index.
type Schema struct {
	Object   string
	Props    []Property
	index    map[string]int
	Defaults []string // returned when the caller names no properties
	Modified string   // the last-modified property: lastmodifieddate or hs_lastmodifieddate
	// Created is the create-date property: createdate, or hs_createdate
	// on a custom object.
	Created string
	// Required lists what a create must set (a custom object's
	// requiredProperties); nil for the standard objects, whose creates the
	// sandbox does not check.
	Required []string
	// Searchable lists what a search's free-text query matches (a custom
	// object's searchableProperties); nil: the standard objects' own.
	Searchable []string
	// Singular names one record in messages; "" for the standard objects,
	// whose name says it (singular).
	Singular string
	idBase   int64
	// defaultFrom gives a property left out of a create the value of
	// another (property -> source).
	defaultFrom map[string]string
}

func (s *Schema) prop(name string) (int, bool) { i, ok := s.index[name]; return i, ok }

// one names one record of the object in messages.
func (s *Schema) one() string {
	if s.Singular != "" {
		return s.Singular
	}
	return singular(s.Object)
}

func newSchema(object, modified string, idBase int64, defaults []string, props []Property) *Schema {
	return newSchemaCreated(object, "createdate", modified, idBase, defaults, props)
}

// newSchemaCreated is newSchema with the create-date property named.
func newSchemaCreated(object, created, modified string, idBase int64, defaults []string, props []Property) *Schema {
	common := []Property{
		{Name: "hs_object_id", Label: "Record ID", Type: typeNumber, FieldType: "number", GroupName: "systeminformation", ReadOnly: true, Unique: true, HubSpotDefined: true},
		{Name: created, Label: "Create Date", Type: typeDateTime, FieldType: "date", GroupName: "systeminformation", HubSpotDefined: true},
		{Name: modified, Label: "Last Modified Date", Type: typeDateTime, FieldType: "date", GroupName: "systeminformation", ReadOnly: true, HubSpotDefined: true},
	}
	s := &Schema{Object: object, Props: append(common, props...), index: map[string]int{}, Defaults: defaults, Modified: modified, Created: created, idBase: idBase}
	for i, p := range s.Props {
		s.index[p.Name] = i
	}
	return s
}

// Fixed indexes of the common properties.
const (
	pObjectID = 0
	pCreate   = 1
	pModified = 2
)

func opts(pairs ...string) []Option {
	var out []Option
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Option{Label: pairs[i], Value: pairs[i+1], DisplayOrder: i / 2})
	}
	return out
}

func text(name, label, group string) Property {
	return Property{Name: name, Label: label, Type: typeString, FieldType: "text", GroupName: group, HubSpotDefined: true}
}

func schemas() map[string]*Schema {
	lifecycle := opts("Subscriber", "subscriber", "Lead", "lead", "Marketing Qualified Lead", "marketingqualifiedlead",
		"Sales Qualified Lead", "salesqualifiedlead", "Opportunity", "opportunity", "Customer", "customer",
		"Evangelist", "evangelist", "Other", "other")
	industry := opts("Accounting", "ACCOUNTING", "Computer Software", "COMPUTER_SOFTWARE", "Financial Services", "FINANCIAL_SERVICES",
		"Hospital & Health Care", "HOSPITAL_HEALTH_CARE", "Retail", "RETAIL", "Education Management", "EDUCATION_MANAGEMENT",
		"Manufacturing", "MACHINERY", "Marketing and Advertising", "MARKETING_AND_ADVERTISING")
	stages := opts("Appointment Scheduled", "appointmentscheduled", "Qualified To Buy", "qualifiedtobuy",
		"Presentation Scheduled", "presentationscheduled", "Decision Maker Bought-In", "decisionmakerboughtin",
		"Contract Sent", "contractsent", "Closed Won", "closedwon", "Closed Lost", "closedlost")
	ci := "contactinformation"
	contacts := newSchema("contacts", "lastmodifieddate", 1000,
		[]string{"createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"},
		[]Property{
			{Name: "email", Label: "Email", Type: typeString, FieldType: "text", GroupName: ci, HubSpotDefined: true},
			text("firstname", "First Name", ci), text("lastname", "Last Name", ci),
			{Name: "phone", Label: "Phone Number", Type: typeString, FieldType: "phonenumber", GroupName: ci, HubSpotDefined: true},
			{Name: "mobilephone", Label: "Mobile Phone Number", Type: typeString, FieldType: "phonenumber", GroupName: ci, HubSpotDefined: true},
			text("company", "Company Name", ci), text("jobtitle", "Job Title", ci),
			text("city", "City", ci), text("state", "State/Region", ci), text("country", "Country/Region", ci), text("website", "Website URL", ci),
			{Name: "lifecyclestage", Label: "Lifecycle Stage", Type: typeEnum, FieldType: "radio", GroupName: ci, Options: lifecycle, HubSpotDefined: true},
			{Name: "hs_lead_status", Label: "Lead Status", Type: typeEnum, FieldType: "radio", GroupName: "sales_properties", HubSpotDefined: true,
				Options: opts("New", "NEW", "Open", "OPEN", "In Progress", "IN_PROGRESS", "Open Deal", "OPEN_DEAL", "Unqualified", "UNQUALIFIED", "Connected", "CONNECTED")},
			// Multiple checkboxes: the value is the selected internal
			// values separated by ";" (developers.hubspot.com, CRM API |
			// Properties: "enumeration: a string representing a set of
			// options, with options separated by a semicolon").
			{Name: "hs_buying_role", Label: "Buying Role", Type: typeEnum, FieldType: "checkbox", GroupName: "sales_properties", HubSpotDefined: true,
				Options: opts("Blocker", "BLOCKER", "Budget Holder", "BUDGET_HOLDER", "Champion", "CHAMPION", "Decision Maker", "DECISION_MAKER",
					"End User", "END_USER", "Executive Sponsor", "EXECUTIVE_SPONSOR", "Influencer", "INFLUENCER",
					"Legal & Compliance", "LEGAL_AND_COMPLIANCE", "Other", "OTHER")},
			{Name: "hs_email_optout", Label: "Unsubscribed from all email", Type: typeBool, FieldType: "booleancheckbox", GroupName: ci, ReadOnly: true, HubSpotDefined: true,
				Options: opts("True", "true", "False", "false")},
			// Read-only since April 2019: associations go through the
			// associations API (HubSpot developer changelog, 2019-01-24).
			{Name: "associatedcompanyid", Label: "Primary Associated Company ID", Type: typeNumber, FieldType: "number", GroupName: ci, ReadOnly: true, HubSpotDefined: true},
			{Name: "notes_last_updated", Label: "Last Activity Date", Type: typeDateTime, FieldType: "date", GroupName: ci, ReadOnly: true, Calculated: true, HubSpotDefined: true},
			// A contact's secondary emails, separated by ";": read-only, set
			// by a merge or the v1 secondary-email endpoints (Contacts API v1,
			// GET /contacts/v1/secondary-email/{vid}). Type and field type as
			// third-party dumps of HubSpot's contact properties list them.
			{Name: "hs_additional_emails", Label: "Additional email addresses", Type: typeEnum, FieldType: "select", GroupName: ci, ReadOnly: true, HubSpotDefined: true},
			// The ids of the contacts merged into this one, separated by ";".
			{Name: "hs_merged_object_ids", Label: "Merged Contact IDs", Type: typeEnum, FieldType: "checkbox", GroupName: "contactinformation", ReadOnly: true, HubSpotDefined: true},
		})
	co := "companyinformation"
	companies := newSchema("companies", "hs_lastmodifieddate", 5000000000,
		[]string{"createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"},
		[]Property{
			text("name", "Company name", co), text("domain", "Company Domain Name", co),
			{Name: "phone", Label: "Phone Number", Type: typeString, FieldType: "phonenumber", GroupName: co, HubSpotDefined: true},
			{Name: "industry", Label: "Industry", Type: typeEnum, FieldType: "select", GroupName: co, Options: industry, HubSpotDefined: true},
			text("city", "City", co), text("country", "Country/Region", co),
			{Name: "numberofemployees", Label: "Number of Employees", Type: typeNumber, FieldType: "number", GroupName: co, HubSpotDefined: true},
			{Name: "annualrevenue", Label: "Annual Revenue", Type: typeNumber, FieldType: "number", GroupName: co, HubSpotDefined: true},
			{Name: "lifecyclestage", Label: "Lifecycle Stage", Type: typeEnum, FieldType: "radio", GroupName: co, Options: lifecycle, HubSpotDefined: true},
			{Name: "description", Label: "Description", Type: typeString, FieldType: "textarea", GroupName: co, HubSpotDefined: true},
			{Name: "hs_merged_object_ids", Label: "Merged Company IDs", Type: typeEnum, FieldType: "checkbox", GroupName: co, ReadOnly: true, HubSpotDefined: true},
		})
	di := "dealinformation"
	deals := newSchema("deals", "hs_lastmodifieddate", 9000000000,
		[]string{"amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate", "hs_object_id", "pipeline"},
		[]Property{
			text("dealname", "Deal Name", di),
			{Name: "amount", Label: "Amount", Type: typeNumber, FieldType: "number", GroupName: di, HubSpotDefined: true},
			{Name: "dealstage", Label: "Deal Stage", Type: typeEnum, FieldType: "radio", GroupName: di, Options: stages, HubSpotDefined: true},
			{Name: "pipeline", Label: "Pipeline", Type: typeEnum, FieldType: "select", GroupName: di, Options: opts("Sales Pipeline", "default"), HubSpotDefined: true},
			{Name: "closedate", Label: "Close Date", Type: typeDateTime, FieldType: "date", GroupName: di, HubSpotDefined: true},
			// The deal's currency: only the portal's currencies are valid
			// (developer changelog, "Enforcing Deal Currency Code
			// Validation", 2023-07-31: 400 INVALID_OPTION). The sandbox
			// portal's company currency is USD, with EUR and GBP added; a
			// deal without one is in the company currency.
			{Name: "deal_currency_code", Label: "Currency", Type: typeEnum, FieldType: "select", GroupName: di, HubSpotDefined: true,
				Options: opts("US Dollar", "USD", "Euro", "EUR", "British Pound", "GBP")},
			{Name: "dealtype", Label: "Deal Type", Type: typeEnum, FieldType: "radio", GroupName: di, HubSpotDefined: true,
				Options: opts("New Business", "newbusiness", "Existing Business", "existingbusiness")},
			{Name: "description", Label: "Deal Description", Type: typeString, FieldType: "textarea", GroupName: di, HubSpotDefined: true},
			{Name: "hs_merged_object_ids", Label: "Merged Deal IDs", Type: typeEnum, FieldType: "checkbox", GroupName: di, ReadOnly: true, HubSpotDefined: true},
		})
	ei := "engagement"
	notes := newSchema("notes", "hs_lastmodifieddate", 20000000000,
		[]string{"createdate", "hs_lastmodifieddate", "hs_object_id"},
		[]Property{
			{Name: "hs_timestamp", Label: "Activity date", Type: typeDateTime, FieldType: "date", GroupName: ei, HubSpotDefined: true},
			{Name: "hs_note_body", Label: "Note body", Type: typeString, FieldType: "html", GroupName: ei, HubSpotDefined: true},
		})
	tasks := newSchema("tasks", "hs_lastmodifieddate", 30000000000,
		[]string{"createdate", "hs_lastmodifieddate", "hs_object_id"},
		[]Property{
			{Name: "hs_timestamp", Label: "Due date", Type: typeDateTime, FieldType: "date", GroupName: ei, HubSpotDefined: true},
			text("hs_task_subject", "Task Title", ei),
			{Name: "hs_task_body", Label: "Notes", Type: typeString, FieldType: "html", GroupName: ei, HubSpotDefined: true},
			{Name: "hs_task_status", Label: "Task Status", Type: typeEnum, FieldType: "select", GroupName: ei, HubSpotDefined: true,
				Options: opts("Completed", "COMPLETED", "Not Started", "NOT_STARTED", "In Progress", "IN_PROGRESS", "Waiting", "WAITING", "Deferred", "DEFERRED")},
			{Name: "hs_task_priority", Label: "Priority", Type: typeEnum, FieldType: "select", GroupName: ei, HubSpotDefined: true,
				Options: opts("None", "NONE", "Low", "LOW", "Medium", "MEDIUM", "High", "HIGH")},
		})
	// Meetings: hs_timestamp defaults to the start time when a create
	// leaves it out (developer changelog, "Defaulting hs_timestamp to
	// Meeting Start Time", 2024-11-12).
	meetings := newSchema("meetings", "hs_lastmodifieddate", 40000000000,
		[]string{"createdate", "hs_lastmodifieddate", "hs_object_id"},
		[]Property{
			{Name: "hs_timestamp", Label: "Activity date", Type: typeDateTime, FieldType: "date", GroupName: ei, HubSpotDefined: true},
			text("hs_meeting_title", "Meeting name", ei),
			{Name: "hs_meeting_body", Label: "Meeting description", Type: typeString, FieldType: "html", GroupName: ei, HubSpotDefined: true},
			text("hs_meeting_location", "Location", ei),
			{Name: "hs_meeting_start_time", Label: "Start Time", Type: typeDateTime, FieldType: "date", GroupName: ei, HubSpotDefined: true},
			{Name: "hs_meeting_end_time", Label: "End Time", Type: typeDateTime, FieldType: "date", GroupName: ei, HubSpotDefined: true},
			{Name: "hs_meeting_outcome", Label: "Meeting outcome", Type: typeEnum, FieldType: "select", GroupName: ei, HubSpotDefined: true,
				Options: opts("Scheduled", "SCHEDULED", "Completed", "COMPLETED", "Rescheduled", "RESCHEDULED", "No Show", "NO_SHOW", "Canceled", "CANCELED")},
		})
	meetings.defaultFrom = map[string]string{"hs_timestamp": "hs_meeting_start_time"}
	// Calls: the duration is in milliseconds.
	calls := newSchema("calls", "hs_lastmodifieddate", 50000000000,
		[]string{"createdate", "hs_lastmodifieddate", "hs_object_id"},
		[]Property{
			{Name: "hs_timestamp", Label: "Activity date", Type: typeDateTime, FieldType: "date", GroupName: ei, HubSpotDefined: true},
			text("hs_call_title", "Call Title", ei),
			{Name: "hs_call_body", Label: "Call notes", Type: typeString, FieldType: "html", GroupName: ei, HubSpotDefined: true},
			{Name: "hs_call_duration", Label: "Call duration", Type: typeNumber, FieldType: "number", GroupName: ei, HubSpotDefined: true},
			{Name: "hs_call_direction", Label: "Call direction", Type: typeEnum, FieldType: "select", GroupName: ei, HubSpotDefined: true,
				Options: opts("Inbound", "INBOUND", "Outbound", "OUTBOUND")},
			{Name: "hs_call_status", Label: "Call status", Type: typeEnum, FieldType: "select", GroupName: ei, HubSpotDefined: true,
				Options: opts("Busy", "BUSY", "Calling CRM User", "CALLING_CRM_USER", "Canceled", "CANCELED", "Completed", "COMPLETED",
					"Connecting", "CONNECTING", "Failed", "FAILED", "In Progress", "IN_PROGRESS", "No Answer", "NO_ANSWER", "Queued", "QUEUED", "Ringing", "RINGING")},
		})
	addOwnerProperties(map[*Schema]string{contacts: "Contact owner", companies: "Company owner", deals: "Deal owner",
		notes: "", tasks: "", meetings: "", calls: ""})
	return map[string]*Schema{"contacts": contacts, "companies": companies, "deals": deals, "notes": notes, "tasks": tasks, "meetings": meetings, "calls": calls}
}
