package zoho

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

// contactInterests are the options of Contacts.Interests, a custom multi-select picklist
// the sandbox org has, as an org that tracks its contacts' product interests would:
// created in the web client, so each option's actual_value is its display_value
// [unverified: what the client fills in as actual_value]. Custom fields created in
// current orgs get an api_name from the label, without the old "__c"-style suffix
// ("Interests") [unverified].
var contactInterests = []string{"Analytics", "Automation", "Integrations", "Mobile", "Security", "Webinars"}

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

// multiPick builds a custom multi-select picklist (no -None- option: an empty array is no
// selection).
func multiPick(api, label string, values []string) *fieldDef {
	d := f(api, label, TypeMultiPicklist, 2000)
	d.picklist, d.custom = values, true
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

func ro(d *fieldDef) *fieldDef { d.readOnly = true; return d }

func mandatory(d *fieldDef) *fieldDef { d.mandatory = true; return d }

func open(d *fieldDef) *fieldDef { d.open = true; return d }

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
	fs = append(fs, f("Description", "Description", TypeTextarea, 32000), multiPick("Interests", "Interests", contactInterests))
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

// projectStatuses are the options of Projects.Status [sandbox data].
var projectStatuses = []string{"Planned", "Active", "Done"}

// projectFields are the custom module Projects' fields: the fields Zoho gives every new
// custom module (Owner and the record name, Name, which is mandatory; "Project Name" and
// "Project Owner" after the singular label), the fields the org added (Status, Budget,
// Start_Date; custom_field true, picklists with -None- as customDef builds them) and the
// system fields [unverified: labels, lengths, and that a custom module has
// Last_Activity_Time; Zoho also adds Email, Secondary_Email, Tag and others, left out].
func projectFields() []*fieldDef {
	status := pick("Status", "Status", append([]string{"-None-"}, projectStatuses...))
	budget, start := f("Budget", "Budget", TypeCurrency, 16), f("Start_Date", "Start Date", TypeDate, 20)
	status.custom, budget.custom, start.custom = true, true, true
	fs := []*fieldDef{f("Owner", "Project Owner", TypeOwnerLookup, 120), mandatory(f("Name", "Project Name", TypeText, 120)),
		status, budget, start}
	return append(fs, systemFields()...)
}

// projectContactFields are the linking module Projects_X_Contacts' fields: a lookup into
// each linked module [unverified: Zoho's field names for them and its Name field].
func projectContactFields() []*fieldDef {
	fs := []*fieldDef{f("Owner", "Owner", TypeOwnerLookup, 120), f("Name", "Name", TypeText, 120),
		lookupTo("Projects", "Projects", ModuleProjects), lookupTo("Contacts", "Contacts", ModuleContacts)}
	return append(fs, systemFields()...)
}

// leadStatuses are Leads.Lead_Status's options; "Not Contacted" and "Attempted to
// Contact" are the v8 spec's examples (getRecord leads example, Zoho's insert samples),
// the rest a fresh org's list [unverified: the list and its order].
var leadStatuses = []string{"-None-", "Attempted to Contact", "Contact in Future", "Contacted", "Junk Lead",
	"Lost Lead", "Not Contacted", "Pre-Qualified", "Not Qualified"}

// leadFields are the Leads module's standard fields, by the API names Zoho's COQL and
// insert samples use (Company, Designation, Lead_Status, No_of_Employees, Zip_Code...).
// Last_Name is the one system-mandatory field. Company is optional here: the convert
// doc's overwrite key is "Ignored when the Lead has no value for the Company field"
// (Kaizen #137), so a lead may lack one [unverified: the standard layout's web form
// stars it]. Left out: Unsubscribed_Mode/Time, Record_Image, Tag, Data_Processing_Basis.
// Lengths follow Contacts' where the fields match [unverified].
func leadFields() []*fieldDef {
	fs := []*fieldDef{f("Owner", "Lead Owner", TypeOwnerLookup, 120), f("Company", "Company", TypeText, 200),
		pick("Salutation", "Salutation", salutations), f("First_Name", "First Name", TypeText, 40),
		mandatory(f("Last_Name", "Last Name", TypeText, 80)), ro(f("Full_Name", "Full Name", TypeText, 120)),
		f("Designation", "Title", TypeText, 100), f("Email", "Email", TypeEmail, 100),
		f("Secondary_Email", "Secondary Email", TypeEmail, 100), f("Phone", "Phone", TypePhone, 30),
		f("Fax", "Fax", TypePhone, 30), f("Mobile", "Mobile", TypePhone, 30), f("Website", "Website", TypeWebsite, 255),
		pick("Lead_Source", "Lead Source", leadSources), pick("Lead_Status", "Lead Status", leadStatuses),
		pick("Industry", "Industry", industries), f("No_of_Employees", "No. of Employees", TypeInteger, 9),
		f("Annual_Revenue", "Annual Revenue", TypeCurrency, 16), pick("Rating", "Rating", ratings),
		f("Email_Opt_Out", "Email Opt Out", TypeBoolean, 5), f("Skype_ID", "Skype ID", TypeText, 50),
		f("Twitter", "Twitter", TypeText, 50), f("Street", "Street", TypeText, 250), f("City", "City", TypeText, 100),
		f("State", "State", TypeText, 100), f("Zip_Code", "Zip Code", TypeText, 30), f("Country", "Country", TypeText, 100),
		f("Description", "Description", TypeTextarea, 32000)}
	return append(fs, systemFields()...)
}
