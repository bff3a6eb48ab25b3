package app

import (
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// DemoZohoCompaniesSync is the ready-made two-way sync between HubSpot
// companies and Zoho CRM Accounts, matched by web domain, then by name
// (withNameRule).
func DemoZohoCompaniesSync(name, hubspotConn, zohoConn string) engine.Definition {
	return withNameRule(demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "companies"},
		engine.SideDef{Connection: zohoConn, Object: "Accounts"},
		engine.MatchRule{A: "domain", B: "Website", Normalize: "domain"},
		[]mapping.Field{
			{A: "name", B: "Account_Name", Rule: mapping.UnlessBlank},
			{A: "phone", B: "Phone", Transform: "e164"},
			{A: "city", B: "Billing_City", Rule: mapping.UnlessBlank},
			// The web domain both ways: a company created on either side
			// carries its match key, so HubSpot holds its domain, the
			// journal can find a create whose answer was lost, and the
			// next run matches it (without it a lost answer duplicated the
			// company on both sides).
			{A: "domain", B: "Website", Transform: "domain", Rule: mapping.UnlessBlank},
			DemoOwner("Owner"),
		}), "Account_Name")
}

// zohoStages maps the sandbox's HubSpot deal stages to the stages of Zoho
// CRM's standard deal layout, and zohoStagesBack maps each Zoho stage back
// to the HubSpot stage it stands for: Zoho has more stages, so each way has
// its own map.
var (
	zohoStages = map[string]string{
		"appointmentscheduled": "Qualification", "qualifiedtobuy": "Needs Analysis",
		"presentationscheduled": "Value Proposition", "decisionmakerboughtin": "Identify Decision Makers",
		"contractsent": "Proposal/Price Quote", "closedwon": "Closed Won", "closedlost": "Closed Lost",
	}
	zohoStagesBack = map[string]string{
		"Qualification": "appointmentscheduled", "Needs Analysis": "qualifiedtobuy",
		"Value Proposition": "presentationscheduled", "Identify Decision Makers": "decisionmakerboughtin",
		"Proposal/Price Quote": "contractsent", "Negotiation/Review": "contractsent",
		"Closed Won": "closedwon", "Closed Lost": "closedlost", "Closed-Lost to Competition": "closedlost",
	}
)

// DemoZohoDealsSync is the ready-made two-way sync between HubSpot deals
// and Zoho CRM Deals, matched by name: the amount, the stage through a
// value map each way, the close date as Zoho's closing date (a date in
// UTC), and each deal's company as its Account_Name, through the links of
// the companies sync named (DemoZohoCompaniesSync).
func DemoZohoDealsSync(name, hubspotConn, zohoConn, companies string) engine.Definition {
	return hubspotDealsSync(name, hubspotConn, zohoConn, companies,
		dealFields{object: "Deals", name: "Deal_Name", amount: "Amount", stage: "Stage", close: "Closing_Date",
			company: "Account_Name", owner: "Owner", stages: zohoStages, stagesBack: zohoStagesBack,
			currency: "USD"}) // the sandbox org's home currency, without multi-currency
}

// DemoZohoTasksSync is the ready-made two-way sync between HubSpot tasks
// and Zoho CRM Tasks, matched by subject, each on its contact (Zoho's
// Who_Id) through the links of the contacts sync named (DemoZohoSync).
// HubSpot's body is HTML and Zoho's description plain text; status and
// priority go through value maps (Zoho's Highest and Lowest come back as
// HubSpot's High and Low); the due date is a date in UTC (in the portal's
// time zone through App.ReadyMadeSyncs).
func DemoZohoTasksSync(name, hubspotConn, zohoConn, contacts string) engine.Definition {
	priority := mapping.Field{A: "hs_task_priority", B: "Priority", Transform: "map", Rule: mapping.UnlessBlank,
		ValueMap:         map[string]string{"LOW": "Low", "MEDIUM": "Normal", "HIGH": "High"},
		ReverseTransform: "map", ReverseValueMap: map[string]string{"Lowest": "LOW", "Low": "LOW", "Normal": "MEDIUM", "High": "HIGH", "Highest": "HIGH"}}
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "tasks"},
		engine.SideDef{Connection: zohoConn, Object: "Tasks"},
		engine.MatchRule{A: "hs_task_subject", B: "Subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_task_subject", B: "Subject", Rule: mapping.UnlessBlank},
			{A: "hs_task_body", B: "Description", Transform: "text"},
			{A: "hs_task_status", B: "Status", Transform: "map", Rule: mapping.UnlessBlank, ValueMap: map[string]string{
				"NOT_STARTED": "Not Started", "IN_PROGRESS": "In Progress", "COMPLETED": "Completed",
				"WAITING": "Waiting for input", "DEFERRED": "Deferred"}},
			priority,
			{A: "hs_timestamp", B: "Due_Date", Transform: "date:UTC", Rule: mapping.UnlessBlank},
			demoRef("associations.contact", "Who_Id", contacts),
			DemoOwner("Owner"),
		})
}

// DemoZohoCallsSync is the ready-made two-way sync between HubSpot calls
// and Zoho CRM Calls, matched by title, each on its contact (Who_Id)
// through the links of the contacts sync named (DemoZohoSync). A Zoho
// call's type is set when it is created and never changed (Zoho refuses
// that), a HubSpot call with no direction goes to Zoho as outbound (Zoho
// needs a type), and a missed call arrives in HubSpot as inbound; the duration goes
// from HubSpot's milliseconds to Zoho's MM:SS, and the call's time is its
// start.
func DemoZohoCallsSync(name, hubspotConn, zohoConn, contacts string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "calls"},
		engine.SideDef{Connection: zohoConn, Object: "Calls"},
		engine.MatchRule{A: "hs_call_title", B: "Subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_call_title", B: "Subject", Rule: mapping.UnlessBlank},
			{A: "hs_call_body", B: "Description", Transform: "text"},
			{A: "hs_call_direction", B: "Call_Type", Transform: "map", Rule: mapping.OnCreate,
				ValueMap:         map[string]string{"INBOUND": "Inbound", "OUTBOUND": "Outbound"},
				ReverseTransform: "map", ReverseValueMap: map[string]string{"Inbound": "INBOUND", "Missed": "INBOUND", "Outbound": "OUTBOUND"},
				Default: "Outbound"},
			{A: "hs_call_duration", B: "Call_Duration", Transform: "mmss:ms", Rule: mapping.UnlessBlank},
			{A: "hs_timestamp", B: "Call_Start_Time", Transform: "datetime", Rule: mapping.UnlessBlank},
			demoRef("associations.contact", "Who_Id", contacts),
			DemoOwner("Owner"),
		})
}

// DemoZohoMeetingsSync is the ready-made two-way sync between HubSpot
// meetings and Zoho CRM meetings (the Events module), matched by title,
// each on its contact (Who_Id) through the links of the contacts sync
// named (DemoZohoSync); start and end are instants both sides.
func DemoZohoMeetingsSync(name, hubspotConn, zohoConn, contacts string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "meetings"},
		engine.SideDef{Connection: zohoConn, Object: "Events"},
		engine.MatchRule{A: "hs_meeting_title", B: "Event_Title", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_meeting_title", B: "Event_Title", Rule: mapping.UnlessBlank},
			{A: "hs_meeting_body", B: "Description", Transform: "text"},
			{A: "hs_meeting_location", B: "Venue"},
			{A: "hs_meeting_start_time", B: "Start_DateTime", Transform: "datetime", Rule: mapping.UnlessBlank},
			{A: "hs_meeting_end_time", B: "End_DateTime", Transform: "datetime", Rule: mapping.UnlessBlank},
			demoRef("associations.contact", "Who_Id", contacts),
			DemoOwner("Owner"),
		})
}

// DemoZohoNotesSync is the ready-made two-way sync between HubSpot notes
// and Zoho CRM notes on contacts, matched by their text, each on the
// contact linked to its own through the contacts sync named (DemoZohoSync),
// as DemoNotesSync does with Salesforce: the text both ways (HTML in
// HubSpot, plain text in Note_Content), the parent (Parent_Id, with its
// module) and the date on create only; a note made from HubSpot takes its
// first line as its title.
func DemoZohoNotesSync(name, hubspotConn, zohoConn, contacts string) engine.Definition {
	def := hubspotNotesSync(name, hubspotConn, zohoConn, contacts,
		noteSide{object: "Notes", body: "Note_Content", bodyTransform: "text", created: "Created_Time", parent: "Parent_Id.Contacts"},
		mapping.Field{A: "hs_note_body", B: "Note_Title", Direction: mapping.AtoB, Transform: "firstline:80", Rule: mapping.OnCreate})
	def.Filters.B = []engine.Filter{{Field: "Parent_Id.Contacts", Op: "not-empty"}}
	return def
}

// DemoZohoSyncWithAccounts is DemoZohoSync with each contact's primary
// company and its Zoho account (Account_Name, a lookup) going through the
// links of the companies sync named (DemoZohoCompaniesSync), and the
// owner with them (DemoOwner).
func DemoZohoSyncWithAccounts(name, hubspotConn, zohoConn, companies string) engine.Definition {
	def := DemoZohoSync(name, hubspotConn, zohoConn)
	def.Fields = append(def.Fields, demoRef("associatedcompanyid", "Account_Name", companies), DemoOwner("Owner"))
	return def
}

// DemoZohoSync is the ready-made two-way sync between HubSpot contacts and
// Zoho CRM Contacts, matched by email. Zoho needs a last name, so a blank
// one never overwrites it; a Zoho contact created from HubSpot is upserted
// by its email, Zoho's own duplicate check.
func DemoZohoSync(name, hubspotConn, zohoConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: zohoConn, Object: "Contacts"},
		engine.MatchRule{A: "email", B: "Email", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "Email", Transform: "lower"},
			{A: "firstname", B: "First_Name"},
			{A: "lastname", B: "Last_Name", Rule: mapping.UnlessBlank},
			{A: "phone", B: "Phone", Transform: "e164"},
			{A: "jobtitle", B: "Title", Rule: mapping.UnlessBlank},
			demoOptOut("Email_Opt_Out"),
		})
}
